#!/usr/bin/env bash
# Decode throughput of the ONNX engine vs PyTorch eager generation (with a KV cache) on the same bundled
# model, same prompt tokens, same number of new tokens, greedy, at batch 1 and batch 8.
#
#   ops/bench/engine-vs-torch.sh [--model DIR] [--new-tokens N] [--threads T] [--rounds R] [--repeats K]
#
# Batch B means: the same 8 prompts (of 8 to 80 tokens with the bundled tokenizer) served B at a time, one
# batch after another. Both sides get the same thread count (default 1: the CPU is shared with other work
# here). The sides run alternately for R rounds; each round reports the median of K timed repeats after
# warm-up, and the best round of each side is compared (other load on the machine only ever slows a round
# down). Tokens per CPU-second are shown beside, as a check that barely moves under such load. The last line:
#   ort_vs_torch batch1=X batch8=Y        (wall-clock tokens/s of the engine ÷ those of PyTorch)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/script-options.sh
source "$ROOT/ops/lib/script-options.sh"
check_script_options "${BASH_SOURCE[0]}" "$@"
cd "$ROOT"

MODEL=models/toy-math-upstream
NEW_TOKENS=128
THREADS=1
ROUNDS=3
REPEATS=5
WARMUP=3
PYTHON=/usr/bin/python3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) MODEL="$2"; shift 2 ;;
    --new-tokens) NEW_TOKENS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  echo "PyTorch is missing: apt-get install python3-torch (Debian's, used as $PYTHON)" >&2
  exit 1
fi
[[ -f "$MODEL/torch_weights.pt" && -f "$MODEL/model.onnx" ]] || { echo "$MODEL lacks model.onnx or torch_weights.pt" >&2; exit 1; }

# Build only the inference module and this one benchmark class (not the whole reactor), and only when stale.
WORK="$ROOT/target/bench"
BENCH_SRC=ops/src/main/java/io/streamaligner/ops/bench/EngineThroughput.java
mkdir -p "$WORK/classes"
if [[ ! -f "$WORK/stamp" || -n "$(find inference/src/main inference/pom.xml pom.xml "$BENCH_SRC" -newer "$WORK/stamp" -print -quit)" ]]; then
  echo "building inference (mvn -q) ..." >&2
  mvn -q -pl inference -am compile >&2
  mvn -q -pl inference dependency:build-classpath -Dmdep.outputFile="$WORK/classpath.txt" >/dev/null
  javac -d "$WORK/classes" -cp "inference/target/classes:$(cat "$WORK/classpath.txt")" "$BENCH_SRC"
  touch "$WORK/stamp"
fi
CLASSPATH_ENGINE="$WORK/classes:inference/target/classes:$(cat "$WORK/classpath.txt")"

PROMPTS="$WORK/prompts.json"
TEXTS="$WORK/texts.json"
RESULTS="$WORK/results.txt"
: > "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS: engine ..." >&2
  java -cp "$CLASSPATH_ENGINE" io.streamaligner.ops.bench.EngineThroughput --model "$MODEL" --batches 1,8 \
    --new-tokens "$NEW_TOKENS" --threads "$THREADS" --warmup "$WARMUP" --repeats "$REPEATS" \
    --prompts-out "$PROMPTS" --texts-out "$TEXTS" | tee -a "$RESULTS" >&2
  echo "round $round/$ROUNDS: torch ..." >&2
  compare=()
  [[ $round -eq 1 ]] && compare=(--compare-texts "$TEXTS")
  "$PYTHON" ops/bench/torch_decode.py --model "$MODEL" --prompts "$PROMPTS" --batches 1,8 \
    --new-tokens "$NEW_TOKENS" --threads "$THREADS" --warmup "$WARMUP" --repeats "$REPEATS" "${compare[@]}" \
    | tee -a "$RESULTS" >&2
done

awk -v model="$MODEL" -v tokens="$NEW_TOKENS" -v threads="$THREADS" -v rounds="$ROUNDS" '
  /tokens_per_s=/ {
    side = $1
    for (i = 2; i <= NF; i++) { split($i, kv, "="); field[kv[1]] = kv[2] + 0 }
    batch = field["batch"]
    if (field["tokens_per_s"] > wall[side, batch]) wall[side, batch] = field["tokens_per_s"]
    if (field["tokens_per_cpu_s"] > cpu[side, batch]) cpu[side, batch] = field["tokens_per_cpu_s"]
    seen[side, batch] = seen[side, batch] sprintf(" %.0f", field["tokens_per_s"])
  }
  /same_text_as_engine=/ { split($2, s, "="); same = s[2] }
  function ratio(a, b) { return b > 0 ? a / b : 0 }
  END {
    printf "\nengine (ONNX Runtime Java) vs PyTorch eager: greedy, KV cache, %s new tokens per sequence, the same\n", tokens
    printf "8 prompts served in batches of 1 or 8, %s thread(s) each, %s, best of %s alternating rounds\n\n", threads, model, rounds
    printf "%-6s %13s %13s %7s   %15s %15s %7s\n", "batch", "engine tok/s", "torch tok/s", "ratio", "engine tok/cpu-s", "torch tok/cpu-s", "ratio"
    for (n = 1; n <= 8; n *= 8) {
      printf "%-6s %13.1f %13.1f %7.2f   %15.1f %15.1f %7.2f\n", n, wall["engine", n], wall["torch", n],
        ratio(wall["engine", n], wall["torch", n]), cpu["engine", n], cpu["torch", n], ratio(cpu["engine", n], cpu["torch", n])
    }
    printf "\nwall tok/s per round: engine b1 [%s ] b8 [%s ]; torch b1 [%s ] b8 [%s ]\n", seen["engine", 1], seen["engine", 8], seen["torch", 1], seen["torch", 8]
    if (same != "") printf "same generated text on both sides (batch 8): %s sequences\n", same
    printf "engine batch8/batch1 throughput: %.2f (per CPU second: %.2f)\n", ratio(wall["engine", 8], wall["engine", 1]), ratio(cpu["engine", 8], cpu["engine", 1])
    printf "ort_vs_torch batch1=%.2f batch8=%.2f\n", ratio(wall["engine", 1], wall["torch", 1]), ratio(wall["engine", 8], wall["torch", 8])
  }' "$RESULTS"
