"""How a reply relates to the post it quotes or answers: ``agree``, ``disagree`` or ``neutral``.

Features of a (reply, target) pair: both texts' stance probabilities and their products (a reply leaning
the other way than its target disagrees), cue words of agreement and disagreement at the start of the
reply, and — for embedding models — how the two embeddings relate (``u * v``, ``|u - v|``). A small
logistic head on top, trained on the labelled replies of the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .features import FAST_PATH_MIN_BATCH
from .head import LinearHead, fit_head
from .persistence import pack_arrays, pack_json, unpack_arrays, unpack_json

if TYPE_CHECKING:
    from .model import StanceModel

__all__ = ["RelationModel", "RELATIONS", "cue_features"]

RELATIONS = ("agree", "disagree", "neutral")

_AGREE_CUES = (
    "exactly", "agreed?", "this(?=[.!]|$)", "so true", "spot on", "well said", "100%", r"\+1", "same here", r"same\b",
    r"yes\b", "yep", "yup", "correct", r"right\b", r"true\b", "absolutely", "thank you for saying", "couldn't agree",
    "can confirm", "nailed it", "this is it")
_DISAGREE_CUES = (
    "disagree", r"no\b", "nope", "not really", "not true", "wrong", "nonsense", "bullshit", r"bs\b", "i doubt",
    "doubt it", "hardly", "that's not", "thats not", "not at all", "not in my", "not my experience", "except",
    "actually", "counterpoint", "hard disagree", "strongly disagree", "i don't buy", "i dont buy", "myth", "cope",
    "lol no", "sure,", "yeah right", "/s")
_AGREE = re.compile(r"\b(?:" + "|".join(_AGREE_CUES) + ")", re.I)
_DISAGREE = re.compile(r"\b(?:" + "|".join(_DISAGREE_CUES) + ")", re.I)
_OPENING_CHARS = 160


def _by_first_character(cues: tuple[str, ...]) -> str:
    """The cues as one alternation, grouped by their first (literal) character: ``t(?:his|rue\b)``.

    The regex engine then tries a dozen first characters at each word boundary instead of every cue. It finds
    the same matches: cues with different first characters never match at the same place, and within a group
    the cues keep their order (the first that matches wins, as before).
    """
    groups: dict[str, list[str]] = {}
    for cue in cues:
        head = cue[:2] if cue.startswith("\\") else cue[0]
        if not (head[-1].isalnum() or head in ("/", "'", "\\+")):
            raise ValueError(f"cue {cue!r} does not start with a literal character")
        groups.setdefault(head, []).append(cue[len(head):])
    return r"\b(?:" + "|".join(head + (f"(?:{'|'.join(rests)})" if len(rests) > 1 else rests[0])
                               for head, rests in groups.items()) + ")"


# The same patterns without IGNORECASE, for lower-cased text (several times faster). Equivalent unless
# lower-casing changes the text's length ("İ") or the text holds "ı" or "ſ" (which IGNORECASE matches to i, s).
_AGREE_LOWER = re.compile(_by_first_character(_AGREE_CUES))
_DISAGREE_LOWER = re.compile(_by_first_character(_DISAGREE_CUES))
# And for ASCII text, where ``\b`` (the patterns' only class) means the same with the ASCII flag: the engine
# then tells word characters by a table instead of a Unicode lookup (about a quarter faster).
_AGREE_ASCII = re.compile(_AGREE_LOWER.pattern, re.ASCII)
_DISAGREE_ASCII = re.compile(_DISAGREE_LOWER.pattern, re.ASCII)


# A match attempt reads fewer characters than this from where it starts (the longest cue is 20, and one more
# for a look-ahead or ``\b``; a test checks it): attempts starting this far before the end of the opening see
# the same text in the opening as in the whole post.
_REACH = 32
_FULL_CHARS = 4000


def _cue_counts(text: str) -> tuple[int, int, int, int]:
    """Agreement and disagreement cues in the opening of ``text`` and in all of it (its first 4,000 characters)."""
    whole = text[:_FULL_CHARS]
    lowered = whole.lower()
    if lowered.isascii():
        agree, disagree, searched = _AGREE_ASCII, _DISAGREE_ASCII, lowered
    elif len(lowered) == len(whole) and "\u0131" not in lowered and "\u017f" not in lowered:
        agree, disagree, searched = _AGREE_LOWER, _DISAGREE_LOWER, lowered
    else:
        agree, disagree, searched = _AGREE, _DISAGREE, whole
    if len(whole) <= _OPENING_CHARS:  # a short text is its own opening: count once
        a, d = len(agree.findall(searched)), len(disagree.findall(searched))
        return a, d, a, d
    agree_opening, agree_all = _count_two(agree, searched)
    disagree_opening, disagree_all = _count_two(disagree, searched)
    return agree_opening, disagree_opening, agree_all, disagree_all


def _count_two(pattern: re.Pattern[str], text: str) -> tuple[int, int]:
    """Matches of ``pattern`` in ``text[:_OPENING_CHARS]`` and in ``text``, scanning the text once.

    A match attempt starting ``_REACH`` before the opening's end reads the same characters in both strings,
    so it succeeds or fails alike: those matches count for both. Past that point — or past the last of them,
    if it ends later — the opening is scanned again on its own (its end may cut a cue or make ``$`` match).
    """
    safe = _OPENING_CHARS - _REACH
    total = 0
    early = 0
    resume = 0
    for match in pattern.finditer(text):
        total += 1
        if match.start() < safe:
            early += 1
            resume = match.end()
    opening = text[:_OPENING_CHARS]
    return early + len(pattern.findall(opening, max(resume, safe))), total


def cue_features(texts: Sequence[str]) -> np.ndarray:
    """Per text: agreement cues and disagreement cues in its opening, in all of it, and a question mark."""
    rows = []
    for text in texts:
        agree, disagree, agree_all, disagree_all = _cue_counts(text)
        rows.append([agree, disagree, min(3, agree_all), min(3, disagree_all),
                     float("?" in text[:_OPENING_CHARS]), float(len(text.split()) < 8)])
    return np.log1p(np.asarray(rows, dtype=np.float32))


@dataclass(slots=True)
class RelationModel:
    head: LinearHead
    with_embeddings: bool

    @property
    def classes(self) -> list[str]:
        return self.head.classes

    @staticmethod
    def features(model: StanceModel, replies: Sequence[str], targets: Sequence[str], with_embeddings: bool, *,
                 reply_proba: np.ndarray | None = None, target_proba: np.ndarray | None = None) -> np.ndarray:
        """The pair features; pass the texts' stance probabilities (``classes_`` order) when already known."""
        if reply_proba is None:
            reply_proba = model.predict_proba(list(replies))
        if target_proba is None:
            target_proba = model.predict_proba(list(targets))
        pairs = (reply_proba[:, :, None] * target_proba[:, None, :]).reshape(len(replies), -1)
        parts = [reply_proba, target_proba, pairs, cue_features(replies)]
        embedding = model.embedding_features_
        if with_embeddings and embedding is not None:
            exact = len(replies) < FAST_PATH_MIN_BATCH
            u, v = embedding.embed(list(replies), exact=exact), embedding.embed(list(targets), exact=exact)
            parts += [u * v, np.abs(u - v)]
        return np.hstack(parts).astype(np.float32)

    @classmethod
    def fit(cls, model: StanceModel, replies: list[str], targets: list[str], labels: list[str]) -> RelationModel:
        with_embeddings = model.embedding_features_ is not None
        matrix = cls.features(model, replies, targets, with_embeddings)
        return cls(head=fit_head(matrix, labels, C=0.5, class_weight="balanced"), with_embeddings=with_embeddings)

    def predict_proba(self, model: StanceModel, replies: list[str], targets: list[str], *,
                      reply_proba: np.ndarray | None = None, target_proba: np.ndarray | None = None) -> np.ndarray:
        if not replies:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        return self.head.predict_proba(self.features(model, replies, targets, self.with_embeddings,
                                                     reply_proba=reply_proba, target_proba=target_proba))

    def files(self) -> dict[str, bytes]:
        return {"relation.json": pack_json({"classes": self.classes, "with_embeddings": self.with_embeddings}),
                "relation.safetensors": pack_arrays(self.head.arrays())}

    @classmethod
    def from_files(cls, files: dict[str, bytes], *, source: str) -> RelationModel | None:
        if "relation.json" not in files:
            return None
        config = unpack_json(files["relation.json"], source=source)
        head = LinearHead.from_arrays(unpack_arrays(files["relation.safetensors"], source=source),
                                      classes=config["classes"])
        return cls(head=head, with_embeddings=bool(config["with_embeddings"]))
