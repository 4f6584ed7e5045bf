#!/usr/bin/env bash
# Distributed James: docker-compose (Debian package docker-compose, Compose 1.29) reads docker/distributed/docker-compose.yml
# in the tests with `docker-compose -f FILE config`, which parses, interpolates and validates the file without a Docker
# engine. Only the client is installed (no recommends: no docker.io, no daemon).
set -euo pipefail
command -v docker-compose >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=900 -y -q \
  --no-install-recommends docker-compose >/dev/null
