'use strict';
// The straightforward pipeline the issue measures Hookpost against, run as its own process by
// `npm run bench` (phase `baseline`): one BullMQ job per delivery -> read the delivery -> sign -> POST
// -> insert an attempt row -> update the delivery, each a single-row statement with its own commit.
// Nothing here is batched, shared between jobs or cached, on purpose: it calibrates the machine, so
// Hookpost's drain can be read as a multiple of it (the issue: ≈1,350/s on its reference machine,
// where the target of 3,000/s is ≈2.2x).
const crypto = require('node:crypto');
const { Pool } = require('pg');
const { Agent, request } = require('undici');
const Redis = require('ioredis');
const { Worker } = require('bullmq');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`baseline worker: ${name} is not set`);
  return v;
};
const SECRET = crypto.randomBytes(24);
const target = env('BASELINE_TARGET');
const concurrency = Number(env('BASELINE_CONCURRENCY'));
const pool = new Pool({ connectionString: env('BASELINE_DB_URL'), max: 20 });
const dispatcher = new Agent({ connections: concurrency });

async function deliver(job) {
  const id = job.data.id;
  const found = await pool.query(
    `SELECT payload, attempts FROM baseline_deliveries WHERE id = $1 AND status = 'pending'`,
    [id],
  );
  if (found.rowCount === 0) return;
  const { payload, attempts } = found.rows[0];
  const msgId = `msg_${id}`;
  const ts = Math.floor(Date.now() / 1000);
  const signature = crypto.createHmac('sha256', SECRET).update(`${msgId}.${ts}.${payload}`).digest('base64');
  const started = Date.now();
  let code = null;
  try {
    const res = await request(target, {
      method: 'POST',
      body: payload,
      dispatcher,
      headers: {
        'content-type': 'application/json',
        'webhook-id': msgId,
        'webhook-timestamp': String(ts),
        'webhook-signature': `v1,${signature}`,
      },
      headersTimeout: 10000,
      bodyTimeout: 10000,
    });
    await res.body.dump();
    code = res.statusCode;
  } catch {
    code = null;
  }
  const ok = code !== null && code >= 200 && code < 300;
  await pool.query(
    `INSERT INTO baseline_attempts (delivery_id, attempt, response_code, response_time) VALUES ($1, $2, $3, $4)`,
    [id, attempts + 1, code, Date.now() - started],
  );
  await pool.query(
    `UPDATE baseline_deliveries SET attempts = attempts + 1, status = $2, response_code = $3 WHERE id = $1`,
    [id, ok ? 'success' : 'failed', code],
  );
}

const worker = new Worker(env('BASELINE_QUEUE'), deliver, {
  connection: new Redis(env('BASELINE_REDIS_URL'), { maxRetriesPerRequest: null }),
  concurrency,
});
worker.on('error', (e) => process.stderr.write(`baseline worker: ${e.message}\n`));
worker.waitUntilReady().then(() => process.send && process.send({ ready: true }));

process.on('SIGTERM', async () => {
  await worker.close().catch(() => {});
  await pool.end().catch(() => {});
  await dispatcher.close().catch(() => {});
  process.exit(0);
});
