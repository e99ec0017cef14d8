import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { HttpServer } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';

/** Fastify's own refusals (before a route runs), in our words. */
const FASTIFY_ERRORS: Record<string, (limits: ErrorLimits) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (l) => `request body exceeds the limit of ${l.maxBodyBytes} bytes`,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'Content-Type must be application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'request body size does not match Content-Length',
};

export interface ErrorLimits {
  maxBodyBytes: number;
}

export function errorBody(status: number, message: string | string[]) {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
}

/** A client error raised by the HTTP layer itself (Fastify), with its status; null for anything else. */
function clientError(exception: unknown, limits: ErrorLimits): { status: number; message: string } | null {
  const e = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof e?.statusCode !== 'number' || e.statusCode < 400 || e.statusCode > 499) return null;
  const known = typeof e.code === 'string' ? FASTIFY_ERRORS[e.code] : undefined;
  return {
    status: e.statusCode,
    message: known ? known(limits) : String(e.message ?? STATUS_CODES[e.statusCode]),
  };
}

/**
 * The one error vocabulary: every error leaves as Nest's {statusCode, error, message}; a client's
 * mistake never becomes a 500, and an unexpected error is logged with a correlation id the client sees.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly http: HttpServer,
    private readonly limits: ErrorLimits,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<unknown>();
    const req = ctx.getRequest<FastifyRequest>();
    if (this.http.isHeadersSent(res)) return;
    const reply = (status: number, message: string | string[]) =>
      this.http.reply(res, errorBody(status, message), status);

    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message =
        typeof body === 'string'
          ? body
          : ((body as { message?: string | string[] }).message ?? exception.message);
      return reply(status, message);
    }

    const client = clientError(exception, this.limits);
    if (client) return reply(client.status, client.message);

    const correlationId = req.id ?? randomUUID();
    this.logger.error(
      { err: exception, correlationId, method: req.method, path: req.routeOptions?.url ?? 'unmatched' },
      'unhandled error',
    );
    reply(500, `internal error; correlation id ${correlationId}`);
  }
}
