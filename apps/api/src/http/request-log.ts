import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';

const GIVEN_ID = /^[\w.-]{1,128}$/;

/**
 * Gives each request a correlation id (a caller's X-Request-Id is kept), answers it in X-Request-Id,
 * and logs the request once it is answered: server errors at error, client errors at info, the rest at
 * debug (ingest runs at thousands a second). The line is written only when its level is enabled, and
 * carries no headers, so nothing secret can reach it.
 */
export function requestLogMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
    (req as { id?: string }).id = id;
    res.setHeader('x-request-id', id);
    const start = performance.now();
    res.once('finish', () => {
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
      const log = PinoLogger.root;
      if (!log?.isLevelEnabled(level)) return;
      log[level](
        // Flat fields: pino's req/res serializers expect live objects.
        {
          reqId: id,
          method: req.method,
          url: req.originalUrl,
          statusCode: status,
          responseTime: Math.round(performance.now() - start),
        },
        'request completed',
      );
    });
    next();
  };
}
