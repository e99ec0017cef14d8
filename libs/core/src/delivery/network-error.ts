const DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  ENETDOWN: 'network down',
  EADDRNOTAVAIL: 'address not available',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  EAI_FAIL: 'DNS lookup failed',
  EAI_NODATA: 'host has no address',
  ENODATA: 'host has no address',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_DESTROYED: 'connection closed',
  UND_ERR_ABORTED: 'request aborted',
  UND_ERR_INVALID_ARG: 'invalid request',
  ERR_INVALID_URL: 'invalid URL',
};

/**
 * A short, stable description of why a request failed before a full response arrived, for the
 * attempt's `error`: `connection refused (ECONNREFUSED)`. Codes stay machine-readable in `code`.
 */
export function describeNetworkError(err: unknown): { code: string; message: string } {
  const code = innermostCoded(err)?.code ?? 'UNKNOWN';
  return { code, message: `${describe(code, err)} (${code})` };
}

function describe(code: string, err: unknown): string {
  if (DESCRIPTIONS[code]) return DESCRIPTIONS[code];
  if (code.includes('CERT') || code.includes('SIGNATURE')) return 'TLS certificate error';
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO')
    return 'TLS handshake failed';
  if (code.startsWith('HPE_')) return 'invalid HTTP response';
  const text = messageOf(err).split('\n')[0].trim();
  return text ? `network error: ${text.slice(0, 200)}` : 'network error';
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

// Duck-typed rather than instanceof: errors raised by node core come from another realm under
// Jest's sandbox, and errors from other libraries may not extend our Error at all.
// Node wraps happy-eyeballs failures in an AggregateError and libraries chain causes; the
// innermost error that carries a code says what went wrong on the wire.
function innermostCoded(err: unknown, depth = 0): { code: string } | undefined {
  if (typeof err !== 'object' || err === null || depth > 5) return undefined;
  const e = err as ErrorLike;
  const nested = Array.isArray(e.errors) && e.errors.length > 0 ? e.errors[0] : e.cause;
  const inner = innermostCoded(nested, depth + 1);
  if (inner) return inner;
  return typeof e.code === 'string' && e.code.length > 0 ? { code: e.code } : undefined;
}

function messageOf(err: unknown): string {
  const message = typeof err === 'object' && err !== null ? (err as ErrorLike).message : undefined;
  return typeof message === 'string' ? message : '';
}
