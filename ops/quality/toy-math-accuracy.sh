#!/usr/bin/env bash
# The bundled toy-math models' quality through the Java engine: upstream alone vs the stream-aligner loop on
# fresh questions (ops/src/main/java/io/streamaligner/ops/quality/ToyMathAccuracy.java).
#
#   ops/quality/toy-math-accuracy.sh [--questions 500] [--seed 777000] [--models models]
#
# Last line: toy_math_accuracy n=N upstream=U stream_aligner=S
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

WORK="$ROOT/target/bench"
mkdir -p "$WORK"
STAMP="$WORK/toy-math-accuracy.stamp"
if [[ ! -f "$STAMP" || ! -f "$WORK/toy-math-accuracy.classpath" || -n "$(find schemas inference topology ops pom.xml \
      \( -path '*/src/main/*' -o -name pom.xml \) -newer "$STAMP" -print -quit)" ]]; then
  echo "building schemas, inference, topology, ops (mvn -q) ..." >&2
  mvn -q -pl ops -am compile dependency:build-classpath -Dmdep.outputFile="$WORK/toy-math-accuracy.classpath" >&2
  touch "$STAMP"
fi
CLASSPATH_TOOL="ops/target/classes:topology/target/classes:inference/target/classes:schemas/target/classes:$(cat "$WORK/toy-math-accuracy.classpath")"

exec java -cp "$CLASSPATH_TOOL" io.streamaligner.ops.quality.ToyMathAccuracy "$@"
