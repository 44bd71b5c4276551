#!/usr/bin/env bash
# Starts what scripts/image-app.sh built, as the image's CMD does, on a fresh DATA_DIR, and waits for /healthz
# (the image's healthcheck) to answer. Usage: scripts/image-smoke.sh <out-dir>
set -euo pipefail
app=${1:?usage: scripts/image-smoke.sh <out-dir>}
data=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
(cd "$app" && env -i PATH="$PATH" HOME="$data" DATA_DIR="$data" PORT="$port" LOG_LEVEL=warn node --enable-source-maps dist/bin/pincer.js start >"$data/out.log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  if node -e "fetch('http://127.0.0.1:$port/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    echo "image smoke test: /healthz answered on port $port"
    exit 0
  fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.5
done
echo "image smoke test: /healthz never answered" >&2
cat "$data/out.log" >&2
exit 1
