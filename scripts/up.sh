#!/usr/bin/env bash
# One command from a fresh clone to a running platform: dependencies, Postgres and Redis, build,
# migrations, API and worker in the background, and an API key printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

export PORT=${PORT:-3000}
state=.hookpost
mkdir -p "$state"

bash scripts/ensure-services.sh
bash scripts/install-deps.sh
npm run build
npm run --silent migration:run >/dev/null

stop_old() {
  local pidfile=$state/$1.pid
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill -TERM "$(cat "$pidfile")" || true
    for _ in $(seq 1 40); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.25; done
  fi
}
stop_old api
stop_old worker

nohup node dist/apps/api/src/main.js >"$state/api.log" 2>&1 &
echo $! >"$state/api.pid"
nohup node dist/apps/worker/src/main.js >"$state/worker.log" 2>&1 &
echo $! >"$state/worker.pid"

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null || { echo "API did not become ready; see $state/api.log" >&2; exit 1; }

key_json=$(npm run --silent cli -- create-account --name "quickstart")
echo
echo "Hookpost is running: API http://127.0.0.1:$PORT (docs at /api/docs), worker pid $(cat "$state/worker.pid")."
echo "Logs: $state/api.log, $state/worker.log. Stop with: kill \$(cat $state/api.pid $state/worker.pid)"
echo "Your API key (shown once):"
echo "$key_json"
