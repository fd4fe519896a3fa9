"""``analyze``: a thread in, every post split into quotes and replies (and labelled with a stance) out.

The result types are the library's public output; :meth:`ThreadAnalysis.to_dict` is the JSON contract
of ``threadlens analyze --format json`` (field names are stable, see the README).
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .thread import Post, Segment, Thread

if TYPE_CHECKING:
    from spacy.language import Language

    from .quotes.splitter import SplitConfig
    from .stance.labeling import StanceLabeler

__all__ = ["PostAnalysis", "ThreadAnalysis", "Summary", "StanceResult", "RelationResult", "analyze",
           "analyze_threads", "summarize"]


@dataclass(frozen=True, slots=True)
class StanceResult:
    """A post's stance: the best ``label``, its probability ``score``, and every label's probability."""

    label: str
    score: float
    scores: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(self.score, 4),
                "scores": {k: round(v, 4) for k, v in self.scores.items()}}


@dataclass(frozen=True, slots=True)
class RelationResult:
    """How a post relates to the post it quotes or answers (``to``): agree, disagree or neutral."""

    to: str
    label: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"to": self.to, "label": self.label, "score": round(self.score, 4)}


@dataclass(frozen=True, slots=True)
class PostAnalysis:
    """One post with its segments (quotes and replies in text order), reply depth and labels."""

    post: Post
    depth: int
    segments: tuple[Segment, ...]
    duplicate_of: str | None = None
    thread_id: str | None = None
    stance: StanceResult | None = None
    relation: RelationResult | None = None

    @property
    def id(self) -> str:
        return self.post.id

    @property
    def quotes(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "quote"]

    @property
    def replies(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "reply"]

    def labelled(self, stance: StanceResult | None, relation: RelationResult | None) -> PostAnalysis:
        """This post with ``stance`` and ``relation`` (what ``dataclasses.replace`` gives, several times faster:
        the labeller makes one per post)."""
        return PostAnalysis(self.post, self.depth, self.segments, self.duplicate_of, self.thread_id, stance, relation)

    @property
    def reply_text(self) -> str:
        """The author's own words: reply segments joined by line breaks."""
        return "\n".join(s.text_of(self.post.text) for s in self.replies)

    def to_dict(self) -> dict[str, Any]:
        text = self.post.text
        out: dict[str, Any] = {
            "id": self.post.id, "thread": self.thread_id, "reply_to": self.post.reply_to,
            "author": self.post.author, "created": Post.to_dict(self.post)["created"], "depth": self.depth,
            "text": text,
            "segments": [{**s.to_dict(), "text": s.text_of(text)} for s in self.segments],
            "duplicate_of": self.duplicate_of,
        }
        if self.stance is not None:
            out["stance"] = self.stance.to_dict()
        if self.stance is not None or self.relation is not None:
            out["relation"] = self.relation.to_dict() if self.relation is not None else None
        return out


@dataclass(slots=True)
class Summary:
    """Counts over one or more analysed threads."""

    threads: int = 0
    posts: int = 0
    quotes: int = 0
    attributed: int = 0
    duplicates: int = 0
    notices: Counter[str] = field(default_factory=Counter)
    stance: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)

    def add(self, analysis: ThreadAnalysis) -> None:
        self.threads += 1
        for post in analysis.posts:
            self.posts += 1
            quotes = post.quotes
            self.quotes += len(quotes)
            self.attributed += sum(1 for q in quotes if q.source is not None)
            self.duplicates += post.duplicate_of is not None
            if post.stance is not None:
                self.stance[post.stance.label] += 1
            if post.relation is not None:
                self.relations[post.relation.label] += 1
        for notice in analysis.thread.notices:
            self.notices[notice.kind] += notice.count

    def stance_shares(self) -> dict[str, float]:
        total = sum(self.stance.values())
        return {label: count / total for label, count in sorted(self.stance.items())} if total else {}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"threads": self.threads, "posts": self.posts, "quotes": self.quotes,
                               "attributed": self.attributed, "duplicates": self.duplicates,
                               "notices": dict(sorted(self.notices.items()))}
        if self.stance:
            out["stance"] = {label: {"posts": self.stance[label], "share": round(share, 4)}
                             for label, share in self.stance_shares().items()}
            out["relations"] = dict(sorted(self.relations.items()))
        return out


