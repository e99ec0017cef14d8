import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Why a request's body is refused before it is parsed, or null. */
function refusal(req: FastifyRequest): Error | null {
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type))
    return new UnsupportedMediaTypeException('Content-Type must be application/json');
  const charset = CHARSET.exec(type)?.[1].toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return new UnsupportedMediaTypeException('unsupported charset; send UTF-8 JSON');
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return new UnsupportedMediaTypeException('unsupported Content-Encoding');
  }
  return null;
}

/**
 * JSON object bodies only, at most maxBytes (Fastify refuses a larger one before reading it). A body of
 * another type is 415, malformed JSON or a JSON array or scalar 400; an empty body is fine (the test
 * endpoint and redeliver take none), and bodies of other methods are ignored.
 */
export function registerJsonBody(fastify: FastifyInstance, maxBytes: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: maxBytes }, (req, text, done) => {
    if (!METHODS_WITH_BODY.has(req.method) || text === '') return done(null, undefined);
    const refused = refusal(req);
    if (refused) return done(refused);
    let body: unknown;
    try {
      body = JSON.parse(text as string);
    } catch {
      return done(new BadRequestException('request body is not valid JSON'));
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return done(new BadRequestException('request body must be a JSON object'));
    }
    done(null, body);
  });
}
