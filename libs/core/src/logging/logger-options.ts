import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';

/** Paths that may carry a secret: they are censored before a log line is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.secret',
  '*.api_key',
  '*.apiKey',
  '*.headers.authorization',
];

/** Structured JSON logs; each request gets a correlation id (a caller's X-Request-Id is kept). */
export function loggerOptions(config: AppConfig, app: string): Params {
  return {
    pinoHttp: {
      level: config.LOG_LEVEL,
      name: `hookpost-${app}`,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Ingest runs at thousands of requests a second: log requests at debug, errors always.
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
