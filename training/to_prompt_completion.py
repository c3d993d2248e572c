"""Turns aligner training tuples into prompt/completion records for any SFT trainer (the real-scale recipe).

    /usr/bin/python3 training/to_prompt_completion.py --template gemma --end-of-answer '<|end_of_answer|>' \
        tuples.jsonl > aligner_sft.prompt_completion.jsonl

Input lines: {"question", "prefix", "last", "correction"} (the seed's training format), with "eos" (true when the
answer is complete after the correction) where the `dataset` command wrote them.
Output lines: {"prompt", "completion"}: the aligner input inside the model's chat template, exactly as the
Java engine renders it at inference time, and the correction followed by the template's end-of-turn text, so
a trainer that learns only the completion teaches the model to stop where the engine stops. With --end-of-answer,
a record whose "eos" is true has that token between the correction and the end of turn: the aligner learns to
signal the end of the answer (name the same token as end_of_answer_token in the model folder's stream_aligner.json).
Without --template the seed's plain format is used, with a note: name the template of the model you train.
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


DEFAULT_TEMPLATE = "plain"


def convert(row: dict, template: str, end_of_answer: str = "") -> dict:
    prompt, end = TEMPLATES[template]
    user = aligner_input(row["question"], row["prefix"], row["last"])
    if row.get("eos") is not None and not isinstance(row["eos"], bool):  # 1 == True in Python: check the type
        raise ValueError('"eos" must be true or false')
    signal = end_of_answer if row.get("eos") is True else ""
    return {"prompt": prompt.format(input=user), "completion": row["correction"] + signal + end}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--template", choices=sorted(TEMPLATES),
                    help=f"the chat template of the model to train (default: {DEFAULT_TEMPLATE}, the seed's format)")
    ap.add_argument("--end-of-answer", default="", metavar="TOKEN",
                    help='appended to the correction of records with "eos": true (e.g. <|end_of_answer|>)')
    ap.add_argument("tuples", help="JSONL of {question, prefix, last, correction[, eos]}")
    args = ap.parse_args()
    if args.template is None:
        print(f"note: no --template given; rendering in the seed's {DEFAULT_TEMPLATE} format", file=sys.stderr)
        args.template = DEFAULT_TEMPLATE
    with open(args.tuples, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out = convert(row, args.template, args.end_of_answer)
            except (ValueError, KeyError, TypeError, AttributeError) as bad:
                print(f"line {number}: skipped ({bad})", file=sys.stderr)
                continue
            print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
