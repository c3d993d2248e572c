"""Trains the two bundled toy-math models and exports them in the optimum ONNX layout.

    /usr/bin/python3 training/train_toy_math.py                 # both models -> models/
    /usr/bin/python3 training/train_toy_math.py --fixture DIR   # random weights, same layout (test fixture)

Deterministic from --seed: the data, the tokenizer, the initial weights and the batch order all derive
from it. Prints its run time and the accuracies it measured (greedy, in PyTorch; the Java engine's own
measurement is the one models/README.md records).
"""
import argparse
import copy
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bpe import ByteLevelBPE  # noqa: E402
from domain import (aligner_input, aligner_tuples, answer_number, correct_sentences,  # noqa: E402
                    noisy_sentences, sample_question)
from export_onnx import export_model  # noqa: E402
from model import ModelConfig, TinyLlama, init_number_embeddings  # noqa: E402

PAD, END, USER, ASSISTANT, END_OF_ANSWER = "<|pad|>", "<|end|>", "<|user|>", "<|assistant|>", "<|end_of_answer|>"
SPECIAL_TOKENS = [PAD, END, USER, ASSISTANT, END_OF_ANSWER]
# The bundled models' chat template (the Java engine knows it as "toy"): {input} then the open answer turn.
TEMPLATE = USER + "{input}" + ASSISTANT


def prompt(user_text: str) -> str:
    return TEMPLATE.format(input=user_text)


def build_tokenizer(seed: int) -> ByteLevelBPE:
    rng = random.Random(seed)
    texts = []
    for _ in range(20000):
        q = sample_question(rng)
        texts.append(q.text())
        texts.append(" ".join(noisy_sentences(q, rng)))
        for r in aligner_tuples(q, rng):
            texts.append(aligner_input(r["question"], r["prefix"], r["last"]))
    return ByteLevelBPE.train(texts, SPECIAL_TOKENS, vocab_size=1024)


def base_examples(n: int, rng: random.Random):
    """Correct worked answers: the 'pretraining' both models start from, as real aligners start from a base LM."""
    for _ in range(n):
        q = sample_question(rng)
        yield prompt(q.text()), " ".join(correct_sentences(q)), END


def upstream_examples(n: int, rng: random.Random):
    for _ in range(n):
        q = sample_question(rng)
        yield prompt(q.text()), " ".join(noisy_sentences(q, rng)), END


def aligner_rows(n_questions: int, rng: random.Random):
    for _ in range(n_questions):
        yield from aligner_tuples(sample_question(rng), rng)


def aligner_example(row: dict):
    # The final sentence ends with the end-of-answer token: the aligner's signal that the answer is complete.
    end = END_OF_ANSWER if row["correction"].startswith("The answer is") else END
    return prompt(aligner_input(row["question"], row["prefix"], row["last"])), row["correction"], end


def number_tokens(tok: ByteLevelBPE) -> dict:
    """token id -> value for every whole-number token (with or without its leading space)."""
    values = {}
    for token, token_id in tok.vocab.items():
        text = token[1:] if token.startswith("\u0120") else token
        if text.isascii() and text.isdigit():
            values[token_id] = int(text)
    return values


def encode_examples(tok: ByteLevelBPE, examples):
    """(prompt ids, target ids): prompt and target are tokenized apart, exactly as the engine sees them."""
    out = []
    for p, target, end in examples:
        out.append((tok.encode(p), tok.encode(target) + [tok.vocab[end]]))
    return out


def batches(encoded, batch_size: int, pad_id: int, rng: random.Random):
    order = list(range(len(encoded)))
    while True:
        rng.shuffle(order)
        for start in range(0, len(order) - batch_size + 1, batch_size):
            rows = [encoded[i] for i in order[start:start + batch_size]]
            width = max(len(p) + len(t) for p, t in rows)
            ids = torch.full((batch_size, width), pad_id, dtype=torch.int64)
            labels = torch.full((batch_size, width), -100, dtype=torch.int64)
            mask = torch.zeros((batch_size, width), dtype=torch.int64)
            for r, (p, t) in enumerate(rows):
                seq = p + t
                ids[r, :len(seq)] = torch.tensor(seq)
                mask[r, :len(seq)] = 1
                # position j predicts token j+1: learn only the answer tokens
                labels[r, len(p) - 1:len(seq) - 1] = torch.tensor(t)
            yield ids, mask, labels


def train(model: TinyLlama, encoded, *, steps: int, batch_size: int, lr: float, seed: int, pad_id: int, name: str):
    rng = random.Random(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98), weight_decay=0.01)
    warmup = max(1, int(0.03 * steps))

    def schedule(step):
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    model.train()
    started, seen_tokens, running = time.time(), 0, None
    for step, (ids, mask, labels) in zip(range(steps), batches(encoded, batch_size, pad_id, rng)):
        positions = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
        logits, _ = model(ids, mask, positions)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        seen_tokens += int(mask.sum())
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % 200 == 0 or step == steps - 1:
            elapsed = time.time() - started
            print(f"[{name}] step {step}/{steps} loss {running:.4f} lr {sched.get_last_lr()[0]:.2e} "
                  f"{seen_tokens / max(elapsed, 1e-9):.0f} tok/s {elapsed:.0f}s", flush=True)
    model.eval()


