#!/usr/bin/env bash
# What the HTTP backend costs per model call, without Kafka, beside the embedded engine, in one run
# (ops/src/main/java/io/streamaligner/ops/bench/HttpCallCost.java).
#
#   ops/bench/http-call-cost.sh [--questions 64] [--in-flight 8] [--repeats 5] [--warmup-s 60]
#
# The loop's calls (AlignmentLoop, each answer's rounds one after another, --in-flight answers at a time) over the
# bundled models and greedy toy questions: once on the embedded engines, once with both models behind the project's
# OpenAI-compatible server (what `serve` runs) in the same process, over the chat API with streaming. Both arms first
# run unmeasured for --warmup-s seconds; then arms alternate; medians. The process's CPU time per answer includes the
# server's: on one machine the two compete for the same cores, as in http-vs-embedded.sh. The last line:
#   http_call_cost cpu_ms_per_answer_embedded=A cpu_ms_per_answer_http=B upstream_tokens_ratio=C
# (C: tokens the upstream's engine generated per answer over HTTP ÷ embedded; a server decodes on after a cut sentence
# until it notices the client has gone).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/script-options.sh
source "$ROOT/ops/lib/script-options.sh"
check_script_options "${BASH_SOURCE[0]}" "$@"
cd "$ROOT"

# shellcheck source=../lib/ops-classpath.sh
source ops/lib/ops-classpath.sh

exec java -cp "$OPS_CLASSPATH" io.streamaligner.ops.bench.HttpCallCost "$@"
