#!/usr/bin/env bash
# Base tools: a JDK 17 and curl/unzip for the Maven wrapper; swaks to poke the embedded server by hand.
set -euo pipefail
command -v java >/dev/null || apt-get install -y -q openjdk-17-jdk-headless >/dev/null
apt-get install -y -q curl unzip swaks >/dev/null
