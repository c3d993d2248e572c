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

# shellcheck source=../lib/ops-classpath.sh
source ops/lib/ops-classpath.sh

exec java -cp "$OPS_CLASSPATH" io.streamaligner.ops.quality.ToyMathAccuracy "$@"
