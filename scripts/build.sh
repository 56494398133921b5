#!/usr/bin/env bash
# Bundles the action (index.js: main + post) and the CLI into OUT (default dist/).
set -euo pipefail
OUT=${1:-dist}
npx ncc build src/index.ts -o "$OUT" --source-map --license licenses.txt -q
npx ncc build src/cli.ts -o "$OUT/cli" --source-map -q
