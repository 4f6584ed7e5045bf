#!/usr/bin/env bash
# Load runs of issue 10 against a real James 3.8.1 embedded in one JVM (see BENCHMARKS.md "Production run").
#   benchmarks/load/run.sh                 throughput: stock James vs the pack, feature by feature, 1/10/50 connections
#   benchmarks/load/run.sh faults [ARGS]   10,000 messages at 50 connections while Dovecot, Rspamd, dccifd and DNS fail
#   benchmarks/load/run.sh hostile [ARGS]  good mail while every hostile input of HostileCorpus is tried; exits 1 unless
#                                          the last line's failure counts are all 0
# Extra arguments go to org.jamesexim.it.load.ProductionRun / FaultRun / HostileRun (it-tests test tree, next to the fixtures of
# the real Rspamd, the real Dovecot and the dccifd simulator). Needs rspamd and dovecot (.ci/install.d/50-dovecot.sh,
# 70-bmi.sh). MVN_FLAGS="-o" builds offline. James logs at WARN (benchmarks/load/logback.xml) to target/load-james.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
main=org.jamesexim.it.load.ProductionRun
if [ "${1:-}" = "faults" ]; then
  main=org.jamesexim.it.load.FaultRun
  shift
elif [ "${1:-}" = "hostile" ]; then
  main=org.jamesexim.it.load.HostileRun
  shift
fi
# one reactor build: the classpath points at this checkout's modules, not at whatever ~/.m2 holds
./mvnw -B -q ${MVN_FLAGS:-} -pl it-tests -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/load-classpath.txt >/dev/null
cp="$root/it-tests/target/test-classes:$root/it-tests/target/classes:$(cat "$root/it-tests/target/load-classpath.txt")"
mkdir -p "$root/target"
exec java -Xms2g -Xmx2g -XX:+UseG1GC -Xlog:gc:file="$root/target/load-gc.log" -Dlogback.configurationFile="$root/benchmarks/load/logback.xml" \
  -Djexim.config.dir="$root/james-config" -Dshared.dir="$root/../shared" \
  -Djames.exit.on.startup.error=false -Djames.lifecycle.leak.detection.mode=NONE \
  -cp "$cp" "$main" "$@" 2> >(tee "$root/target/load-james.log" | grep -E '^(==|\|)|Exception in thread' >&2)
