import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';

const GIVEN_ID = /^[\w.-]{1,128}$/;

/**
 * Gives each request a correlation id (a caller's X-Request-Id is kept), answers it in X-Request-Id,
 * and logs the request once it ends: server errors at error, client errors and aborted requests at info,
 * the rest at debug (ingest runs at thousands a second). The line is written only when its level is enabled, and
 * carries no headers, so nothing secret can reach it.
 */
export function requestLogMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
    (req as { id?: string }).id = id;
    res.setHeader('x-request-id', id);
    const start = performance.now();
    // 'close' comes after 'finish' for an answered request, and alone for one the client gave up on.
    res.once('close', () => {
      const answered = res.writableFinished;
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 || !answered ? 'info' : 'debug';
      const log = PinoLogger.root;
      if (!log?.isLevelEnabled(level)) return;
      log[level](
        // Flat fields: pino's req/res serializers expect live objects.
        {
          correlationId: id,
          method: req.method,
          url: req.originalUrl,
          statusCode: answered ? status : null,
          responseTime: Math.round(performance.now() - start),
        },
        answered ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}
