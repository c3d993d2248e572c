#!/usr/bin/env bash
# What serving both models over HTTP costs the loop, beside the embedded engine, in one run
# (ops/src/main/java/io/streamaligner/ops/bench/HttpVsEmbedded.java).
#
#   ops/bench/http-vs-embedded.sh [--prompts 64] [--in-flight 8] [--repeats 21] [--warmup-s 300] [--warmup-max-s 900]
#                                 [--kafka KEY=VALUE ...]
#
# The real Kafka loop (embedded broker, exactly_once_v2, default wiring) with the bundled models and greedy toy
# prompts: once on the embedded engine, once with the upstream and the aligner each behind the project's
# OpenAI-compatible server (what `serve` runs) on loopback, over the chat API with streaming. Each arm runs in a JVM
# of its own (HttpVsEmbeddedArm.java) with its own embedded broker, its system (application, client; servers and
# their engines) started once for all its runs, as a deployment runs. Each arm first runs unmeasured, one after the
# other, for at least --warmup-s seconds and then until its JIT has settled (its compilers busy for at most a tenth
# of a run's wall time, in the median of its last three runs) or --warmup-max-s have passed; then measured runs
# alternate, each arm first in every other repeat, repeat r asking both arms the same questions (other ones in each
# repeat and in the warm-up, so that no run finds its prompts in a prefix cache); medians. Besides round p50,
# answers/s and CPU per answer it prints the prompt tokens the upstream's engine prefilled per answer, and the CPU
# time per answer by kind of thread, and how far apart the arms were within each repeat. 20 to 40 minutes with
# the defaults.
# The last line:
#   http_vs_embedded round_p50_ms_added=X answers_per_s_ratio=Y
# (X: HTTP round p50 minus embedded round p50, ms; Y: HTTP answers/s ÷ embedded answers/s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/script-options.sh
source "$ROOT/ops/lib/script-options.sh"
check_script_options "${BASH_SOURCE[0]}" "$@"
cd "$ROOT"

# shellcheck source=../lib/ops-classpath.sh
source ops/lib/ops-classpath.sh

exec java -cp "$OPS_CLASSPATH" io.streamaligner.ops.bench.HttpVsEmbedded "$@"
