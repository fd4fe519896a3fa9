"""split_thread(): the pipeline's splits without spaCy (same splitter, regex or spaCy sentences)."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadlens import Post, Thread
from threadlens.quotes.direct import spacy_sentences, split_thread
from threadlens.quotes.pipeline import pipeline, splits_from_doc, thread_doc
from threadlens.readers import read_threads

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return pipeline()


def _pipeline_splits(nlp, thread: Thread, **kwargs):  # type: ignore[no-untyped-def]
    return splits_from_doc(nlp(thread_doc(nlp, thread, **kwargs)), thread)


def _as_data(splits) -> dict:  # type: ignore[no-untyped-def]
    return {pid: ([s.to_dict() for s in split.segments], split.duplicate_of) for pid, split in splits.items()}


@pytest.mark.parametrize("name", ["train.jsonl", "dev.jsonl", "test.jsonl"])
def test_direct_equals_pipeline_on_connections(nlp, name: str) -> None:  # type: ignore[no-untyped-def]
    threads = read_threads(ROOT / "corpora" / "connections" / name)
    for thread in threads:
        expected = _as_data(_pipeline_splits(nlp, thread))
        assert _as_data(split_thread(thread)) == expected, thread.id
        assert _as_data(split_thread(thread, sentences=spacy_sentences(nlp))) == expected, thread.id


def test_direct_equals_pipeline_on_seed_thread(nlp, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    thread = read_threads(seed_path)[0]
    assert _as_data(split_thread(thread)) == _as_data(_pipeline_splits(nlp, thread))


def test_direct_gives_back_text_past_max_post_chars(nlp) -> None:  # type: ignore[no-untyped-def]
    long_text = "I read it differently. " * 40 + "\n\n> I read it differently.\n\nNo, the second half matters."
    thread = Thread([Post("a", "I read it differently. The first half is fine."),
                     Post("b", long_text, reply_to="a")], id="t")
    got = split_thread(thread, max_post_chars=300)
    assert _as_data(got) == _as_data(_pipeline_splits(nlp, thread, max_post_chars=300))
    assert got["b"].segments[-1].kind == "reply" and got["b"].segments[-1].end == len(long_text)


def test_direct_markup_and_duplicates(nlp) -> None:  # type: ignore[no-untyped-def]
    from threadlens import Segment

    first = "Networking matters more than people admit, in every job I have had so far."
    quoted = f"{first}\n\nI disagree: skill got me every job."
    thread = Thread([Post("a", first, author="ann"),
                     Post("b", quoted, reply_to="a", markup=(Segment("quote", 0, len(first), marker="blockquote",
                                                                     cite="ann"),)),
                     Post("c", first, reply_to="b")], id="t")
    got = split_thread(thread)
    assert _as_data(got) == _as_data(_pipeline_splits(nlp, thread))
    assert got["b"].segments[0].source == "a" and got["c"].segments[0].source == "a"


def test_direct_attributes_quotes_inside_one_long_token(shared) -> None:  # type: ignore[no-untyped-def]
    # Regression: in the spaCy path two segments covering the same tokens (a quote and a reply inside one URL
    # token) share their span extensions, so the quote comes back with the reply's offsets and no source.
    # split_thread keeps each segment as the splitter made it.
    thread = read_threads(shared / "data/reddit/praw-thread/thread_n49rw.jsonl")[0]
    segments = split_thread(thread)["c366ugu"].segments
    assert [(s.kind, s.start, s.end, s.source, s.marker) for s in segments] == [
        ("quote", 0, 31, "c3660qz", "copy"), ("reply", 31, 42, None, None)]


def test_pipeline_attributes_quotes_inside_one_long_token(shared, nlp) -> None:  # type: ignore[no-untyped-def]
    # Regression: the spaCy path used to read segments back from span extensions, which spaCy keys by
    # character offsets; a quote and a reply inside one URL token shared theirs. It reads doc._.tl_posts now.
    thread = read_threads(shared / "data/reddit/praw-thread/thread_n49rw.jsonl")[0]
    assert _as_data(_pipeline_splits(nlp, thread)) == _as_data(split_thread(thread))


def test_split_thread_ancestry_is_thread_ancestors() -> None:
    """The ancestor lists split_thread builds step by step are ``Thread.ancestors`` (the nearest
    ``PREFERRED_ANCESTORS``): in any order of asking, with replies to missing posts, loops of reply links,
    and a chain deeper than the lists it keeps."""
    import random

    from threadlens.quotes.direct import _Ancestry
    from threadlens.quotes.splitter import PREFERRED_ANCESTORS

    rng = random.Random(2)
    threads = []
    for _ in range(300):
        n = rng.randint(1, 120)
        threads.append(Thread(id="t", posts=[
            Post(id=f"p{i}", text="x", reply_to=rng.choice([None, f"p{i - 1}", f"p{rng.randrange(n)}", "gone"])
                 if i else None) for i in range(n)]))
    threads.append(Thread(id="deep", posts=[Post(id="p0", text="x")] + [
        Post(id=f"p{i}", text="x", reply_to=f"p{i - 1}") for i in range(1, 300)]))
    for thread in threads:
        ancestry = _Ancestry(thread)
        order = list(thread.posts)
        rng.shuffle(order)
        for post in order + order[::-1]:
            assert ancestry.of(post) == [p.id for p in thread.ancestors(post.id, limit=PREFERRED_ANCESTORS)]


def test_a_deep_chain_finds_quotes_of_far_ancestors_as_the_pipeline_does(nlp) -> None:  # type: ignore[no-untyped-def]
    """Past ``PREFERRED_ANCESTORS`` levels a post's ancestors are searched like any earlier post: a quote of the
    root 300 replies up is still found, and both splitters agree on every post."""
    from threadlens.quotes.splitter import PREFERRED_ANCESTORS

    root = "Being liked opens more doors than any certificate ever will, in every office I know."
    posts = [Post(id="p0", text=root)]
    posts += [Post(id=f"p{i}", text=f"reply{i} ok", reply_to=f"p{i - 1}") for i in range(1, 300)]
    posts.append(Post(id="q", text=f"> {root}\nStill true after all these years.", reply_to="p299"))
    thread = Thread(id="chain", posts=posts)
    assert len(thread.ancestors("q")) > PREFERRED_ANCESTORS
    got = split_thread(thread)
    assert [(s.kind, s.source) for s in got["q"].segments] == [("quote", "p0"), ("reply", None)]
    assert _as_data(got) == _as_data(_pipeline_splits(nlp, thread))
