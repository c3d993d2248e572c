"""Makes a small random-weight Llama decoder with a real vocabulary, in the folder an optimum export of that family
has: model.onnx (inputs input_ids, attention_mask, position_ids, past_key_values.{i}.key/value [batch, kv_heads,
past, head_dim]; outputs logits and present.{i}.key/value), config.json, generation_config.json, and the real
tokenizer.json and tokenizer_config.json (its own chat template). The weights are random: the model writes nonsense,
but every real piece around it (the 128k byte-level vocabulary, the template, the special tokens, the end ids) is the
real model's. Also torch_weights.pt, the same weights for PyTorch, so a test can check the engine against eager
PyTorch on this vocabulary.

  make:   /usr/bin/python3 make_real_vocab_model.py make TRAINING_DIR TOKENIZER_DIR OUT_DIR
  greedy: /usr/bin/python3 make_real_vocab_model.py greedy TRAINING_DIR OUT_DIR STEPS < prompt ids (JSON list)
          prints the greedy continuation's ids (JSON list), by full recompute in PyTorch

Uses training/model.py (TinyLlama) with Debian's python3-torch and python3-onnx. Made at test time into target/,
never committed.
"""
import json
import os
import shutil
import sys

import torch
import torch.nn as nn


def load_model_module(training_dir):
    sys.path.insert(0, training_dir)
    import model  # noqa: E402  (training/model.py)
    return model


def vocabulary_size(tokenizer_dir):
    with open(os.path.join(tokenizer_dir, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer = json.load(f)
    ids = list(tokenizer["model"]["vocab"].values()) + [t["id"] for t in tokenizer.get("added_tokens", [])]
    return max(ids) + 1


def token_id(tokenizer_dir, content):
    with open(os.path.join(tokenizer_dir, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer = json.load(f)
    for token in tokenizer.get("added_tokens", []):
        if token["content"] == content:
            return token["id"]
    return tokenizer["model"]["vocab"][content]


def special(config, key):
    value = config.get(key)
    return value["content"] if isinstance(value, dict) else value


def make(training_dir, tokenizer_dir, out_dir):
    m = load_model_module(training_dir)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(tokenizer_dir, "tokenizer_config.json"), encoding="utf-8") as f:
        tokenizer_config = json.load(f)
    bos = token_id(tokenizer_dir, special(tokenizer_config, "bos_token"))
    eos = [token_id(tokenizer_dir, t) for t in ("<|end_of_text|>", "<|eot_id|>")]
    torch.manual_seed(20240418)
    c = m.ModelConfig(vocab_size=vocabulary_size(tokenizer_dir), hidden_size=32, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, head_dim=8, intermediate_size=64,
                      rope_theta=500000.0, max_position_embeddings=8192)
    model = m.TinyLlama(c)
    for p in model.parameters():  # larger than the 0.02 default, so greedy choices are far from ties
        nn.init.normal_(p, std=0.3)
    model.eval()
    b, s, past = 2, 3, 2
    args = [torch.randint(0, c.vocab_size, (b, s)), torch.ones(b, past + s, dtype=torch.int64),
            torch.arange(past, past + s).unsqueeze(0).repeat(b, 1)]
    names = ["input_ids", "attention_mask", "position_ids"]
    dynamic = {"input_ids": {0: "batch_size", 1: "sequence_length"},
               "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
               "position_ids": {0: "batch_size", 1: "sequence_length"},
               "logits": {0: "batch_size", 1: "sequence_length"}}
    outputs = ["logits"]
    for i in range(c.num_hidden_layers):
        for kind in ("key", "value"):
            args.append(torch.randn(b, c.num_key_value_heads, past, c.head_dim))
            names.append(f"past_key_values.{i}.{kind}")
            outputs.append(f"present.{i}.{kind}")
            dynamic[names[-1]] = {0: "batch_size", 2: "past_sequence_length"}
            dynamic[outputs[-1]] = {0: "batch_size", 2: "total_sequence_length"}
    with torch.no_grad():
        torch.onnx.export(m.OnnxWrapper(model), tuple(args), os.path.join(out_dir, "model.onnx"), input_names=names,
                          output_names=outputs, dynamic_axes=dynamic, opset_version=17, do_constant_folding=True)
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", **c.to_dict(), "hidden_act": "silu",
              "tie_word_embeddings": False, "bos_token_id": bos, "eos_token_id": eos, "torch_dtype": "float32"}
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(out_dir, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": bos, "eos_token_id": eos, "do_sample": True, "temperature": 0.6, "top_p": 0.9},
                  f, indent=2)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(tokenizer_dir, name), os.path.join(out_dir, name))
    torch.save({"config": c.to_dict(), "state_dict": model.state_dict()}, os.path.join(out_dir, "torch_weights.pt"))


def greedy(training_dir, out_dir, steps):
    m = load_model_module(training_dir)
    saved = torch.load(os.path.join(out_dir, "torch_weights.pt"))
    model = m.TinyLlama(m.ModelConfig(**saved["config"]))
    model.load_state_dict(saved["state_dict"])
    model.eval()
    ids = json.load(sys.stdin)
    generated = []
    with torch.no_grad():
        for _ in range(steps):
            input_ids = torch.tensor([ids + generated])
            n = input_ids.shape[1]
            logits, _ = model(input_ids, torch.ones(1, n, dtype=torch.int64), torch.arange(n).unsqueeze(0))
            generated.append(int(logits[0, -1].argmax()))
    json.dump(generated, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "greedy":
        greedy(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit("usage: make TRAINING TOKENIZER OUT | greedy TRAINING OUT STEPS")
