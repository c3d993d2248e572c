#!/usr/bin/env bash
# Failover after kill -9 (ops/src/main/java/io/streamaligner/ops/faults/Failover.java): a Kafka broker in the
# program's process, two `run` instances from the runnable jar, 100 greedy toy questions at once, and after the
# 10th answer a SIGKILL of one instance.
#
#   ops/faults/failover.sh [--mode survivor|restart] [--instances N] [--requests N] [--kill-after N] [--partitions N]
#                          [--set KEY=VALUE ...]     (a setting for every instance, e.g. --set group.protocol=streams)
#                          [--broker KEY=VALUE ...]  (a broker property)
#
# survivor: the other instance takes the killed one's tasks; restart: the killed one starts again at once on its
# data directory. Last line:
#   failover finals=N/N duplicates=D recovery_s=R
# R: seconds from the kill until every partition the killed instance ran (with requests under way) answered again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

JAR=topology/target/stream-aligner.jar
if [[ ! -f "$JAR" || -n "$(find schemas client inference server loop eval topology pom.xml \
      \( -path '*/src/main/*' -o -name pom.xml \) -newer "$JAR" -print -quit)" ]]; then
  echo "building the runnable jar (mvn -q package) ..." >&2
  mvn -q -B -pl topology -am -DskipTests package >&2
fi

# shellcheck source=../lib/ops-classpath.sh
source ops/lib/ops-classpath.sh

exec java -cp "$OPS_CLASSPATH" io.streamaligner.ops.faults.Failover --jar "$JAR" "$@"
