#!/usr/bin/env bash
# What keeping each request's KV cache between its rounds saves the embedded engine, with the prefix cache off and on
# in one run (ops/src/main/java/io/streamaligner/ops/bench/PrefixReuse.java).
#
#   ops/bench/prefix-reuse.sh [--questions 64] [--in-flight 8] [--repeats 5]
#
# The loop's model calls without Kafka (the in-process loop) over the bundled models, greedy toy questions; both arms on
# warm engines, every run on questions no run asked before (none finds its prompts kept from another). Prints the
# prompt tokens both engines prefilled per answer against the answer's tokens, and the engines' forward time per round.
# The last line:
#   prefix_reuse prefill_ratio_off=A prefill_ratio_on=B round_ms_ratio_on_off=C
# (A, B: prefilled prompt tokens ÷ answer tokens, without and with the cache; C: engine ms per round, on ÷ off).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/script-options.sh
source "$ROOT/ops/lib/script-options.sh"
check_script_options "${BASH_SOURCE[0]}" "$@"
cd "$ROOT"

# shellcheck source=../lib/ops-classpath.sh
source ops/lib/ops-classpath.sh

exec java -cp "$OPS_CLASSPATH" io.streamaligner.ops.bench.PrefixReuse "$@"
