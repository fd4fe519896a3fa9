"""Tokenise texts once, then yield length-sorted, right-padded int64 batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from .encoder import EncoderError

Batch = tuple[np.ndarray, dict[str, np.ndarray]]  # (positions in the input, model feeds)


class Batcher:
    """``tokenizer.json`` with truncation at ``max_length`` and per-batch padding.

    Texts are sorted by token count (longest first, stable) so each batch pads
    little; every batch carries the input positions of its rows so the caller
    can put results back in input order.
    """

    def __init__(self, tokenizer_json: Path, max_length: int) -> None:
        self._tok = Tokenizer.from_file(str(tokenizer_json))
        self._tok.no_padding()  # the shipped file pads to a fixed 128
        self._tok.enable_truncation(max_length=max_length)

    def batches(self, texts: Sequence[str], batch_size: int) -> Iterator[Batch]:
        _check_texts(texts)
        if batch_size < 1:
            raise EncoderError(f"batch_size must be >= 1, got {batch_size}")
        ids = [e.ids for e in self._tok.encode_batch(list(texts))]
        lengths = np.fromiter((len(i) for i in ids), dtype=np.int64, count=len(ids))
        order = np.argsort(-lengths, kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = int(lengths[rows[0]])
            input_ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = lengths[i]
                input_ids[r, :n] = ids[i]
                mask[r, :n] = 1
            yield rows, {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(mask)}


def _check_texts(texts: Sequence[str]) -> None:
    if isinstance(texts, str):
        raise EncoderError("encode() takes a sequence of strings; wrap a single text in a list")
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise EncoderError(f"texts[{i}] is {type(t).__name__}, not str; convert it before encoding")
