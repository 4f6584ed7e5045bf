#!/usr/bin/env bash
# ArcSeal's RSA-2048 seal rate without and with Amazon Corretto Crypto Provider, one core, one thread (JMH
# ArcBenchmark's seal cells, 4 KiB body): the JDK's providers (jdk); ACCP installed by code, as ArcBenchmark's accp
# cells (accp-install); ACCP first through docker/accp/java.security with the JAR on the class path, no code calling
# ACCP: what the Docker images and README.md ("Fast signing") do (accp-security).
# Usage: ./mvnw -B -q -pl benchmarks -am package -DskipTests && benchmarks/arc/accp.sh OUTDIR   (prints the table)
set -euo pipefail
mkdir -p "${1:?OUTDIR}"
OUT=$(cd "$1" && pwd)
cd "$(dirname "$0")/../.."
SEC=$(pwd)/docker/accp/java.security
for mode in jdk accp-install accp-security; do
  case $mode in
    jdk) P=jdk; EXTRA=();;
    accp-install) P=accp; EXTRA=();;
    accp-security) P=jdk; EXTRA=(-jvmArgsAppend "-Djava.security.properties=$SEC");;
  esac
  taskset -c 1 java -Djmh.ignoreLock=true -jar benchmarks/target/benchmarks.jar 'org.jamesexim.bench.arc.ArcBenchmark.seal' \
    -p alg=rsa2048 -p size=4096 -p provider=$P -f 1 -t 1 -wi 2 -w 2s -i 5 -r 2s "${EXTRA[@]}" -rf json -rff "$OUT/$mode.json" > "$OUT/$mode.txt"
done
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
for mode in ['jdk', 'accp-install', 'accp-security']:
    for r in json.load(open(os.path.join(out, mode + '.json'))):
        sec = r['secondaryMetrics']
        cpu = sec['calls']['score'] / (sec['cpuNanos']['score'] / 1e9)
        print('%-14s %-7s %6.0f seals/CPU-s  %6.0f ± %.0f seals/s' % (mode, r['benchmark'].rsplit('.', 1)[1], cpu,
              r['primaryMetric']['score'], r['primaryMetric']['scoreError']))
PY