@torch.no_grad()
def generate(model: TinyLlama, tok: ByteLevelBPE, text: str, *, max_new: int, stop_at_sentence: bool,
             temperature: float = 0.0, rng: torch.Generator = None):
    """Reference generation with a full recompute per token (slow, simple, obviously right)."""
    ids = tok.encode(text)
    eos = {tok.vocab[END], tok.vocab[END_OF_ANSWER]}
    out = []
    for _ in range(max_new):
        x = torch.tensor([ids + out])
        logits, _ = model(x, torch.ones_like(x), torch.arange(x.shape[1]).unsqueeze(0))
        last = logits[0, -1]
        if temperature > 0:
            nxt = int(torch.multinomial(F.softmax(last / temperature, -1), 1, generator=rng))
        else:
            nxt = int(last.argmax())
        if nxt in eos:
            return tok.decode(out), nxt
        out.append(nxt)
        if stop_at_sentence and tok.decode(out).rstrip().endswith("."):
            return tok.decode(out), None
    return tok.decode(out), None


def evaluate(upstream, aligner, tok, seed: int, n: int):
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)
    questions = [sample_question(rng) for _ in range(n)]
    alone_greedy = alone_sampled = looped = 0
    for q in questions:
        text, _ = generate(upstream, tok, prompt(q.text()), max_new=64, stop_at_sentence=False)
        alone_greedy += answer_number(text) == q.result()
        text, _ = generate(upstream, tok, prompt(q.text()), max_new=64, stop_at_sentence=False,
                           temperature=1.0, rng=gen)
        alone_sampled += answer_number(text) == q.result()
        prefix = ""
        for _ in range(8):
            sentence, end = generate(upstream, tok, prompt(q.text()) + prefix, max_new=32, stop_at_sentence=True,
                                     temperature=1.0, rng=gen)
            if not sentence.strip():
                break
            fixed, aligner_end = generate(aligner, tok, prompt(aligner_input(q.text(), prefix.strip(), sentence.strip())),
                                          max_new=32, stop_at_sentence=False)
            prefix = (prefix + " " + fixed.strip()) if prefix else fixed.strip()
            if end is not None or aligner_end == tok.vocab[END_OF_ANSWER]:
                break
        looped += answer_number(prefix) == q.result()
    return alone_greedy / n, alone_sampled / n, looped / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20250227)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
    ap.add_argument("--work", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "work"))
    ap.add_argument("--base-steps", type=int, default=2500)
    ap.add_argument("--upstream-steps", type=int, default=600)
    ap.add_argument("--aligner-steps", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--eval-questions", type=int, default=200)
    ap.add_argument("--fixture", help="write one random-weight model folder here and stop")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    started = time.time()
    torch.manual_seed(args.seed)
    tok = build_tokenizer(args.seed)
    cfg = ModelConfig(vocab_size=len(tok.vocab))
    pad = tok.vocab[PAD]

    if args.fixture:
        export_model(TinyLlama(cfg), args.fixture, tok, eos_tokens=[END, END_OF_ANSWER], pad_token=PAD,
                     chat_template="toy", generation={"do_sample": False})
        print(f"random-weight fixture written to {args.fixture}")
        return

    os.makedirs(args.work, exist_ok=True)
    data_rng = random.Random(args.seed + 1)
    base_data = encode_examples(tok, base_examples(args.base_steps * args.batch_size // 3 + 1000, data_rng))
    upstream_data = encode_examples(tok, upstream_examples(args.upstream_steps * args.batch_size // 3 + 1000, data_rng))
    rows = list(aligner_rows(args.aligner_steps * args.batch_size // 9 + 1000, data_rng))
    jsonl = os.path.join(args.work, "toy_math_aligner_sft.jsonl")
    with open(jsonl, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    aligner_data = encode_examples(tok, (aligner_example(r) for r in rows))
    print(f"data: {len(base_data)} worked answers, {len(upstream_data)} upstream answers, "
          f"{len(rows)} aligner tuples ({jsonl})", flush=True)

    # Both models start from one base trained on correct worked answers, as real aligners and upstreams
    # start from a pretrained LM; then each gets its own supervised fine-tuning.
    base = TinyLlama(cfg)
    init_number_embeddings(base, number_tokens(tok))
    train(base, base_data, steps=args.base_steps, batch_size=args.batch_size, lr=args.lr,
          seed=args.seed + 2, pad_id=pad, name="base")
    base_state = copy.deepcopy(base.state_dict())

    upstream = TinyLlama(cfg)
    upstream.load_state_dict(base_state)
    train(upstream, upstream_data, steps=args.upstream_steps, batch_size=args.batch_size, lr=args.lr / 2,
          seed=args.seed + 3, pad_id=pad, name="upstream")
    aligner = TinyLlama(cfg)
    aligner.load_state_dict(base_state)
    train(aligner, aligner_data, steps=args.aligner_steps, batch_size=args.batch_size, lr=args.lr / 2,
          seed=args.seed + 4, pad_id=pad, name="aligner")

    export_model(upstream, os.path.join(args.out, "toy-math-upstream"), tok, eos_tokens=[END], pad_token=PAD,
                 chat_template="toy", generation={"do_sample": True, "temperature": 1.0, "top_k": 0, "top_p": 1.0})
    export_model(aligner, os.path.join(args.out, "toy-math-aligner"), tok, eos_tokens=[END, END_OF_ANSWER],
                 pad_token=PAD, chat_template="toy", generation={"do_sample": False},
                 extra_project={"end_of_answer_token": END_OF_ANSWER})
    greedy, sampled, looped = evaluate(upstream, aligner, tok, seed=args.seed + 99, n=args.eval_questions)
    print(f"accuracy on {args.eval_questions} fresh questions: upstream greedy {greedy:.3f}, "
          f"upstream sampled (T=1) {sampled:.3f}, stream-aligner loop {looped:.3f}")
    print(f"run time {time.time() - started:.0f}s")


if __name__ == "__main__":
    main()
