#!/usr/bin/env bash
# Prints the image that runs the TLS proxy in the demo and tests: $FDC_PROXY_IMAGE when set,
# the action's default official nginx image when the engine has it or can pull it, else the
# offline stand-in that scripts/provision.sh makes.
set -uo pipefail
if [ -n "${FDC_PROXY_IMAGE:-}" ]; then echo "$FDC_PROXY_IMAGE"; exit 0; fi
if docker image inspect nginx:1.27 >/dev/null 2>&1 || timeout 30 docker pull -q nginx:1.27 >/dev/null 2>&1; then
  echo nginx:1.27
else
  echo flask-deploy-check/nginx:bookworm
fi
