#!/usr/bin/env bash
# SRS throughput, one thread: the Java engine under JMH, then Mail::SRS in-process (Perl), then Debian's postsrsd over
# its tcp_table sockets (Python client), in one run.
# Needs: ./mvnw -B -q -pl benchmarks -am package -DskipTests (benchmarks/target/benchmarks.jar), libmail-srs-perl, postsrsd.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests" >&2; exit 2; }
echo "== Java SrsEngine (JMH, 1 thread, ops/s)"
java -jar "$jar" 'org.jamesexim.bench.srs.SrsBenchmark' -f 1 -t 1 -wi 3 -w 2s -i 5 -r 2s -tu s -rf json -rff benchmarks/target/srs-jmh.json 2>&1 \
  | grep -E '^(Benchmark|SrsBenchmark)'
echo "== Mail::SRS 0.31 in-process (Perl, 1 thread, ops/s; 3 rounds of 200000)"
perl benchmarks/srs/mail-srs-bench.pl 3 200000
echo "== postsrsd (Debian 1.10) over its tcp_table sockets (1 connection per direction, ops/s; 3 rounds of 20000)"
python3 benchmarks/srs/postsrsd-bench.py 3 20000
