#!/usr/bin/env bash
# Re-captures the nginx outputs in this folder from cases/<name>/*.conf (mounted into conf.d/).
# Accepted cases: stdout of `nginx -T` -> <name>.nginx-T.txt.
# Cases named reject-*: stderr of `nginx -t` -> <name>.nginx-t.stderr.txt, and of
# `nginx -t -e /tmp/error.log` -> <name>.nginx-t-e-file.stderr.txt.
# A throwaway self-signed certificate is mounted at /etc/nginx/tls/ (never stored here).
set -euo pipefail
cd "$(dirname "$0")"
IMAGE=${IMAGE:-flask-deploy-check/nginx:bookworm}
tls=$(mktemp -d)
trap 'rm -rf "$tls"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$tls/key.pem" -out "$tls/cert.pem" 2>/dev/null
chmod 644 "$tls"/*.pem
for dir in cases/*/; do
  name=$(basename "$dir")
  mounts=(-v "$tls:/etc/nginx/tls:ro")
  for f in "$dir"*.conf; do mounts+=(-v "$PWD/$f:/etc/nginx/conf.d/$(basename "$f"):ro"); done
  # --network none: no DNS, so host names in proxy_pass fail fast and the same way everywhere.
  if [[ $name == reject-* ]]; then
    if docker run --rm --network none "${mounts[@]}" "$IMAGE" nginx -t 2>"$name.nginx-t.stderr.txt"; then
      echo "$name: nginx -t accepted it" >&2; exit 1
    fi
    # With the error log in a file (-e), stderr gets the short "nginx: [emerg] ..." form instead.
    docker run --rm --network none "${mounts[@]}" "$IMAGE" nginx -t -e /tmp/error.log \
      2>"$name.nginx-t-e-file.stderr.txt" && exit 1
  else
    docker run --rm --network none "${mounts[@]}" "$IMAGE" nginx -T >"$name.nginx-T.txt"
  fi
done
