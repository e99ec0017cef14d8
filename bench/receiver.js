'use strict';
// Benchmark receiver: a child process so its CPU is accounted separately.
// Paths: /ceiling (200, body ignored), /ok/<tag> (200, records latency),
// /flaky/<tag> (500 for ~30% of first attempts, decided by a hash of X-Trae-Delivery),
// /slow/<tag> (never answers; the sender's timeout ends it; a 60 s safety cap applies).
const http = require('node:http');
const crypto = require('node:crypto');

const SLOW_SAFETY_MS = 60_000;
const MAX_SAMPLES = 2_000_000;
const tags = new Map();

function tagState(tag) {
  let s = tags.get(tag);
  if (!s) {
    s = {
      requests: 0,
      ok: 0,
      failedOnPurpose: 0,
      unique: new Set(),
      seen: new Set(),
      lat: [],
      firstAt: 0,
      lastAt: 0,
      badBody: 0,
    };
    tags.set(tag, s);
  }
  return s;
}

function failFirst(deliveryId, pct) {
  const h = crypto.createHash('sha1').update(deliveryId).digest();
  return h.readUInt32BE(0) % 100 < pct;
}

function pct(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

function summary(tag) {
  const s = tags.get(tag);
  if (!s) return { requests: 0, ok: 0, unique: 0, failedOnPurpose: 0, latency: null };
  const sorted = Float64Array.from(s.lat).sort();
  return {
    requests: s.requests,
    ok: s.ok,
    unique: s.unique.size,
    failedOnPurpose: s.failedOnPurpose,
    badBody: s.badBody,
    firstAt: s.firstAt,
    lastAt: s.lastAt,
    latency: sorted.length
      ? {
          n: sorted.length,
          p50: pct(sorted, 50),
          p90: pct(sorted, 90),
          p99: pct(sorted, 99),
          max: sorted[sorted.length - 1],
        }
      : null,
  };
}

const server = http.createServer((req, res) => {
  const url = req.url || '/';
  if (url === '/ceiling') {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end('{}');
    });
    return;
  }
  const m = /^\/(ok|flaky|slow)\/([A-Za-z0-9_-]+)$/.exec(url);
  if (!m) {
    req.resume();
    res.writeHead(404);
    res.end();
    return;
  }
  const kind = m[1];
  const s = tagState(m[2]);
  const arrival = Date.now();
  s.requests++;
  if (!s.firstAt) s.firstAt = arrival;
  s.lastAt = arrival;
  const deliveryId = String(req.headers['x-trae-delivery'] || '');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (kind === 'slow') {
      const t = setTimeout(() => {
        res.writeHead(200);
        res.end('{}');
      }, SLOW_SAFETY_MS);
      res.on('close', () => clearTimeout(t));
      return;
    }
    if (kind === 'flaky' && !s.seen.has(deliveryId)) {
      s.seen.add(deliveryId);
      if (failFirst(deliveryId, 30)) {
        s.failedOnPurpose++;
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"planned failure"}');
        return;
      }
    }
    s.ok++;
    if (!s.unique.has(deliveryId)) {
      s.unique.add(deliveryId);
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const ts = Date.parse(body.timestamp);
        if (Number.isFinite(ts) && s.lat.length < MAX_SAMPLES) s.lat.push(arrival - ts);
        else s.badBody++;
      } catch {
        s.badBody++;
      }
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
    res.end('{"ok":true}');
  });
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 70_000;
server.requestTimeout = 0;

process.on('message', (msg) => {
  if (!msg || typeof msg !== 'object') return;
  if (msg.cmd === 'stats') process.send({ id: msg.id, result: summary(msg.tag) });
  else if (msg.cmd === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  process.send({ ready: true, port: server.address().port });
});
