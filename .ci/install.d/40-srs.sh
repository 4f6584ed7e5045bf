#!/usr/bin/env bash
# SRS: the reference implementations for the differential tests (Mail::SRS, postsrsd), faketime to fix their day,
# and a PostgreSQL server for database mode (the tests start their own instance in a temp dir on 127.0.0.1).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(libmail-srs-perl libdigest-hmac-perl postsrsd faketime postgresql)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
