#!/usr/bin/env bash
# DCC: dccifd is not packaged for Debian (its licence is not free), so the tests use the dccifd simulator in
# engines/dcc/src/test (org.jamesexim.dcc.sim.DccifdSimulator). The independent second client of the protocol is
# SpamAssassin's DCC plugin (Mail::SpamAssassin::Plugin::DCC), used by SpamAssassinCrossCheckTest.
set -euo pipefail
command -v spamassassin >/dev/null || apt-get install -y -q --no-install-recommends spamassassin >/dev/null
