import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { Agent, Dispatcher } from 'undici';
import {
  guardedLookup,
  isForbiddenDestinationError,
  plainLookup,
  Resolver,
  systemResolver,
} from './guarded-lookup';
import { describeNetworkError } from './network-error';
import { DESTINATION_NOT_ALLOWED, SendResult } from './send-result';
import { isForbiddenAddress, literalIpOf } from './ssrf';

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer | string;
  timeoutMs: number;
}

export interface HttpSenderOptions {
  allowPrivateDestinations: boolean;
  /** Pooled keep-alive connections per origin; default 64. */
  connectionsPerOrigin?: number;
  /** How much of a response body is kept; default 4096 bytes, the rest is never read. */
  maxResponseBytes?: number;
  /** Where names are resolved; default the system resolver. Tests inject one to play a rebinding DNS. */
  resolve?: Resolver;
}

// Our own timer bounds each exchange; undici's connect timeout (10 s by default) would otherwise cut
// a slow connect short of the webhook's timeout. 120 s is the longest timeout the API accepts.
const CONNECT_TIMEOUT_CEILING_MS = 120_000;
const UNDICI_TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Sends one webhook POST and reports what happened as a SendResult; never throws for what the network does. */
export class HttpSender {
  private readonly agent: Agent;
  private readonly allowPrivateDestinations: boolean;
  private readonly maxResponseBytes: number;

  constructor(opts: HttpSenderOptions) {
    this.allowPrivateDestinations = opts.allowPrivateDestinations;
    this.maxResponseBytes = opts.maxResponseBytes ?? 4096;
    const resolve = opts.resolve ?? systemResolver;
    this.agent = new Agent({
      connections: opts.connectionsPerOrigin ?? 64,
      connect: {
        timeout: CONNECT_TIMEOUT_CEILING_MS,
        lookup: opts.allowPrivateDestinations ? plainLookup(resolve) : guardedLookup(resolve),
      },
    });
  }

  async send(req: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);

    // net.connect never calls lookup for an IP literal, so the guard in lookup cannot see these.
    if (!this.allowPrivateDestinations) {
      const ip = literalIpOf(req.url);
      if (ip !== undefined && isForbiddenAddress(ip)) return forbidden(elapsed());
    }

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    try {
      const url = new URL(req.url);
      const response = await this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers: req.headers,
        body: req.body,
        signal: controller.signal,
      });
      const body = await readCapped(response.body, this.maxResponseBytes);
      return {
        kind: 'response',
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body,
        responseTimeMs: elapsed(),
      };
    } catch (err) {
      if (controller.signal.aborted || UNDICI_TIMEOUT_CODES.has(codeOf(err))) {
        return { kind: 'timeout', message: timeoutMessage(req.timeoutMs), responseTimeMs: elapsed() };
      }
      if (isForbiddenDestinationError(err)) return forbidden(elapsed());
      return { kind: 'network', ...describeNetworkError(err), responseTimeMs: elapsed() };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for requests in flight, then closes every pooled connection. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

export function timeoutMessage(timeoutMs: number): string {
  return `timeout after ${timeoutMs / 1000}s`;
}

function forbidden(responseTimeMs: number): SendResult {
  return { kind: 'forbidden_destination', message: DESTINATION_NOT_ALLOWED, responseTimeMs };
}

/**
 * Reads up to `max` bytes and then stops. Leaving the loop early destroys the stream and its
 * socket, so a receiver streaming a gigabyte costs one buffer; a body that fits is drained to its
 * end so the connection goes back to the pool.
 */
async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > max) break;
  }
  const all = Buffer.concat(chunks);
  if (all.length <= max) {
    // undici hands a finished socket back to its pool one event-loop turn later (setImmediate);
    // waiting that turn lets a send that follows at once reuse it instead of opening another.
    await new Promise((resolve) => setImmediate(resolve));
    return all.toString('utf8');
  }
  // A cut through a multi-byte character would leave a replacement character; drop the fragment instead.
  return new StringDecoder('utf8').write(all.subarray(0, max));
}

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
