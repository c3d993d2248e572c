#!/usr/bin/env bash
# The loop's throughput and time to first sentence around slow models (simulated: a timer writes the tokens, no CPU),
# beside the ideal the models alone allow, at 1, 16, 64 and 256 requests in flight, in one run
# (ops/src/main/java/io/streamaligner/ops/bench/LoopThroughput.java).
#
#   ops/bench/loop-throughput.sh [--upstream-ms 30] [--aligner-ms 8] [--levels 1,16,64,256] [--level-timeout-s 300]
#                                [--kafka KEY=VALUE ...]   (a Kafka/Streams property over the defaults, to try a tuning)
# (a level that does not finish in time reports the answers that came, marked so)
#
# The real Kafka loop: embedded broker, exactly_once_v2, the default (in-memory) wiring, speculation off (this
# measures the non-blocking stage against the sequential loop's ideal; ops/bench/speculation.sh measures speculation);
# 15-token sentences, 4 rounds per answer. The last line:
#   loop_throughput c1_ttfs_over_ideal_ms=A c64_ttfs_over_ideal_ms=B c64_answers_ratio=C c256_answers_ratio=D
# (A, B: measured TTFS p50 minus the ideal, ms; C, D: measured answers/s ÷ ideal answers/s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/script-options.sh
source "$ROOT/ops/lib/script-options.sh"
check_script_options "${BASH_SOURCE[0]}" "$@"
cd "$ROOT"

# shellcheck source=../lib/ops-classpath.sh
source ops/lib/ops-classpath.sh

exec java -cp "$OPS_CLASSPATH" io.streamaligner.ops.bench.LoopThroughput "$@"
