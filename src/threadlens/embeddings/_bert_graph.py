"""Build an ONNX graph of a BERT sentence encoder straight from safetensors weights.

No torch, no ``torch.onnx.export``: the graph is written node by node with
``onnx.helper`` and the weights are copied in as initializers with numpy.

The graph computes what sentence-transformers computes for a
``Transformer -> Pooling(mean|cls) -> Normalize`` model whose transformer is a
HF ``BertModel`` (absolute positions, GELU(erf), post-LayerNorm):

    inputs  input_ids, attention_mask, token_type_ids : int64 [batch, seq]
    output  sentence_embedding                        : float32 [batch, hidden]

Two flavours are emitted (``fused``):

* ``False`` - standard ONNX ops only (opset 17).  onnxruntime's own level-2
  graph optimiser fuses LayerNorm/Gelu/MatMul+Add at session start.
* ``True``  - com.microsoft contrib ops that onnxruntime's CPU provider runs as
  single kernels: EmbedLayerNormalization, Attention (packed QKV),
  SkipLayerNormalization (residual + bias + LN) and BiasGelu (exact erf GELU).
  Attention takes a 1-D ``mask_index`` (valid length per row), which is correct
  because the encoder always pads on the right.

Node names, initializer order and attribute values depend only on the config
and the weights, so building twice gives byte-identical files.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
MS_DOMAIN = "com.microsoft"
PRODUCER = "threadlens.embeddings"


@dataclass(frozen=True)
class BertSpec:
    """The parts of a HF BertConfig (plus pooling) that shape the graph."""

    hidden: int
    heads: int
    layers: int
    intermediate: int
    eps: float
    pooling: str = "mean"  # "mean" | "cls"

    @classmethod
    def from_config(cls, config: Mapping[str, Any], pooling: str = "mean") -> BertSpec:
        return cls(
            hidden=int(config["hidden_size"]),
            heads=int(config["num_attention_heads"]),
            layers=int(config["num_hidden_layers"]),
            intermediate=int(config["intermediate_size"]),
            eps=float(config.get("layer_norm_eps", 1e-12)),
            pooling=pooling,
        )


def strip_prefix(weights: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Drop a leading ``bert.`` (BertFor* checkpoints) so keys read ``embeddings.*``/``encoder.*``."""
    return {k.removeprefix("bert."): v for k, v in weights.items()}


