import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  body: string;
  receivedAt: number;
  /** When the response was finished (the end of the attempt as the receiver saw it). */
  respondedAt?: number;
}

export type Responder = (
  req: ReceivedRequest,
  n: number,
) => { status?: number; body?: string; headers?: Record<string, string>; delayMs?: number; hang?: boolean };

/** A local webhook receiver: records every request with its raw bytes and answers as the test says. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private server?: Server;
  private hanging = new Set<ServerResponse>();
  responder: Responder = () => ({ status: 200, body: 'OK' });

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const rec: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          rawBody,
          body: rawBody.toString('utf8'),
          receivedAt: Date.now(),
        };
        this.requests.push(rec);
        const answer = this.responder(rec, this.requests.length);
        if (answer.hang) {
          this.hanging.add(res);
          return;
        }
        const send = () => {
          res.writeHead(answer.status ?? 200, answer.headers ?? {});
          res.end(answer.body ?? 'OK', () => (rec.respondedAt = Date.now()));
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.requests.length = 0;
    this.responder = () => ({ status: 200, body: 'OK' });
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
