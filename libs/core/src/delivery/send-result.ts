import { STATUS_CODES } from 'node:http';

export const DESTINATION_NOT_ALLOWED = 'destination not allowed';

/** What one HTTP try produced. Every way a try can end is a value here; the sender never throws. */
export type SendResult =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string>;
      body: string;
      responseTimeMs: number;
    }
  /** The whole exchange (connect, headers and body) exceeded the webhook's timeout. */
  | { kind: 'timeout'; responseTimeMs: number; message: string }
  /** Refused, reset, DNS or TLS failure, connection closed early. */
  | { kind: 'network'; code: string; message: string; responseTimeMs: number }
  /** The SSRF guard refused the address the name resolved to, or the literal address in the URL. */
  | { kind: 'forbidden_destination'; message: string; responseTimeMs: number };

export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** The error recorded on the attempt: null for a 2xx, `HTTP 500: Internal Server Error` style for other responses. */
export function sendResultError(result: SendResult): string | null {
  switch (result.kind) {
    case 'response': {
      if (isSuccessStatus(result.status)) return null;
      const text = STATUS_CODES[result.status];
      return text ? `HTTP ${result.status}: ${text}` : `HTTP ${result.status}`;
    }
    case 'timeout':
    case 'network':
      return result.message;
    case 'forbidden_destination':
      return DESTINATION_NOT_ALLOWED;
  }
}
