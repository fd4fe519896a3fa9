"""The acceptance criteria of the core on the thread the project started from."""

from __future__ import annotations

from pathlib import Path

import pytest

import threadlens


@pytest.fixture(scope="module")
def seed(seed_path: Path) -> threadlens.ThreadAnalysis:
    return threadlens.analyze(threadlens.read_thread(seed_path), stance=False)


def _post_starting(analysis: threadlens.ThreadAnalysis, prefix: str) -> threadlens.PostAnalysis:
    matches = [p for p in analysis.posts if p.post.text.startswith(prefix)]
    assert matches, prefix
    return matches[0]


def test_seed_is_the_verbatim_discussion(seed_path: Path, shared: Path) -> None:
    assert seed_path.read_bytes() == (shared / "seed" / "000_efdaf98af17cca55.txt").read_bytes()


def test_seed_has_one_post_per_line(seed: threadlens.ThreadAnalysis) -> None:
    assert [p.id for p in seed.posts] == [f"p{i}" for i in range(1, 14)]


def test_seed_first_line_is_a_quote_with_no_source(seed: threadlens.ThreadAnalysis) -> None:
    first = seed.posts[0]
    assert [(s.kind, s.source, s.marker) for s in first.segments] == [("quote", None, ">")]


def test_seed_unmarked_copy_is_attributed(seed: threadlens.ThreadAnalysis) -> None:
    source = _post_starting(seed, "Then make yourself worth being connected to")
    copy = _post_starting(seed, "It doesn't have to be in a")
    assert [(s.kind, s.source, s.marker) for s in copy.segments] == [("quote", source.id, "copy")]
    assert copy.quotes[0].text_of(copy.post.text) == copy.post.text


def test_seed_inline_quote_is_attributed(seed: threadlens.ThreadAnalysis) -> None:
    source = _post_starting(seed, "Why are so many clowns")
    post = _post_starting(seed, "This is very true in my experience")
    inline = [s for s in post.quotes if s.marker == "inline"]
    assert len(inline) == 1 and inline[0].source == source.id
    assert "People don't respond naturally to qualifications." in inline[0].text_of(post.post.text)
    assert "qualifications" not in post.reply_text


def test_seed_last_line_is_a_duplicate_of_the_second(seed: threadlens.ThreadAnalysis) -> None:
    assert seed.posts[-1].duplicate_of == seed.posts[1].id
    assert seed.posts[-1].quotes == []


def test_seed_disagreeing_reply_keeps_none_of_the_quoted_sentence(seed: threadlens.ThreadAnalysis) -> None:
    post = _post_starting(seed, "I'd disagree with this")
    assert post.reply_text.startswith("I'd disagree with this.")
    for fragment in ("the person who does X", "doesn't have to be", "way."):
        assert fragment not in post.reply_text


def test_seed_summary_counts(seed: threadlens.ThreadAnalysis) -> None:
    summary = seed.summary.to_dict()
    assert summary["posts"] == 13
    assert summary["duplicates"] == 1
    assert summary["quotes"] == 4 and summary["attributed"] == 3
