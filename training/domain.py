"""The toy arithmetic domain: questions, correct answers, the noisy upstream and the aligner's tuples.

Fixed by issue #3; the project's evaluation data (ops/eval) and the Java quality check use exactly this.
  question:  "What is 23 + 48 - 15?"   2 or 3 operations, operands 1..50, every partial result in -99..199
  answer:    "First, 23 + 48 = 71. Then, 71 - 15 = 56. The answer is 56."
"""
import random
from dataclasses import dataclass
from typing import List

OPERAND_MIN, OPERAND_MAX = 1, 50
PARTIAL_MIN, PARTIAL_MAX = -99, 199
UPSTREAM_ERROR_RATE = 0.25
ERROR_SPREAD = 10          # a wrong step is off by a non-zero amount in -10..10

# The seed's aligner input format, kept verbatim (a fact of the Stream Aligner method; inference AlignerInput has it too).
ALIGNER_INPUT = "##Question: {question} | ##Answer_Prefix: {prefix} | ##Answer_Last_Sentence: {last} | ##Your_Revision: "


@dataclass(frozen=True)
class Question:
    operands: List[int]
    ops: List[str]

    def text(self) -> str:
        parts = [str(self.operands[0])]
        for op, b in zip(self.ops, self.operands[1:]):
            parts += [op, str(b)]
        return "What is " + " ".join(parts) + "?"

    def partials(self) -> List[int]:
        acc, out = self.operands[0], []
        for op, b in zip(self.ops, self.operands[1:]):
            acc = apply(acc, op, b)
            out.append(acc)
        return out

    def result(self) -> int:
        return self.partials()[-1]


def apply(a: int, op: str, b: int) -> int:
    return a + b if op == "+" else a - b


def sample_question(rng: random.Random) -> Question:
    n_ops = rng.choice((2, 3))
    while True:
        q = Question([rng.randint(OPERAND_MIN, OPERAND_MAX) for _ in range(n_ops + 1)],
                     [rng.choice("+-") for _ in range(n_ops)])
        if all(PARTIAL_MIN <= p <= PARTIAL_MAX for p in q.partials()):
            return q


def step_sentence(index: int, left: int, op: str, right: int, stated: int) -> str:
    return f"{'First' if index == 0 else 'Then'}, {left} {op} {right} = {stated}."


def final_sentence(stated: int) -> str:
    return f"The answer is {stated}."


def correct_sentences(q: Question) -> List[str]:
    out, left = [], q.operands[0]
    for i, (op, b) in enumerate(zip(q.ops, q.operands[1:])):
        r = apply(left, op, b)
        out.append(step_sentence(i, left, op, b, r))
        left = r
    return out + [final_sentence(left)]


def error(rng: random.Random) -> int:
    if rng.random() >= UPSTREAM_ERROR_RATE:
        return 0
    return rng.choice([d for d in range(-ERROR_SPREAD, ERROR_SPREAD + 1) if d != 0])


def noisy_sentences(q: Question, rng: random.Random) -> List[str]:
    """The upstream's habit: each stated result wrong with p=0.25, later steps continue from what was stated."""
    out, left = [], q.operands[0]
    for i, (op, b) in enumerate(zip(q.ops, q.operands[1:])):
        stated = apply(left, op, b) + error(rng)
        out.append(step_sentence(i, left, op, b, stated))
        left = stated
    return out + [final_sentence(left)]


def aligner_tuples(q: Question, rng: random.Random) -> List[dict]:
    """Residual-correction tuples built sentence by sentence, the way the paper builds them.

    The prefix is always the already-corrected answer. `last` is what an upstream would write next:
    in the stream loop it continues from the corrected prefix (only its stated result can be wrong); in a
    post-hoc pass it continues from its own earlier, possibly wrong, statements (the left operand or the
    final number can be wrong too). Both kinds are drawn so the aligner fixes whatever it is shown.
    """
    correct = correct_sentences(q)
    posthoc = rng.random() < 0.3
    own_left = q.operands[0]
    rows, left = [], q.operands[0]
    for i, (op, b) in enumerate(zip(q.ops, q.operands[1:])):
        base = own_left if posthoc else left
        stated = apply(base, op, b) + error(rng)
        last = step_sentence(i, base, op, b, stated)
        rows.append(dict(question=q.text(), prefix=" ".join(correct[:i]), last=last, correction=correct[i]))
        left, own_left = apply(left, op, b), stated
    final_stated = own_left if posthoc else left
    rows.append(dict(question=q.text(), prefix=" ".join(correct[:-1]), last=final_sentence(final_stated),
                     correction=correct[-1]))
    return rows


def aligner_input(question: str, prefix: str, last: str) -> str:
    return ALIGNER_INPUT.format(question=question, prefix=prefix, last=last)


def answer_number(text: str):
    """The number after 'The answer is', else the last number in the text (as the eval command reads it)."""
    import re
    m = re.search(r"The answer is (-?\d+)", text)
    if m:
        return int(m.group(1))
    nums = re.findall(r"-?\d+", text)
    return int(nums[-1]) if nums else None
