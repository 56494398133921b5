#!/usr/bin/env bash
# Installs the pinned npm dependencies when node_modules is missing or older than the lock file.
set -euo pipefail
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] npm ci (installing the pinned dependencies)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
