#!/usr/bin/env bash
# Startup time of the embedded James with the pack and the sample configuration.
# Runs 3 fresh JVMs; each starts the server 3 times (1 cold + 2 warm) and prints one STARTUP line.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests install
CP="it-tests/target/classes:$(cat it-tests/target/classpath.txt)"
for run in 1 2 3; do
  java -Dlogback.configurationFile=james-config/logback.xml -Djames.lifecycle.leak.detection.mode=NONE \
    -Djexim.config.dir=james-config -cp "$CP" org.jamesexim.it.StartupBenchmark 3 2>/dev/null | grep '^STARTUP'
done
