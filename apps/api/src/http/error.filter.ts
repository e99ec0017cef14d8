import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  limit?: number;
}

const BODY_PARSER_ERRORS: Record<string, { status: number; message: (e: BodyParserError) => string }> = {
  'entity.too.large': { status: 413, message: (e) => `request body exceeds the limit of ${e.limit} bytes` },
  'entity.parse.failed': { status: 400, message: () => 'request body is not valid JSON' },
  'entity.verify.failed': { status: 400, message: () => 'request body could not be verified' },
  'request.aborted': { status: 400, message: () => 'request body was aborted' },
  'request.size.invalid': { status: 400, message: () => 'request body size does not match Content-Length' },
  'encoding.unsupported': { status: 415, message: () => 'unsupported Content-Encoding' },
  'charset.unsupported': { status: 415, message: () => 'unsupported charset; send UTF-8 JSON' },
};

export function errorBody(status: number, message: string | string[]) {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
}

/**
 * The one error vocabulary: every error leaves as Nest's {statusCode, error, message}; a client's
 * mistake never becomes a 500, and an unexpected error is logged with a correlation id the client sees.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    if (res.headersSent) return;

    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message =
        typeof body === 'string'
          ? body
          : ((body as { message?: string | string[] }).message ?? exception.message);
      res.status(status).json(errorBody(status, message));
      return;
    }

    const parserError = exception as BodyParserError;
    const known = parserError?.type ? BODY_PARSER_ERRORS[parserError.type] : undefined;
    if (known) {
      res.status(known.status).json(errorBody(known.status, known.message(parserError)));
      return;
    }

    const correlationId = (req as { id?: unknown }).id?.toString() ?? randomUUID();
    this.logger.error(
      { err: exception, correlationId, method: req.method, path: req.route?.path ?? 'unmatched' },
      'unhandled error',
    );
    res.status(500).json(errorBody(500, `internal error; correlation id ${correlationId}`));
  }
}
