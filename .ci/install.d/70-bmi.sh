#!/usr/bin/env bash
# BMI: the tests start a real Rspamd (Debian package) on 127.0.0.1 with a minimal config in a temp dir.
# Redis is not needed. The package's own service is not used (the tests run rspamd -f themselves).
set -euo pipefail
command -v rspamd >/dev/null || apt-get install -y -q rspamd >/dev/null
