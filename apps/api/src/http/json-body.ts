import { json, NextFunction, Request, Response } from 'express';
import { errorBody } from './error.filter';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * JSON bodies only, at most maxBytes. A request with a body of another type is refused with 415 before
 * anything is read; an empty body is fine (the test endpoint and redeliver take none).
 */
export function jsonBodyMiddleware(maxBytes: number) {
  const parse = json({ limit: maxBytes, strict: true, type: () => true });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!['POST', 'PUT', 'PATCH'].includes(req.method) || !hasBody(req)) return next();
    const type = req.headers['content-type'];
    if (!type || !JSON_TYPE.test(type)) {
      res.status(415).json(errorBody(415, 'Content-Type must be application/json'));
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        res.status(400).json(errorBody(400, 'request body must be a JSON object'));
        return;
      }
      next();
    });
  };
}
