#!/usr/bin/env bash
# Bundles the action (index.js: main + post) and the CLI into OUT (default dist/).
set -euo pipefail
OUT=${1:-dist}
npx ncc build src/index.ts -o "$OUT" --source-map --license licenses.txt -q
npx ncc build src/cli.ts -o "$OUT/cli" --source-map -q
# The probe's Python files ship beside each bundle (src/probe/python.ts reads them from __dirname).
for dir in "$OUT" "$OUT/cli"; do
  mkdir -p "$dir/python"
  cp src/probe/python/*.py "$dir/python/"
done
