#!/usr/bin/env bash
# The container image's build steps, as a script: the Dockerfile runs it, and CI runs it too (then starts the result
# and asks /healthz), so what the image contains is tested even where no container engine is available.
# Usage: scripts/image-app.sh <out-dir> [--link-modules]
#   Compiles the sources into <out-dir>/dist and puts package.json, the lockfile and the production dependencies
#   (npm ci --omit=dev) beside them. --link-modules links this checkout's node_modules instead (offline checks).
set -euo pipefail
out=${1:?usage: scripts/image-app.sh <out-dir> [--link-modules]}
cd "$(dirname "$0")/.."
mkdir -p "$out"
out=$(cd "$out" && pwd)
npx tsc -p tsconfig.build.json --outDir "$out/dist"
cp package.json package-lock.json "$out/"
if [ "${2:-}" = "--link-modules" ]; then
  ln -sfn "$(pwd)/node_modules" "$out/node_modules"
else
  (cd "$out" && npm ci --omit=dev --no-audit --no-fund >/dev/null)
fi
echo "$out"