@dataclass(slots=True)
class ThreadAnalysis:
    """The analysis of one thread: its posts in thread order (each reply under its parent)."""

    thread: Thread
    posts: list[PostAnalysis]

    def __getitem__(self, post_id: str) -> PostAnalysis:
        for post in self.posts:
            if post.id == post_id:
                return post
        raise KeyError(post_id)

    def __iter__(self) -> Iterator[PostAnalysis]:
        return iter(self.posts)

    def __len__(self) -> int:
        return len(self.posts)

    @property
    def summary(self) -> Summary:
        return summarize([self])

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: ``{"posts": [...], "summary": {...}, "threads": [...], "notices": [...]}``."""
        return report_dict([self])


def summarize(analyses: Iterable[ThreadAnalysis]) -> Summary:
    summary = Summary()
    for analysis in analyses:
        summary.add(analysis)
    return summary


def report_dict(analyses: Sequence[ThreadAnalysis]) -> dict[str, Any]:
    """One JSON object for any number of analysed threads (the ``--format json`` output)."""
    return {
        "posts": [post.to_dict() for analysis in analyses for post in analysis.posts],
        "summary": summarize(analyses).to_dict(),
        "threads": [{"id": a.thread.id, "title": a.thread.title, "posts": len(a.posts)} for a in analyses],
        "notices": [n.message for a in analyses for n in a.thread.notices],
    }


def analyze(thread: Thread | str | os.PathLike[str], *, stance: bool | StanceLabeler = True,
            model: str | os.PathLike[str] | None = None, nlp: Language | None = None,
            config: SplitConfig | None = None) -> ThreadAnalysis:
    """Split every post of ``thread`` into quotes and replies, attribute the quotes, label stances.

    ``thread`` may also be anything :func:`threadlens.read_thread` reads. ``stance=False`` skips stance
    and relation labelling (quote-only work); ``model`` names or locates the stance model (default:
    the shipped ``connections`` model). ``nlp`` reuses a pipeline from :func:`threadlens.pipeline`.
    """
    if not isinstance(thread, Thread):
        from .readers import read_thread

        thread = read_thread(thread)
    return next(analyze_threads([thread], stance=stance, model=model, nlp=nlp, config=config))


def analyze_threads(threads: Iterable[Thread], *, stance: bool | StanceLabeler = True,
                    model: str | os.PathLike[str] | None = None, nlp: Language | None = None,
                    config: SplitConfig | None = None, n_process: int = 1,
                    batch_size: int = 8) -> Iterator[ThreadAnalysis]:
    """:func:`analyze` over many threads, lazily; ``n_process > 1`` splits them over worker processes."""
    from .quotes.pipeline import pipeline, splits_from_doc, thread_doc

    nlp = nlp or pipeline(config=config)
    labeler = _labeler(stance, model)
    pending: deque[Thread] = deque()

    def docs() -> Iterator[Any]:
        for thread in threads:
            pending.append(thread)
            yield thread_doc(nlp, thread)

    for doc in nlp.pipe(docs(), n_process=n_process, batch_size=batch_size):
        thread = pending.popleft()
        splits = splits_from_doc(doc, thread)
        posts = [PostAnalysis(post=post, depth=depth, segments=tuple(splits[post.id].segments),
                              duplicate_of=splits[post.id].duplicate_of, thread_id=thread.id)
                 for post, depth in thread.in_thread_order()]
        analysis = ThreadAnalysis(thread=thread, posts=posts)
        if labeler is not None:
            analysis = labeler.label(analysis)
        yield analysis


def _labeler(stance: bool | StanceLabeler, model: str | os.PathLike[str] | None) -> StanceLabeler | None:
    if stance is False:
        return None
    if stance is not True:
        return stance
    from .stance.labeling import default_labeler

    return default_labeler(model)
