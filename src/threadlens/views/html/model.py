"""What a report page shows, whatever it was built from: a :class:`ReportThread` of :class:`ReportPost`.

An analysed thread (:class:`~threadlens.ThreadAnalysis`) gives posts with their quote segments; the
labelled records of ``threadlens label`` give the same posts without segments (only quote counts, and the
author's own words when labelled ``--with-text``). The pages are rendered from this one model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ...analysis import RelationResult, StanceResult, ThreadAnalysis
from ...thread import Segment

__all__ = ["ReportPost", "ReportThread", "from_analysis"]


@dataclass(frozen=True, slots=True)
class ReportPost:
    """One post as the report shows it.

    ``depth`` is its reply depth in thread order; ``segments`` split ``text`` into quotes and replies (empty
    when only counts are known: then ``text`` is the author's own words, or ``""`` when not recorded).
    """

    id: str
    text: str
    depth: int = 0
    author: str | None = None
    reply_to: str | None = None
    created: datetime | None = None
    segments: tuple[Segment, ...] = ()
    stance: StanceResult | None = None
    relation: RelationResult | None = None
    duplicate_of: str | None = None
    quotes: int = 0
    attributed: int = 0
    has_text: bool = True


@dataclass(slots=True)
class ReportThread:
    """A thread's posts in thread order (each reply right under its parent, one level deeper); ``notices``:
    what the reader recovered from."""

    posts: list[ReportPost]
    id: str | None = None
    title: str | None = None
    model: str | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The title, else the id, else ``"thread"``."""
        return self.title or self.id or "thread"

    def stance_labels(self) -> list[str]:
        """Labels in the order of the model's scheme (as the scores list them), then any others."""
        labels: list[str] = []
        for post in self.posts:
            if post.stance is None:
                continue
            for label in (*post.stance.scores, post.stance.label):
                if label not in labels:
                    labels.append(label)
        return labels


def from_analysis(analysis: ThreadAnalysis, *, model: str | None = None) -> ReportThread:
    """The report model of an analysed thread (``model`` names the stance model in the page header)."""
    thread = analysis.thread
    posts = [ReportPost(id=p.id, text=p.post.text, depth=p.depth, author=p.post.author,
                        reply_to=p.post.reply_to if p.post.reply_to in thread else None,
                        created=p.post.created, segments=p.segments, stance=p.stance, relation=p.relation,
                        duplicate_of=p.duplicate_of, quotes=len(p.quotes),
                        attributed=sum(1 for q in p.quotes if q.source is not None))
             for p in analysis.posts]
    return ReportThread(posts=posts, id=thread.id, title=thread.title, model=model,
                        notices=[n.message for n in thread.notices])
