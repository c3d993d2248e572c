"""A byte-level BPE tokenizer (GPT-2 style), trained here and written as a HuggingFace tokenizer.json.

Byte-level BPE is what Llama-3, Qwen and GPT-2 use, so the bundled models exercise the same decoding path
(multi-byte UTF-8 split across tokens) as real ones. Training is the classic algorithm over pre-tokenized
word counts; encoding applies merges by rank, which is what HuggingFace tokenizers does for BPE.
"""
import json
from collections import Counter
from typing import Dict, List, Sequence, Tuple

import regex

# The GPT-2 pre-tokenization pattern that HuggingFace's ByteLevel pre-tokenizer uses (use_regex=true).
GPT2_PATTERN = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode() -> Dict[int, str]:
    """GPT-2's reversible map from bytes to printable characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


BYTE_TO_CHAR = bytes_to_unicode()


def pre_tokenize(text: str) -> List[str]:
    return ["".join(BYTE_TO_CHAR[b] for b in w.encode("utf-8")) for w in GPT2_PATTERN.findall(text)]


class ByteLevelBPE:
    def __init__(self, special_tokens: Sequence[str], merges: List[Tuple[str, str]]):
        self.special_tokens = list(special_tokens)
        self.merges = merges
        self.ranks = {m: i for i, m in enumerate(merges)}
        vocab = {t: i for i, t in enumerate(self.special_tokens)}
        for ch in sorted(BYTE_TO_CHAR.values(), key=lambda c: ord(c)):
            vocab.setdefault(ch, len(vocab))
        for a, b in merges:
            vocab.setdefault(a + b, len(vocab))
        self.vocab = vocab
        self.id_to_token = {i: t for t, i in vocab.items()}
        self.char_to_byte = {c: b for b, c in BYTE_TO_CHAR.items()}
        self._cache: Dict[str, List[str]] = {}

    @staticmethod
    def train(texts: Sequence[str], special_tokens: Sequence[str], vocab_size: int) -> "ByteLevelBPE":
        words = Counter()
        for t in texts:
            words.update(pre_tokenize(t))
        splits = {w: list(w) for w in words}
        merges: List[Tuple[str, str]] = []
        target = vocab_size - len(special_tokens) - 256
        while len(merges) < target:
            pairs = Counter()
            for w, count in words.items():
                s = splits[w]
                for i in range(len(s) - 1):
                    pairs[(s[i], s[i + 1])] += count
            if not pairs:
                break
            # most frequent first; ties broken by the pair itself so training is deterministic
            best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if pairs[best] < 2:
                break
            merges.append(best)
            for w, s in splits.items():
                i, out = 0, []
                while i < len(s):
                    if i < len(s) - 1 and (s[i], s[i + 1]) == best:
                        out.append(s[i] + s[i + 1])
                        i += 2
                    else:
                        out.append(s[i])
                        i += 1
                splits[w] = out
        return ByteLevelBPE(special_tokens, merges)

    def _bpe(self, word: str) -> List[str]:
        if word in self._cache:
            return self._cache[word]
        parts = list(word)
        while len(parts) > 1:
            ranked = [(self.ranks.get((parts[i], parts[i + 1]), 1 << 30), i) for i in range(len(parts) - 1)]
            rank, _ = min(ranked)
            if rank == 1 << 30:
                break
            pair = self.merges[rank]
            i, out = 0, []
            while i < len(parts):
                if i < len(parts) - 1 and (parts[i], parts[i + 1]) == pair:
                    out.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    out.append(parts[i])
                    i += 1
            parts = out
        self._cache[word] = parts
        return parts

    def encode(self, text: str) -> List[int]:
        """Special tokens in the text are matched first, as HuggingFace does for added tokens."""
        ids: List[int] = []
        pattern = "(" + "|".join(regex.escape(t) for t in self.special_tokens) + ")"
        for piece in regex.split(pattern, text):
            if not piece:
                continue
            if piece in self.vocab and piece in self.special_tokens:
                ids.append(self.vocab[piece])
                continue
            for w in pre_tokenize(piece):
                ids.extend(self.vocab[t] for t in self._bpe(w))
        return ids

    def decode(self, ids: Sequence[int], skip_special: bool = True) -> str:
        out, buf = [], bytearray()
        for i in ids:
            tok = self.id_to_token[i]
            if tok in self.special_tokens:
                out.append(buf.decode("utf-8", errors="replace"))
                buf = bytearray()
                if not skip_special:
                    out.append(tok)
                continue
            buf.extend(self.char_to_byte[c] for c in tok)
        out.append(buf.decode("utf-8", errors="replace"))
        return "".join(out)

    def to_tokenizer_json(self) -> dict:
        byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": self.vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True}
                for t in self.special_tokens
            ],
            "normalizer": None,
            "pre_tokenizer": byte_level,
            "post_processor": dict(byte_level, trim_offsets=False),
            "decoder": byte_level,
            "model": {
                "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                "vocab": self.vocab,
                "merges": [f"{a} {b}" for a, b in self.merges],
            },
        }

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_tokenizer_json(), f, ensure_ascii=False, indent=1)