class _Graph:
    """Tiny append-only graph writer with deterministic, counter-based names."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], n_out: int = 1, domain: str = "", **attrs: Any) -> Any:
        self._n += 1
        base = f"{op_type}_{self._n}"
        outs = [f"{base}_out{i}" for i in range(n_out)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=base, domain=domain or None, **attrs))
        return outs[0] if n_out == 1 else outs


def _f32(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def build_bert_onnx(weights: Mapping[str, np.ndarray], spec: BertSpec, *, fused: bool = False) -> onnx.ModelProto:
    """Return the ONNX model for ``spec`` with ``weights`` (HF BertModel key names)."""
    w = strip_prefix(weights)
    g = _Graph()
    head_dim = spec.hidden // spec.heads

    g.const("word_embeddings", _f32(w["embeddings.word_embeddings.weight"]))
    g.const("position_embeddings", _f32(w["embeddings.position_embeddings.weight"]))
    g.const("token_type_embeddings", _f32(w["embeddings.token_type_embeddings.weight"]))
    g.const("emb_ln_gamma", _f32(w["embeddings.LayerNorm.weight"]))
    g.const("emb_ln_beta", _f32(w["embeddings.LayerNorm.bias"]))

    mask_f = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    if fused:
        ids32 = g.op("Cast", ["input_ids"], to=TensorProto.INT32)
        tt32 = g.op("Cast", ["token_type_ids"], to=TensorProto.INT32)
        mask32 = g.op("Cast", ["attention_mask"], to=TensorProto.INT32)
        x, mask_index = g.op(
            "EmbedLayerNormalization",
            [ids32, tt32, "word_embeddings", "position_embeddings", "token_type_embeddings",
             "emb_ln_gamma", "emb_ln_beta", mask32],
            n_out=2, domain=MS_DOMAIN, epsilon=spec.eps,
        )
    else:
        x = _embeddings_plain(g, spec)
        # additive mask [B,1,1,S]: 0 for tokens, float32 min for padding (as HF does)
        one = g.const("one", np.array(1.0, np.float32))
        neg = g.const("mask_neg", np.array(np.finfo(np.float32).min, np.float32))
        axes12 = g.const("axes_1_2", np.array([1, 2], np.int64))
        ext = g.op("Mul", [g.op("Sub", [one, g.op("Unsqueeze", [mask_f, axes12])]), neg])

    for i in range(spec.layers):
        p = f"encoder.layer.{i}."
        if fused:
            x = _layer_fused(g, w, p, i, x, mask_index, spec)
        else:
            x = _layer_plain(g, w, p, i, x, ext, spec, head_dim)

    emb = _pool_and_normalize(g, x, mask_f, spec)
    g.nodes.append(helper.make_node("Identity", [emb], ["sentence_embedding"], name="output"))

    dyn = ["batch", "sequence"]
    graph = helper.make_graph(
        g.nodes,
        "bert_sentence_encoder",
        [helper.make_tensor_value_info(n, TensorProto.INT64, dyn)
         for n in ("input_ids", "attention_mask", "token_type_ids")],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", spec.hidden])],
        initializer=g.inits,
    )
    opsets = [helper.make_opsetid("", OPSET)]
    if fused:
        opsets.append(helper.make_opsetid(MS_DOMAIN, 1))
    model = helper.make_model(graph, opset_imports=opsets, producer_name=PRODUCER, ir_version=8)
    if not fused:  # the checker does not know the contrib ops' schemas
        onnx.checker.check_model(model)
    return model


def _embeddings_plain(g: _Graph, spec: BertSpec) -> str:
    word = g.op("Gather", ["word_embeddings", "input_ids"])
    ttype = g.op("Gather", ["token_type_embeddings", "token_type_ids"])
    zero = g.const("zero_1d", np.array([0], np.int64))
    seq_len = g.op("Shape", ["input_ids"], start=1, end=2)
    pos = g.op("Slice", ["position_embeddings", zero, seq_len, zero])  # [S,H], broadcasts over batch
    summed = g.op("Add", [g.op("Add", [word, ttype]), pos])
    return g.op("LayerNormalization", [summed, "emb_ln_gamma", "emb_ln_beta"], axis=-1, epsilon=spec.eps)


def _linear(g: _Graph, x: str, w: Mapping[str, np.ndarray], key: str, name: str) -> str:
    """``x @ W.T + b`` with W stored transposed (as [in, out]) so MatMul needs no Transpose."""
    wt = g.const(f"{name}.weight_t", _f32(w[key + ".weight"]).T)
    b = g.const(f"{name}.bias", _f32(w[key + ".bias"]))
    return g.op("Add", [g.op("MatMul", [x, wt]), b])


def _layer_norm(g: _Graph, x: str, w: Mapping[str, np.ndarray], key: str, name: str, eps: float) -> str:
    gamma = g.const(f"{name}.gamma", _f32(w[key + ".weight"]))
    beta = g.const(f"{name}.beta", _f32(w[key + ".bias"]))
    return g.op("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=eps)


def _layer_plain(g: _Graph, w: Mapping[str, np.ndarray], p: str, i: int, x: str, ext: str,
                 spec: BertSpec, head_dim: int) -> str:
    n = f"l{i}"
    split = g.const(f"{n}.heads_shape", np.array([0, 0, spec.heads, head_dim], np.int64))
    merge = g.const(f"{n}.hidden_shape", np.array([0, 0, spec.hidden], np.int64))
    scale = g.const(f"{n}.scale", np.array(math.sqrt(head_dim), np.float32))

    def heads(key: str, name: str, perm: list[int]) -> str:
        return g.op("Transpose", [g.op("Reshape", [_linear(g, x, w, p + key, f"{n}.{name}"), split])], perm=perm)

    q = heads("attention.self.query", "q", [0, 2, 1, 3])
    k = heads("attention.self.key", "k", [0, 2, 3, 1])
    v = heads("attention.self.value", "v", [0, 2, 1, 3])
    scores = g.op("Add", [g.op("Div", [g.op("MatMul", [q, k]), scale]), ext])
    probs = g.op("Softmax", [scores], axis=-1)
    ctx = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3]), merge])
    attn = _linear(g, ctx, w, p + "attention.output.dense", f"{n}.attn_out")
    x1 = _layer_norm(g, g.op("Add", [attn, x]), w, p + "attention.output.LayerNorm", f"{n}.attn_ln", spec.eps)

    h = _linear(g, x1, w, p + "intermediate.dense", f"{n}.ffn_in")
    half = g.const(f"{n}.half", np.array(0.5, np.float32))
    one = g.const(f"{n}.one", np.array(1.0, np.float32))
    sqrt2 = g.const(f"{n}.sqrt2", np.array(math.sqrt(2.0), np.float32))
    gelu = g.op("Mul", [g.op("Mul", [h, half]), g.op("Add", [one, g.op("Erf", [g.op("Div", [h, sqrt2])])])])
    out = _linear(g, gelu, w, p + "output.dense", f"{n}.ffn_out")
    return _layer_norm(g, g.op("Add", [out, x1]), w, p + "output.LayerNorm", f"{n}.ffn_ln", spec.eps)


def _layer_fused(g: _Graph, w: Mapping[str, np.ndarray], p: str, i: int, x: str, mask_index: str,
                 spec: BertSpec) -> str:
    n = f"l{i}"
    qkv_w = np.concatenate([_f32(w[p + f"attention.self.{t}.weight"]).T for t in ("query", "key", "value")], axis=1)
    qkv_b = np.concatenate([_f32(w[p + f"attention.self.{t}.bias"]) for t in ("query", "key", "value")])
    g.const(f"{n}.qkv.weight", qkv_w)
    g.const(f"{n}.qkv.bias", qkv_b)
    ctx = g.op("Attention", [x, f"{n}.qkv.weight", f"{n}.qkv.bias", mask_index], domain=MS_DOMAIN,
               num_heads=spec.heads)

    def skip_ln(inp: str, skip: str, dense: str, ln: str, name: str) -> str:
        wt = g.const(f"{name}.weight_t", _f32(w[dense + ".weight"]).T)
        b = g.const(f"{name}.bias", _f32(w[dense + ".bias"]))
        gamma = g.const(f"{name}.gamma", _f32(w[ln + ".weight"]))
        beta = g.const(f"{name}.beta", _f32(w[ln + ".bias"]))
        return g.op("SkipLayerNormalization", [g.op("MatMul", [inp, wt]), skip, gamma, beta, b],
                    domain=MS_DOMAIN, epsilon=spec.eps)

    x1 = skip_ln(ctx, x, p + "attention.output.dense", p + "attention.output.LayerNorm", f"{n}.attn_out")
    wi = g.const(f"{n}.ffn_in.weight_t", _f32(w[p + "intermediate.dense.weight"]).T)
    bi = g.const(f"{n}.ffn_in.bias", _f32(w[p + "intermediate.dense.bias"]))
    gelu = g.op("BiasGelu", [g.op("MatMul", [x1, wi]), bi], domain=MS_DOMAIN)
    return skip_ln(gelu, x1, p + "output.dense", p + "output.LayerNorm", f"{n}.ffn_out")


def _pool_and_normalize(g: _Graph, x: str, mask_f: str, spec: BertSpec) -> str:
    if spec.pooling == "cls":
        pooled = g.op("Gather", [x, g.const("cls_index", np.array(0, np.int64))], axis=1)
    else:  # mean over real tokens, clamp as sentence-transformers does
        axis1 = g.const("axis_1", np.array([1], np.int64))
        m3 = g.op("Unsqueeze", [mask_f, g.const("axes_2", np.array([2], np.int64))])
        total = g.op("ReduceSum", [g.op("Mul", [x, m3]), axis1], keepdims=0)
        count = g.op("Max", [g.op("ReduceSum", [m3, axis1], keepdims=0),
                             g.const("count_min", np.array(1e-9, np.float32))])
        pooled = g.op("Div", [total, count])
    norm = g.op("ReduceL2", [pooled], axes=[1], keepdims=1)
    norm = g.op("Max", [norm, g.const("norm_min", np.array(1e-12, np.float32))])
    return g.op("Div", [pooled, norm])
