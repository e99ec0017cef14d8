import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';

const GIVEN_ID = /^[\w.-]{1,128}$/;
const STARTED = Symbol('started');

type TimedRequest = FastifyRequest & { [STARTED]?: number };

/** A request's correlation id: the caller's X-Request-Id when it is a sane token, else a new UUID. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
}

function log(req: FastifyRequest, statusCode: number | null, responseTimeMs: number): void {
  const level =
    statusCode === null ? 'info' : statusCode >= 500 ? 'error' : statusCode >= 400 ? 'info' : 'debug';
  const logger = PinoLogger.root;
  if (!logger?.isLevelEnabled(level)) return;
  // Flat fields, and never headers or bodies: nothing secret can reach the line.
  logger[level](
    {
      correlationId: req.id,
      method: req.method,
      url: req.url,
      statusCode,
      responseTime: Math.round(responseTimeMs),
    },
    statusCode === null ? 'request aborted' : 'request completed',
  );
}

/**
 * Answers each request's correlation id (Fastify's request id, see `requestId`) in X-Request-Id, and
 * logs the request once it ends: server errors at error, client errors and aborted requests at info,
 * the rest at debug (ingest runs at thousands a second). The line is written only when its level is
 * enabled.
 */
export function registerRequestLog(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req: TimedRequest, reply, done) => {
    req[STARTED] = performance.now();
    reply.header('x-request-id', req.id);
    done();
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    log(req, reply.statusCode, reply.elapsedTime);
    done();
  });
  fastify.addHook('onRequestAbort', (req: TimedRequest, done) => {
    log(req, null, performance.now() - (req[STARTED] ?? performance.now()));
    done();
  });
}
