"""A small Llama-style decoder: RoPE, RMSNorm, SwiGLU, grouped-query attention, explicit KV cache.

Its forward pass has exactly the signature of an optimum `text-generation-with-past` export, so the ONNX
file it produces is indistinguishable (to the Java engine) from a real Llama export:
  input_ids [batch, seq] int64, attention_mask [batch, past+seq] int64, position_ids [batch, seq] int64,
  past_key_values.{i}.key/value [batch, kv_heads, past, head_dim]
  -> logits [batch, seq, vocab], present.{i}.key/value [batch, kv_heads, past+seq, head_dim]
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ModelConfig:
    vocab_size: int
    hidden_size: int = 128
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    num_key_value_heads: int = 2
    head_dim: int = 32
    intermediate_size: int = 384
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-5
    max_position_embeddings: int = 512

    def to_dict(self):
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = c.num_attention_heads, c.num_key_value_heads, c.head_dim
        self.q_proj = nn.Linear(c.hidden_size, self.heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, self.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, self.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.head_dim, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, mask, past_k, past_v):
        b, s, _ = x.shape
        q = self.q_proj(x).view(b, s, self.heads, self.head_dim).transpose(1, 2)       # (b, heads, s, d)
        k = self.k_proj(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)    # (b, kv, s, d)
        v = self.v_proj(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)                                          # (b, kv, past+s, d)
            v = torch.cat([past_v, v], dim=2)
        group = self.heads // self.kv_heads
        # query heads grouped per kv head (head h reads kv head h // group), broadcast instead of copied
        qg = q.reshape(b, self.kv_heads, group, s, self.head_dim)
        scores = torch.matmul(qg, k.unsqueeze(2).transpose(-1, -2)) / math.sqrt(self.head_dim)
        probs = F.softmax(scores + mask, dim=-1)                                       # (b, kv, group, s, t)
        out = torch.matmul(probs, v.unsqueeze(2)).reshape(b, self.heads, s, self.head_dim)
        return self.o_proj(out.transpose(1, 2).reshape(b, s, self.heads * self.head_dim)), k, v


class Block(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, mask, past_k, past_v):
        a, k, v = self.self_attn(self.input_layernorm(x), cos, sin, mask, past_k, past_v)
        x = x + a
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h)), k, v


class TinyLlama(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.config = c
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(Block(c) for _ in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.lm_head = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        inv_freq = 1.0 / (c.rope_theta ** (torch.arange(0, c.head_dim, 2).float() / c.head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        """past: None or a list of (key, value) per layer. Returns logits and the presents."""
        s = input_ids.shape[1]
        t = attention_mask.shape[1]
        freqs = position_ids.float().unsqueeze(-1) * self.inv_freq                  # (b, s, d/2)
        emb = torch.cat([freqs, freqs], dim=-1).unsqueeze(1)                         # (b, 1, s, d)
        cos, sin = emb.cos(), emb.sin()
        # causal over the whole (past + new) sequence, and no attention to padding
        q_index = torch.arange(s, device=input_ids.device) + (t - s)
        k_index = torch.arange(t, device=input_ids.device)
        allowed = (k_index.unsqueeze(0) <= q_index.unsqueeze(1)).unsqueeze(0) & (attention_mask.unsqueeze(1) > 0)
        # a large finite negative, not -inf: a fully padded query row must stay finite
        mask = torch.where(allowed, torch.zeros((), dtype=torch.float32),
                           torch.full((), -1e9, dtype=torch.float32)).unsqueeze(1).unsqueeze(1)  # (b,1,1,s,t)
        x = self.embed_tokens(input_ids)
        presents = []
        for i, layer in enumerate(self.layers):
            pk, pv = (None, None) if past is None else past[i]
            x, k, v = layer(x, cos, sin, mask, pk, pv)
            presents.append((k, v))
        return self.lm_head(self.norm(x)), presents


class OnnxWrapper(nn.Module):
    """Flat inputs and outputs in optimum's order for torch.onnx.export."""

    def __init__(self, model: TinyLlama):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        logits, presents = self.model(input_ids, attention_mask, position_ids, past)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def init_number_embeddings(model: TinyLlama, token_values: dict, periods=(3, 4, 5, 7, 10, 16, 25, 50, 100, 500),
                           scale: float = 0.5) -> None:
    """Start whole-number tokens with Fourier features of their value (cos/sin of 2*pi*v/T per period T).

    Small transformers learn addition through such features; starting from them, instead of discovering
    them, cuts the training these CPU-sized models need by a large factor. Only the initialisation changes:
    the architecture and the exported graph are a plain Llama. `token_values` maps token id -> integer value.
    """
    dims = 2 * len(periods)
    with torch.no_grad():
        for token_id, value in token_values.items():
            features = []
            for t in periods:
                angle = 2 * math.pi * value / t
                features += [math.cos(angle), math.sin(angle)]
            vec = torch.tensor(features) * scale
            model.embed_tokens.weight[token_id, :dims] = vec
            model.lm_head.weight[token_id, :dims] = vec
