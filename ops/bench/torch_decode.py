"""PyTorch eager baseline for ops/bench/engine-vs-torch.sh: greedy generation with a KV cache.

Loads the same model the engine runs (torch_weights.pt beside model.onnx, training/model.py's TinyLlama) and
generates exactly --new-tokens per sequence from the prompt ids the engine wrote, in batches of B one after
another (as the engine side does), batched the way the engine batches: left padding, attention mask, position
ids = cumsum(mask) - 1, end tokens suppressed. Prefill is included in the time, as on the engine's side. Prints `torch batch=B tokens_per_s=X tokens_per_cpu_s=Y` per
batch size: medians over the repeats, per second of wall time and of this process's CPU time.
"""
import argparse
import json
import os
import sys
import time

import torch

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "training"))
from model import ModelConfig, TinyLlama  # noqa: E402


def load(folder):
    saved = torch.load(os.path.join(folder, "torch_weights.pt"), map_location="cpu")
    model = TinyLlama(ModelConfig(**saved["config"]))
    model.load_state_dict(saved["state_dict"])
    model.eval()
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    eos = config.get("eos_token_id") or []
    eos = eos if isinstance(eos, list) else [eos]
    pad = config.get("pad_token_id") or 0
    return model, eos, pad


def generate(model, prompts, new_tokens, eos, pad):
    width = max(len(p) for p in prompts)
    ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts], dtype=torch.int64)
    mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts], dtype=torch.int64)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    logits, past = model(ids, mask, positions, None)
    out = []
    for step in range(new_tokens):
        last = logits[:, -1, :]
        if eos:
            last[:, eos] = float("-inf")
        token = last.argmax(-1, keepdim=True)
        out.append(token)
        if step == new_tokens - 1:
            break
        mask = torch.cat([mask, torch.ones_like(token)], dim=1)
        positions = positions[:, -1:] + 1
        logits, past = model(token, mask, positions, past)
    return torch.cat(out, dim=1)


def decode(folder, ids):
    """Text of token ids through tokenizer.json's byte-level vocabulary, special tokens skipped (as the engine)."""
    from bpe import bytes_to_unicode
    with open(os.path.join(folder, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer = json.load(f)
    id_to_token = {i: t for t, i in tokenizer["model"]["vocab"].items()}
    special = {t["id"] for t in tokenizer["added_tokens"] if t.get("special")}
    char_to_byte = {c: b for b, c in bytes_to_unicode().items()}
    data = bytes(char_to_byte[c] for i in ids if i not in special for c in id_to_token[i])
    return data.decode("utf-8", errors="replace").rstrip("\ufffd")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompts", required=True, help="JSON list of token id lists, as the engine wrote them")
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--new-tokens", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--compare-texts", help="JSON list of the engine's texts for the largest batch")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model, eos, pad = load(args.model)
    with open(args.prompts) as f:
        prompts = json.load(f)
    with torch.inference_mode():
        for batch in (int(b) for b in args.batches.split(",")):
            chunks = [prompts[i:i + batch] for i in range(0, len(prompts), batch)]
            for _ in range(args.warmup):
                for chunk in chunks:
                    generate(model, chunk, args.new_tokens, eos, pad)
            rates, cpu_rates = [], []
            for _ in range(args.repeats):
                cpu_start, start = time.process_time(), time.perf_counter()
                count = sum(generate(model, chunk, args.new_tokens, eos, pad).numel() for chunk in chunks)
                rates.append(count / (time.perf_counter() - start))
                cpu_rates.append(count / (time.process_time() - cpu_start))
            rates.sort()
            cpu_rates.sort()
            print(f"torch batch={batch} tokens_per_s={rates[len(rates) // 2]:.1f} "
                  f"tokens_per_cpu_s={cpu_rates[len(cpu_rates) // 2]:.1f}", flush=True)
        if args.compare_texts:
            with open(args.compare_texts, encoding="utf-8") as f:
                expected = json.load(f)
            tokens = generate(model, prompts[:len(expected)], args.new_tokens, eos, pad)
            same = sum(decode(args.model, row.tolist()) == text for row, text in zip(tokens, expected))
            print(f"torch same_text_as_engine={same}/{len(expected)}", flush=True)


if __name__ == "__main__":
    main()
