"""``threadlens label`` streams Reddit JSONL (Pushshift dumps, PRAW exports) and labels it as the reader reads it."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from threadlens.label import _plan, label_corpus, label_threads, read_labelled
from threadlens.label._plan import expand_inputs, plan_inputs
from threadlens.readers import read_threads

MODEL = "connections-lexical"
SENTENCES = ["Being likable gets you further than being good.", "Skill is what keeps you employed.",
             "Honestly, the people who got promoted were the ones everyone trusted.", "Exactly this.",
             "I disagree, the work speaks for itself.", "Nobody hires a pleasant incompetent twice."]


def _dump(rng: random.Random, *, threads: int = 12, comments: int = 15, raw_in: int | None = None) -> list[dict]:
    """Pushshift-style records: submissions for every other thread, comments replying at random, quoting their
    parent with an escaped ``&gt;``, all sorted by time (so threads interleave, as in a monthly dump)."""
    records: list[dict] = []
    for t in range(threads):
        link = f"s{t}"
        if t % 2 == 0:
            records.append({"id": link, "title": f"Thread {t} &amp; more", "selftext": rng.choice(SENTENCES),
                            "author": "op", "created_utc": 1_600_000_000 + t, "subreddit": "jobs",
                            "num_comments": comments})
        bodies: dict[str, str] = {}
        for c in range(comments):
            cid = f"{link}c{c}"
            parent = rng.choice([f"t3_{link}", *(f"t1_{k}" for k in bodies)])
            body = rng.choice(SENTENCES)
            if parent.startswith("t1_") and rng.random() < 0.4:
                body = f"&gt; {bodies[parent[3:]]}\n\n{body}"
            if c % 5 == 4:
                body += " &amp;lt;3"  # escaped dumps: "&lt;3" as typed (shown as "<3"); raw dumps: "&lt;3" shown
            if raw_in == t and c == comments - 1:
                body = "a <b>raw</b> body > all"
            bodies[cid] = body
            records.append({"id": cid, "parent_id": parent, "link_id": f"t3_{link}", "author": f"u{rng.randrange(9)}",
                            "body": body, "created_utc": 1_600_000_100 + rng.randrange(100_000), "score": 1,
                            "subreddit": "jobs"})
    records.sort(key=lambda r: r["created_utc"])
    return records


def _write(path: Path, records: list, extra: list[str] = ()) -> Path:
    lines = [json.dumps(r) for r in records]
    for i, line in enumerate(extra):
        lines.insert(3 + 5 * i, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _labelled(path: Path, out: Path, **options) -> list[dict]:  # type: ignore[no-untyped-def]
    label_corpus([path], out, model=MODEL, force=True, **options)
    return list(read_labelled(out))


def test_label_streams_a_pushshift_dump_as_the_reader_reads_it(tmp_path: Path) -> None:
    more = json.dumps({"kind": "more", "data": {"count": 4, "children": ["a", "b"]}})
    deep = json.dumps({"kind": "more", "data": {"count": 0, "children": []}})
    junk = json.dumps({"subreddit": "jobs", "note": "not a post"})
    path = _write(tmp_path / "RC_2020-09.jsonl", _dump(random.Random(1)), [more, junk, deep])
    plan = plan_inputs(expand_inputs([path]), chunk_posts=40)
    assert [f.kind for f in plan.inputs] == ["reddit"] and plan.modes == {str(path): "indexed"}
    assert [f.kind for f in expand_inputs([path], input_format="reddit")] == ["reddit"]
    assert [f.kind for f in expand_inputs([path], input_format="mbox")] == ["whole"]
    assert len(plan.units) > 2 and not any(unit.raw_markup for unit in plan.units)

    out = tmp_path / "labels.jsonl"
    report = label_corpus([path], out, model=MODEL, force=True, chunk_posts=40, workers=2, with_text=True)
    streamed = list(read_labelled(out))
    whole = label_threads(read_threads(path), model=MODEL, with_text=True)
    assert sum("<3" in r["text"] for r in streamed) > 10
    assert sorted(streamed, key=lambda r: r["id"]) == sorted(whole, key=lambda r: r["id"])
    assert {r["thread"] for r in streamed} == {f"s{t}" for t in range(12)}
    assert sum(1 for t in read_threads(path) for p in t if p.markup) > 10  # "&gt;" unescaped: block quotes
    assert report.rejected == 1 and "not a Reddit submission" in (tmp_path / "labels.rejects.jsonl").read_text()
    assert any("4 comment(s) behind 1 'load more' stub(s) and the replies behind 1 'continue this thread' link(s)"
               in notice for notice in report.notices)


def test_label_reddit_raw_bodies_anywhere_keep_every_body_as_written(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """One body with a literal '<' or '>' shows the dump is raw (raw_json=1): as the reader decides for the whole
    file, nothing is unescaped — even when that body is in the last of many slices and units."""
    records = _dump(random.Random(2), raw_in=11)
    records.sort(key=lambda r: (r.get("link_id", "t3_" + r["id"]), r["created_utc"]))  # contiguous threads
    path = _write(tmp_path / "raw.jsonl", records)
    monkeypatch.setattr(_plan, "_SCAN_SLICE_BYTES", 2048)
    plan = plan_inputs(expand_inputs([path]), chunk_posts=30, workers=2)
    assert plan.modes == {str(path): "contiguous"} and all(unit.raw_markup for unit in plan.units)
    streamed = _labelled(path, tmp_path / "labels.jsonl", chunk_posts=30, workers=2, with_text=True)
    assert streamed == label_threads(read_threads(path), model=MODEL, with_text=True)
    assert sum("&lt;3" in r["text"] for r in streamed) > 10
    threads = read_threads(path)
    assert not any(p.markup for t in threads for p in t)  # "&gt;" stays as written: no block quotes
    assert sum("&gt;" in p.meta["markdown"] for t in threads for p in t) > 10


def test_label_streams_the_real_reddit_thread_like_the_reader(shared: Path, tmp_path: Path) -> None:
    path = shared / "data" / "reddit" / "praw-thread" / "thread_n49rw.jsonl"
    [item] = expand_inputs([path])
    assert item.kind == "reddit"
    streamed = _labelled(path, tmp_path / "labels.jsonl")
    assert len(streamed) == 1429
    assert streamed == label_threads(read_threads(path), model=MODEL)


def test_a_reddit_listing_on_one_line_is_still_read_whole(tmp_path: Path) -> None:
    listing = {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"id": "s1", "title": "T",
                                                                                  "selftext": "x", "author": "a"}}]}}
    path = tmp_path / "listing.json"
    path.write_text(json.dumps(listing) + "\n", encoding="utf-8")
    [item] = expand_inputs([path])
    assert item.kind == "whole"
    assert [r["id"] for r in _labelled(path, tmp_path / "labels.jsonl")] == ["s1"]


def _split_dump(records: list[dict], directory: Path) -> list[Path]:
    """A dump as a subreddit's files are published: the submissions, and the comments in two months (the
    second one gzip'd): a thread's submission and comments are in different files."""
    import gzip

    directory.mkdir(parents=True, exist_ok=True)
    submissions = [r for r in records if "title" in r]
    comments = [r for r in records if "title" not in r]
    half = len(comments) // 2
    first = _write(directory / "jobs_submissions.jsonl", submissions)
    second = _write(directory / "jobs_comments_2020-09.jsonl", comments[:half])
    third = directory / "jobs_comments_2020-10.jsonl.gz"
    third.write_bytes(gzip.compress(_write(directory / "tmp.jsonl", comments[half:]).read_bytes()))
    (directory / "tmp.jsonl").unlink()
    return [first, second, third]


@pytest.mark.parametrize("chunk", [7, 40, 10_000])
def test_label_reads_a_runs_reddit_files_as_one_corpus(tmp_path: Path, chunk: int) -> None:
    records = _dump(random.Random(3))
    files = _split_dump(records, tmp_path / "dump")
    # the same records in one file, in the same order: submissions, then the two months of comments
    whole = _write(tmp_path / "whole.jsonl", [r for r in records if "title" in r] +
                   [r for r in records if "title" not in r])
    expected = label_corpus([whole], tmp_path / "whole-labels.jsonl", model=MODEL, chunk_posts=chunk, workers=1)
    out = tmp_path / "labels.jsonl"
    report = label_corpus(files, out, model=MODEL, chunk_posts=chunk, workers=2)
    assert report.modes == {str(f): "indexed" for f in files}
    assert (report.posts, report.threads) == (expected.posts, expected.threads) == (len(records), 12)
    assert out.read_bytes() == (tmp_path / "whole-labels.jsonl").read_bytes()
    # top-level comments answer their submission, read from another file
    submissions = {r["id"] for r in records if "title" in r}
    joined = list(read_labelled(out))
    assert sum((r["relation"] or {}).get("to") in submissions for r in joined) > 5
    assert {r["thread"] for r in joined} == {f"s{t}" for t in range(12)}
    # labelled file by file, the comments would lose their submissions
    apart = [r for f in files for r in label_threads(read_threads(f), model=MODEL)]
    assert not any((r["relation"] or {}).get("to") in submissions for r in apart if r["id"] not in submissions)
    spanning = [u for u in plan_inputs(expand_inputs(files), chunk_posts=chunk, spool=tmp_path / "spool").units
                if len(u.files) > 1]
    assert spanning and all(u.shown_path.startswith(f"{u.names[0]}, ") for u in spanning)


def test_label_reddit_files_keep_their_own_escaping_and_name_their_rejects(tmp_path: Path) -> None:
    """One file raw (a body with a literal '>'), the other escaped: each is read as the reader reads it alone."""
    records = _dump(random.Random(4), raw_in=1)
    raw_thread = [r for r in records if r.get("link_id", "t3_" + r["id"]) == "t3_s1"]
    others = [r for r in records if r not in raw_thread]
    raw_file = _write(tmp_path / "raw.jsonl", raw_thread)
    escaped_file = _write(tmp_path / "escaped.jsonl", others, ['{"no": "id"}'])
    out = tmp_path / "labels.jsonl"
    report = label_corpus([raw_file, escaped_file], out, model=MODEL, chunk_posts=10, workers=1, with_text=True)
    expected = {r["id"]: r for path in (raw_file, escaped_file)
                for r in label_threads(read_threads(path), model=MODEL, with_text=True)}
    assert {r["id"]: r for r in read_labelled(out)} == expected
    assert any("&lt;3" in r["text"] for r in expected.values() if r["thread"] == "s1")
    assert any("<3" in r["text"] for r in expected.values() if r["thread"] != "s1")
    [reject] = [json.loads(line) for line in out.with_name("labels.rejects.jsonl").read_text().splitlines()]
    assert (reject["source"], reject["line"], report.rejected) == (str(escaped_file), 4, 1)


def test_label_the_real_reddit_thread_split_into_submission_and_comments(shared: Path, tmp_path: Path) -> None:
    path = shared / "data" / "reddit" / "praw-thread" / "thread_n49rw.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    is_submission = ['"title"' in line and '"selftext"' in line for line in lines]
    assert sum(is_submission) == 1
    submission, comments = tmp_path / "submissions.jsonl", tmp_path / "comments.jsonl"
    submission.write_text("".join(line for line, s in zip(lines, is_submission) if s), encoding="utf-8")
    comments.write_text("".join(line for line, s in zip(lines, is_submission) if not s), encoding="utf-8")
    whole = _labelled(path, tmp_path / "whole.jsonl")
    out = tmp_path / "split.jsonl"
    report = label_corpus([comments, submission], out, model=MODEL, force=True, workers=2)  # comments first
    assert report.threads == 1 and report.posts == len(whole) == 1429
    assert sorted(read_labelled(out), key=lambda r: r["id"]) == sorted(whole, key=lambda r: r["id"])


def test_label_a_unit_spanning_more_files_than_it_keeps_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run of many small Reddit files (one per record here) has units spanning hundreds of them: they are
    opened as read, a few at a time, and reopened when read from again."""
    from threadlens.label import _read

    records = _dump(random.Random(5), threads=8, comments=10)
    files = [_write(tmp_path / "dump" / f"{number:04d}.jsonl", [record]) for number, record in enumerate(records)
             if (tmp_path / "dump").mkdir(exist_ok=True) is None]
    whole = _write(tmp_path / "whole.jsonl", records)
    expected = label_corpus([whole], tmp_path / "whole-labels.jsonl", model=MODEL, chunk_posts=10_000, workers=1)
    monkeypatch.setattr(_read, "_OPEN_FILES", 3)
    out = tmp_path / "labels.jsonl"
    report = label_corpus(files, out, model=MODEL, chunk_posts=10_000, workers=1)
    assert report.units == 1 and report.posts == expected.posts == len(records) > 3 * 20
    assert out.read_bytes() == (tmp_path / "whole-labels.jsonl").read_bytes()
