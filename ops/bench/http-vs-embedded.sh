#!/usr/bin/env bash
# What serving both models over HTTP costs the loop, beside the embedded engine, in one run
# (ops/src/main/java/io/streamaligner/ops/bench/HttpVsEmbedded.java).
#
#   ops/bench/http-vs-embedded.sh [--prompts 64] [--in-flight 8] [--repeats 5] [--warmup-s 300] [--kafka KEY=VALUE ...]
#
# The real Kafka loop (embedded broker, exactly_once_v2, default wiring) with the bundled models and the same greedy
# toy prompts: once on the embedded engine, once with the upstream and the aligner each behind the project's
# OpenAI-compatible server (what `serve` runs) on loopback, over the chat API with streaming. Each arm runs in a JVM
# of its own (HttpVsEmbeddedArm.java) with its own embedded broker; each first runs unmeasured for --warmup-s seconds,
# one after the other (on two cores the JIT's one C2 thread needs about five minutes for the HTTP arm); then measured runs alternate, each arm first in every other
# repeat; medians. Each HTTP run opens its own servers, as each embedded run opens its own engines. Besides round
# p50, answers/s and CPU per answer it prints the prompt tokens the upstream's engine prefilled per answer, and the CPU
# time per answer by kind of thread. About 14 minutes with the defaults.
# The last line:
#   http_vs_embedded round_p50_ms_added=X answers_per_s_ratio=Y
# (X: HTTP round p50 minus embedded round p50, ms; Y: HTTP answers/s ÷ embedded answers/s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# shellcheck source=../lib/ops-classpath.sh
source ops/lib/ops-classpath.sh

exec java -cp "$OPS_CLASSPATH" io.streamaligner.ops.bench.HttpVsEmbedded "$@"
