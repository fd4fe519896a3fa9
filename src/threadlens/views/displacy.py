"""displaCy for threadlens: quote and reply spans in threadlens colours, for notebooks.

A Doc made by :func:`threadlens.pipeline` renders with plain displaCy::

    displacy.render(doc, style="span", options={"spans_key": "threadlens"})

and picks up the threadlens colours through spaCy's ``spacy_displacy_colors`` entry point (or pass
``options=displacy_options()``). :func:`render` wraps it: give it a Doc, a thread, an analysis, a path
or text, and it shows each post with its quote and reply spans under a title line (id, author, stance,
whom it quotes). Everything taken from the thread (titles, ids) is escaped; displaCy escapes the text.
"""

from __future__ import annotations

import os
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING, Any

from ..analysis import PostAnalysis, ThreadAnalysis
from ..errors import InputError
from ..thread import Thread
from .colors import SEGMENT_COLORS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["render", "displacy_options", "displacy_colors", "post_spans"]


def displacy_colors() -> dict[str, str]:
    """The colours of the segment kinds, keyed as displaCy looks them up (the ``spacy_displacy_colors``
    entry point of threadlens)."""
    return {kind.upper(): color for kind, color in SEGMENT_COLORS.items()}


def displacy_options(**extra: Any) -> dict[str, Any]:
    """``options`` for ``displacy.render(doc, style="span", options=...)``: the threadlens spans key and colours."""
    from ..quotes.pipeline import SPANS_KEY

    return {"spans_key": SPANS_KEY, "colors": displacy_colors(), **extra}


def render(source: Doc | Thread | ThreadAnalysis | str | os.PathLike[str], *, jupyter: bool | None = None,
           page: bool = False, minify: bool = False, stance: bool = False,
           model: str | os.PathLike[str] | None = None, options: dict[str, Any] | None = None) -> str | None:
    """Show quote and reply spans with displaCy (in a notebook it displays; elsewhere it returns HTML).

    A processed Doc renders as one text. A thread (or anything :func:`threadlens.read_thread` reads) is
    analysed first (``stance=True`` labels stances with ``model``); each post then renders on its own,
    titled with its id, author, stance and the posts it quotes.
    """
    from spacy import displacy

    settings = displacy_options(**(options or {}))
    if _is_doc(source):
        doc: Doc = source  # type: ignore[assignment]
        if not doc.spans.get(settings["spans_key"]):
            raise InputError(f"this Doc has no spans under doc.spans[{settings['spans_key']!r}]; make it with "
                             "threadlens.pipeline() (nlp(text), or nlp(thread_doc(nlp, thread)))")
        return displacy.render(doc, style="span", options=settings, jupyter=jupyter, page=page, minify=minify)
    if not isinstance(source, ThreadAnalysis):
        from ..analysis import analyze

        source = analyze(source, stance=stance, model=model, nlp=_nlp())
    parsed = [post_spans(post) for post in source.posts]
    return displacy.render(parsed, style="span", options=settings, jupyter=jupyter, page=page, minify=minify,
                           manual=True)


def post_spans(post: PostAnalysis) -> dict[str, Any]:
    """One post in displaCy's manual span format: tokens, a span per segment (label = kind, quotes with the
    id of their source post), and an escaped title line."""
    doc = _nlp().make_doc(post.post.text)
    spans = []
    for segment in post.segments:
        span = doc.char_span(segment.start, segment.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        source = f"← {segment.source}" if segment.kind == "quote" and segment.source else ""
        spans.append({"start_token": span.start, "end_token": span.end, "label": segment.kind,
                      "kb_id": escape(source), "kb_url": "#"})
    return {"text": doc.text, "tokens": [t.text for t in doc], "spans": spans, "title": escape(_title(post)),
            "settings": {"lang": "en", "direction": "ltr"}}


def _title(post: PostAnalysis) -> str:
    parts = [post.id]
    if post.post.author:
        parts.append(post.post.author)
    if post.post.reply_to:
        parts.append(f"reply to {post.post.reply_to}")
    if post.stance is not None:
        parts.append(f"{post.stance.label} {post.stance.score:.2f}")
    if post.relation is not None:
        parts.append(f"{post.relation.label} with {post.relation.to}")
    sources = sorted({q.source for q in post.quotes if q.source})
    if sources:
        parts.append("quotes " + ", ".join(sources))
    return " · ".join(parts)


def _is_doc(value: Any) -> bool:
    try:
        from spacy.tokens import Doc
    except ImportError:  # pragma: no cover - spaCy is a core dependency
        return False
    return isinstance(value, Doc)


@lru_cache(maxsize=1)
def _nlp() -> Language:
    from ..quotes.pipeline import pipeline

    return pipeline()
