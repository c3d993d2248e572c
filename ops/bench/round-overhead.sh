#!/usr/bin/env bash
# The Kafka overhead of one correction round of the loop, beside the floor of three raw produce→consume hops,
# measured on one embedded broker in one run (ops/src/main/java/io/streamaligner/ops/bench/RoundOverhead.java).
#
#   ops/bench/round-overhead.sh [--requests N] [--rounds R] [--warmup W] [--hop-samples H] [--default-only]
#                               [--kafka KEY=VALUE ...]   (a Kafka/Streams property over the defaults, to try a tuning)
#
# Round overhead: with zero-latency models and speculation off, the time from the aligner's call for round k of a
# request to its call for round k + 1 (feedback produced and committed, the feedback hop, the upstream step,
# segmentation, the aligner's batching), requests one at a time. Reported for both wirings (IN_MEMORY, TOPICS) and both guarantees
# (exactly_once_v2, at_least_once) unless --default-only. The last line, for the default configuration
# (IN_MEMORY, exactly_once_v2):
#   round_overhead_ms p50=X p99=Y floor_ms p50=Z
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/script-options.sh
source "$ROOT/ops/lib/script-options.sh"
check_script_options "${BASH_SOURCE[0]}" "$@"
cd "$ROOT"

# shellcheck source=../lib/ops-classpath.sh
source ops/lib/ops-classpath.sh

exec java -cp "$OPS_CLASSPATH" io.streamaligner.ops.bench.RoundOverhead "$@"
