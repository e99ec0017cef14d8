import { createServer, Server } from 'node:http';

/** A bare liveness endpoint for orchestrators; the worker has no other HTTP surface. */
export function startHealthServer(port: number): Server {
  const server = createServer((req, res) => {
    const ok = req.url === '/health' || req.url === '/health/ready';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ok ? '{"status":"ok"}' : '{"statusCode":404,"error":"Not Found","message":"not found"}');
  });
  server.listen(port);
  return server;
}
