"""Turns aligner training tuples into prompt/completion records for any SFT trainer (the real-scale recipe).

    /usr/bin/python3 training/to_prompt_completion.py --template gemma \
        training/work/toy_math_aligner_sft.jsonl > aligner_sft.prompt_completion.jsonl

Input lines: {"question", "prefix", "last", "correction"} (the seed's training format).
Output lines: {"prompt", "completion"}: the aligner input inside the model's chat template, exactly as the
Java engine renders it at inference time, and the correction followed by the template's end-of-turn text, so
a trainer that learns only the completion teaches the model to stop where the engine stops.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from domain import aligner_input  # noqa: E402

# (prompt with {input}, end-of-turn appended to the completion). Facts of each model family, as the Java side has them (inference ChatTemplate).
TEMPLATES = {
    "plain": ("BEGINNING OF CONVERSATION: USER: {input} ASSISTANT: ", ""),
    "llama2": ("<s>[INST] <<SYS>>\n\n<</SYS>>\n\n{input} [/INST]\n", " </s>"),
    "llama3": ("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n<|eot_id|><|start_header_id|>user"
               "<|end_header_id|>\n{input}<|eot_id|><|start_header_id|>assistant<|end_header_id|>", "<|eot_id|>"),
    "gemma": ("<start_of_turn>user\n{input}<end_of_turn>\n<start_of_turn>model", "<end_of_turn>"),
    "chatml": ("<|im_start|>system\n<|im_end|><|im_start|>user\n{input}<|im_end|>\n<|im_start|>assistant", "<|im_end|>"),
    "toy": ("<|user|>{input}<|assistant|>", "<|end|>"),
}


def convert(row: dict, template: str) -> dict:
    prompt, end = TEMPLATES[template]
    user = aligner_input(row["question"], row["prefix"], row["last"])
    return {"prompt": prompt.format(input=user), "completion": row["correction"] + end}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--template", choices=sorted(TEMPLATES), required=True)
    ap.add_argument("tuples", help="JSONL of {question, prefix, last, correction}")
    args = ap.parse_args()
    with open(args.tuples, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out = convert(row, args.template)
            except (ValueError, KeyError) as bad:
                print(f"line {number}: skipped ({bad})", file=sys.stderr)
                continue
            print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
