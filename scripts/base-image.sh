#!/usr/bin/env bash
# Prints the Python base image the example and fixtures build FROM: $FDC_BASE_IMAGE when set,
# python:3.12-slim when the engine has it or can pull it, else the offline stand-in that
# scripts/provision.sh makes.
set -uo pipefail
if [ -n "${FDC_BASE_IMAGE:-}" ]; then echo "$FDC_BASE_IMAGE"; exit 0; fi
if docker image inspect python:3.12-slim >/dev/null 2>&1 || timeout 30 docker pull -q python:3.12-slim >/dev/null 2>&1; then
  echo python:3.12-slim
else
  echo flask-deploy-check/python:bookworm
fi
