#!/usr/bin/env bash
# Re-captures what host mode's `nginx -T` prints for the cases named (default:
# reject-unset-template-var): the runner's own nginx in a private mount namespace over an
# overlay of /etc, with cases/<name>/*.conf in /etc/nginx/conf.d/ and Debian's default site
# removed, as src/host/nginx.ts runs it. stderr -> <name>.host-nginx-T.stderr.txt. Needs root and nginx.
set -euo pipefail
cd "$(dirname "$0")"
cases=("$@")
[[ ${#cases[@]} -gt 0 ]] || cases=(reject-unset-template-var)
for name in "${cases[@]}"; do
  work=$(mktemp -d)
  script="set -e
mount -t tmpfs tmpfs '$work'
mkdir -p '$work/up/etc' '$work/wk/etc'
mount -t overlay overlay -o 'lowerdir=/etc,upperdir=$work/up/etc,workdir=$work/wk/etc' /etc
mount -t tmpfs tmpfs /run
rm -f /etc/nginx/sites-enabled/*
cp '$PWD'/cases/'$name'/*.conf /etc/nginx/conf.d/"
  if unshare -m --propagation private sh -c "$script
exec nginx -T" >/dev/null 2>"$name.host-nginx-T.stderr.txt"; then
    echo "$name: nginx -T accepted it" >&2
    exit 1
  fi
  rmdir "$work"
done
