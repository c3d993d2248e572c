"""Writes a model folder in the optimum ONNX layout: model.onnx, config.json, generation_config.json,
tokenizer.json, plus stream_aligner.json (the project's own file naming the chat template) and
torch_weights.pt (the same weights for PyTorch, used by the benchmark against eager PyTorch)."""
import json
import os

import torch

from model import OnnxWrapper, TinyLlama


def export_model(model: TinyLlama, folder: str, tokenizer, *, eos_tokens, pad_token, chat_template: str,
                 generation: dict, extra_project: dict = None, opset: int = 17) -> None:
    os.makedirs(folder, exist_ok=True)
    c = model.config
    model.eval()
    wrapper = OnnxWrapper(model)
    b, s, past = 2, 3, 2
    input_ids = torch.randint(0, c.vocab_size, (b, s), dtype=torch.int64)
    attention_mask = torch.ones(b, past + s, dtype=torch.int64)
    position_ids = torch.arange(past, past + s, dtype=torch.int64).unsqueeze(0).repeat(b, 1)
    past_flat = []
    input_names = ["input_ids", "attention_mask", "position_ids"]
    output_names = ["logits"]
    dynamic = {"input_ids": {0: "batch_size", 1: "sequence_length"},
               "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
               "position_ids": {0: "batch_size", 1: "sequence_length"},
               "logits": {0: "batch_size", 1: "sequence_length"}}
    for i in range(c.num_hidden_layers):
        for kind in ("key", "value"):
            past_flat.append(torch.randn(b, c.num_key_value_heads, past, c.head_dim))
            name_in, name_out = f"past_key_values.{i}.{kind}", f"present.{i}.{kind}"
            input_names.append(name_in)
            output_names.append(name_out)
            dynamic[name_in] = {0: "batch_size", 2: "past_sequence_length"}
            dynamic[name_out] = {0: "batch_size", 2: "total_sequence_length"}
    with torch.no_grad():
        torch.onnx.export(wrapper, (input_ids, attention_mask, position_ids, *past_flat),
                          os.path.join(folder, "model.onnx"), input_names=input_names,
                          output_names=output_names, dynamic_axes=dynamic, opset_version=opset,
                          do_constant_folding=True)

    eos_ids = [tokenizer.vocab[t] for t in eos_tokens]
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        **c.to_dict(),
        "hidden_act": "silu",
        "tie_word_embeddings": False,
        "bos_token_id": None,
        "eos_token_id": eos_ids,
        "pad_token_id": tokenizer.vocab[pad_token],
        "torch_dtype": "float32",
    }
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(folder, "generation_config.json"), "w") as f:
        json.dump({"eos_token_id": eos_ids, "pad_token_id": tokenizer.vocab[pad_token], **generation}, f, indent=2)
    tokenizer.save(os.path.join(folder, "tokenizer.json"))
    # the same weights for PyTorch (ops/bench compares against eager PyTorch on exactly this model)
    torch.save({"config": c.to_dict(), "state_dict": model.state_dict()}, os.path.join(folder, "torch_weights.pt"))
    with open(os.path.join(folder, "stream_aligner.json"), "w") as f:
        json.dump({"chat_template": chat_template, **(extra_project or {})}, f, indent=2)
