#!/usr/bin/env bash
# What running the upstream's next step ahead of the aligner saves an answer, with speculation off and on, at three
# shares of changed sentences, in one run (ops/src/main/java/io/streamaligner/ops/bench/Speculation.java).
#
#   ops/bench/speculation.sh [--upstream-ms 30] [--aligner-ms 8] [--in-flight 16] [--kafka KEY=VALUE ...]
#
# The real Kafka loop (embedded broker, exactly_once_v2, default wiring) over simulated-latency models (they sleep on
# a timer, they do not compute): 15-token sentences, 6 rounds per answer, the aligner changing 0 %, 25 % or 75 % of the
# sentences. Prints the answer time p50 of each arm beside the ideal. The last line:
#   speculation p50_ratio_on_off_25pct=X on_over_ideal_25pct=Y
# (X: answer p50 with speculation ÷ without, at 25 % changed; Y: with speculation ÷ its ideal).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/script-options.sh
source "$ROOT/ops/lib/script-options.sh"
check_script_options "${BASH_SOURCE[0]}" "$@"
cd "$ROOT"

# shellcheck source=../lib/ops-classpath.sh
source ops/lib/ops-classpath.sh

exec java -cp "$OPS_CLASSPATH" io.streamaligner.ops.bench.Speculation "$@"
