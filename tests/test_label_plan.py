"""Planning a labelling run: units of whole threads that cover every line once, read back as the readers would."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadlens.errors import InputError
from threadlens.label._plan import expand_inputs, plan_inputs
from threadlens.label._read import read_unit
from threadlens.readers import read_threads

from label_corpora import POSTS, corpus_records, write_corpus


def _threads_of(plan) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    threads, rejects = [], []
    for unit in plan.units:
        read = read_unit(unit)
        threads.extend(read.threads)
        rejects.extend(read.rejects)
    return threads, rejects


def _shape(threads) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {thread.id: [p.id for p in thread.posts] for thread in threads}


def test_plan_contiguous_file_is_cut_in_byte_ranges(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    posts = write_corpus(path, copies=2)
    plan = plan_inputs(expand_inputs([path]), chunk_posts=100)
    assert plan.modes == {str(path): "contiguous"}
    assert all(unit.kind == "range" for unit in plan.units)
    assert plan.units[0].start == 0 and plan.units[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in zip(plan.units, plan.units[1:]))  # every byte once
    assert plan.posts == posts and len(plan.units) > 5
    threads, rejects = _threads_of(plan)
    assert not rejects
    assert _shape(threads) == _shape(read_threads(path))


def test_plan_scattered_conversations_use_an_index(tmp_path: Path) -> None:
    path = tmp_path / "shuffled.jsonl"
    posts = write_corpus(path, shuffled=True)
    plan = plan_inputs(expand_inputs([path]), chunk_posts=100)
    assert plan.modes == {str(path): "indexed"}
    threads, rejects = _threads_of(plan)
    assert not rejects and sum(len(t) for t in threads) == posts
    expected = read_threads(path)
    assert _shape(threads) == _shape(expected)  # same threads, same post order, conversations by first appearance
    assert [t.id for t in threads] == [t.id for t in expected]


def test_plan_threads_without_conversation_ids_follow_reply_chains(tmp_path: Path) -> None:
    records = corpus_records()
    for record in records[::2]:
        del record["conversation_id"]  # half the posts: grouped by the root of their reply chain
    records.append({"id": "orphan", "reply_to": "not-in-file", "text": "A reply to a post that is gone."})
    path = tmp_path / "loose.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records[::-1]), encoding="utf-8")
    plan = plan_inputs(expand_inputs([path]), chunk_posts=50)
    assert plan.modes == {str(path): "indexed"}
    threads, rejects = _threads_of(plan)
    assert not rejects
    assert _shape(threads) == _shape(read_threads(path))


def test_plan_rejects_bad_lines_repeated_ids_and_cycles(tmp_path: Path) -> None:
    lines = [
        '{"id": "a", "conversation_id": "t", "text": "Skill decides it."}',
        "not json at all",
        '{"conversation_id": "t", "text": "no id"}',
        '{"id": "b", "conversation_id": "t", "reply_to": "a", "text": 42}',
        '{"id": "a", "conversation_id": "t", "text": "the same id again"}',
        '{"id": "x", "conversation_id": "u", "reply_to": "y", "text": "x answers y"}',
        '{"id": "y", "conversation_id": "u", "reply_to": "x", "text": "y answers x"}',
        '{"id": "z", "conversation_id": "u", "text": "a root"}',
        "[1, 2, 3]",
    ]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    plan = plan_inputs(expand_inputs([path]))
    threads, rejects = _threads_of(plan)
    assert _shape(threads) == {"t": ["a"], "u": ["z"]}
    by_line = {r.line: r for r in rejects}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 9]
    assert by_line[2].record == "not json at all" and "JSON" in by_line[2].reason
    assert "'id'" in by_line[3].reason and "'text'" in by_line[4].reason
    assert "repeats the post of line 1" in by_line[5].reason and by_line[5].id == "a"
    assert "cycle" in by_line[6].reason and "cycle" in by_line[7].reason


def test_plan_reply_cycles_without_conversation_ids(tmp_path: Path) -> None:
    records = [{"id": "r", "text": "root"}, {"id": "c1", "reply_to": "r", "text": "child"},
               {"id": "l1", "reply_to": "l2", "text": "loop one"}, {"id": "l2", "reply_to": "l1", "text": "loop two"},
               {"id": "under", "reply_to": "l1", "text": "answers a looping post"}]
    path = tmp_path / "loop.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    threads, rejects = _threads_of(plan_inputs(expand_inputs([path])))
    assert _shape(threads) == {"r": ["r", "c1"]}
    assert sorted(r.id for r in rejects) == ["l1", "l2", "under"]


def test_plan_walks_directories(tmp_path: Path, seed_path: Path) -> None:
    (tmp_path / "b").mkdir()
    write_corpus(tmp_path / "b" / "corpus.jsonl")
    (tmp_path / "a.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".hidden.jsonl").write_text("{}", encoding="utf-8")
    convokit = tmp_path / "c"
    convokit.mkdir()
    write_corpus(convokit / "utterances.jsonl")
    (convokit / "speakers.json").write_text("{}", encoding="utf-8")
    (convokit / "conversations.json").write_text("{}", encoding="utf-8")
    (tmp_path / "out.jsonl").write_text("", encoding="utf-8")
    files = expand_inputs([tmp_path], exclude=[tmp_path / "out.jsonl"])
    assert [(Path(f.path).relative_to(tmp_path).as_posix(), f.kind) for f in files] == [
        ("a.txt", "whole"), ("b/corpus.jsonl", "jsonl"), ("c", "convokit")]
    plan = plan_inputs(files, chunk_posts=400)
    assert [u.kind for u in plan.units][:1] == ["files"]
    threads, rejects = _threads_of(plan)
    assert not rejects and sum(len(t) for t in threads) == 13 + POSTS + POSTS


def test_plan_reads_each_file_once_whatever_names_reach_it(tmp_path: Path) -> None:
    """A symlink back up the tree is not walked round and round; a file reached again (through a symlink,
    a hard link, a directory that holds it, twice on the command line) is read once."""
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    write_corpus(tree / "sub" / "corpus.jsonl")
    (tree / "sub" / "up").symlink_to("..")  # tree/sub/up/sub/up/... : a loop
    (tree / "alias.jsonl").symlink_to(tree / "sub" / "corpus.jsonl")
    (tmp_path / "hard.jsonl").hardlink_to(tree / "sub" / "corpus.jsonl")
    other = tmp_path / "other.jsonl"
    write_corpus(other)
    files = expand_inputs([tree, tree / "sub" / "corpus.jsonl", tmp_path / "hard.jsonl", other, other, tree / "sub"])
    assert [Path(f.path).relative_to(tmp_path).as_posix() for f in files] == ["tree/alias.jsonl", "other.jsonl"]
    threads, rejects = _threads_of(plan_inputs(files, chunk_posts=400))
    assert not rejects and sum(len(t) for t in threads) == 2 * POSTS


@pytest.mark.parametrize("bad", ["missing.jsonl", "empty-dir"])
def test_plan_refuses_missing_inputs(tmp_path: Path, bad: str) -> None:
    (tmp_path / "empty-dir").mkdir()
    with pytest.raises(InputError, match="no such file|holds no files"):
        expand_inputs([tmp_path / bad])


def test_plan_is_the_same_on_every_run(tmp_path: Path) -> None:
    path = tmp_path / "shuffled.jsonl"
    write_corpus(path, shuffled=True)
    first = plan_inputs(expand_inputs([path]), chunk_posts=64).digest()
    assert plan_inputs(expand_inputs([path]), chunk_posts=64).digest() == first
    assert plan_inputs(expand_inputs([path]), chunk_posts=65).digest() != first


def _awkward_contiguous_lines() -> list[bytes]:
    """A contiguous corpus with what a slice edge may land on: blank lines, lines the worker rejects inside a
    conversation, a conversation of many lines, a long line, no newline at the end."""
    lines = [json.dumps(r).encode() + b"\n" for r in corpus_records()]
    lines[3:3] = [b"\n", b"not json\n", b'{"text": "no id"}\n', b"\r\n"]
    lines[40:40] = [json.dumps({"id": f"long-{i}", "conversation_id": "long", "text": "word " * (i * 7)}).encode()
                    + b"\n" for i in range(30)]
    lines.append(b'{"id": "last", "conversation_id": "end", "text": "no newline after me"}')
    return lines


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("bom", [False, True])
def test_plan_of_a_contiguous_file_is_the_same_however_it_is_sliced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    workers: int, bom: bool) -> None:
    from threadlens.label import _plan

    path = tmp_path / "corpus.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"".join(_awkward_contiguous_lines()))
    whole = plan_inputs(expand_inputs([path]), chunk_posts=40)
    assert whole.modes == {str(path): "contiguous"}
    for slice_bytes in (1, 97, 1000, 4096):
        monkeypatch.setattr(_plan, "_SCAN_SLICE_BYTES", slice_bytes)
        sliced = plan_inputs(expand_inputs([path]), chunk_posts=40, workers=workers)
        assert [u.describe() + [u.posts, u.size] for u in sliced.units] == \
            [u.describe() + [u.posts, u.size] for u in whole.units], slice_bytes
    threads, rejects = _threads_of(whole)
    assert len(rejects) == 2  # "not json" and the record without an id
    assert _shape(threads) == _shape(read_threads(path))


@pytest.mark.parametrize("workers", [1, 2])
def test_plan_finds_a_returning_conversation_across_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           workers: int) -> None:
    from threadlens.label import _plan

    lines = _awkward_contiguous_lines()
    lines.append(b"\n" + json.dumps({"id": "late", "conversation_id": "long", "text": "back again"}).encode() + b"\n")
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(b"".join(lines))
    monkeypatch.setattr(_plan, "_SCAN_SLICE_BYTES", 500)
    plan = plan_inputs(expand_inputs([path]), chunk_posts=40, workers=workers)
    assert plan.modes == {str(path): "indexed"}
    threads, _ = _threads_of(plan)
    assert _shape(threads) == _shape(read_threads(path))


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("bom", [False, True])
def test_plan_of_an_indexed_file_is_the_same_however_it_is_sliced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  workers: int, bom: bool) -> None:
    """The index pass reads slices in parallel: offsets, line numbers, bad lines and reply cycles come out as
    from one pass over the whole file."""
    from threadlens.label import _plan

    awkward = _awkward_contiguous_lines()
    awkward[-1] += b"\n"
    random.Random(7).shuffle(awkward)  # conversations scattered: the file needs the index
    lines = [b"\n", *awkward, b"not json\n", b"\n",
             b'{"id": "l1", "reply_to": "l2", "text": "loop one"}\n',
             b'{"id": "l2", "reply_to": "l1", "text": "loop two"}\n', b'{"id": "free", "text": "a root"}']
    path = tmp_path / "corpus.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"".join(lines))
    whole = plan_inputs(expand_inputs([path]), chunk_posts=40)
    assert whole.modes == {str(path): "indexed"} and len(whole.units) > 2
    for slice_bytes in (1, 97, 1000):
        monkeypatch.setattr(_plan, "_SCAN_SLICE_BYTES", slice_bytes)
        sliced = plan_inputs(expand_inputs([path]), chunk_posts=40, workers=workers)
        assert [u.describe() + [u.posts, u.size, u.lines.tolist()] for u in sliced.units] == \
            [u.describe() + [u.posts, u.size, u.lines.tolist()] for u in whole.units], slice_bytes
    threads, rejects = _threads_of(whole)
    without_loop = tmp_path / "without-loop.jsonl"
    without_loop.write_bytes(b"".join(line for line in lines if b'"l1"' not in line and b'"l2"' not in line))
    assert _shape(threads) == _shape(read_threads(without_loop))
    assert {r.id for r in rejects if r.id} == {"l1", "l2"} and any(r.record == "not json" for r in rejects)
    numbered = path.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\n")
    assert all(numbered[r.line - 1].strip() in (r.record or "").encode() or r.id for r in rejects)


def _json_loads_of_line(line: bytes):  # type: ignore[no-untyped-def]
    """What parse_line must give: json.loads of the bytes, invalid UTF-8 and lone surrogates made U+FFFD."""
    from threadlens.readers._json import without_lone_surrogates

    try:
        value, replaced = json.loads(line), False
    except UnicodeDecodeError:
        try:
            value, replaced = json.loads(line.decode("utf-8", errors="replace")), True
        except (ValueError, RecursionError):
            return None, True
    except (ValueError, RecursionError):
        return None, False
    if not isinstance(value, dict):
        return None, replaced
    value, fixed = without_lone_surrogates(value)
    return value, replaced or fixed > 0


def test_parse_line_is_json_loads_of_the_line() -> None:
    """orjson's path and json's give what ``json.loads`` of the line's bytes gives (lone surrogates made
    U+FFFD, and counted as replaced)."""
    from threadlens.label._plan import parse_line

    lines = [b'{"id": "a", "text": "ok"}\n', b'{"id": "a"}\r\n', b'{"id": "a"} \t\n', b'{"id": "a"} x\n', b"{}",
             b'{"a": 1}{"b": 2}\n', b'{"t": "\\ud83d\\ude00"}\n', b'{"t": "\xed\xa0\x80"}\n',
             b'{"t": "\\ud83d", "\\udc00": 1}\n', b'{"t": "\xff"}\n',
             b"{" + b"[" * 5000 + b"]" * 5000 + b"}\n", b'{"a": [1, 2, {"b": null}]}', b'{"a": NaN}\n',
             b"{\x00\x00\x00", b"{\x00\n", b'{"a": 1}\n\n', b"{\n", b'{"a":1}\x00', "{\"é\": \"ü\"}\n".encode(),
             b'{"a": "\\u00e9"}\n', b'{"a": 1e400}\n', b"{'a': 1}\n", b'{"a": 1,}\n',
             # where orjson and json could differ: integers past 64 bits, a byte order mark, floats, controls
             b'{"id": 123456789012345678901234567890}\n', b'{"id": -9223372036854775809}\n',
             b'{"id": 18446744073709551616}\n', b'{"id": 9999999999999999999, "n": -9223372036854775808}\n',
             b'\xef\xbb\xbf{"a": 1}\n', b'  {"a": 1}\n', b'{"a": 1, "a": 2}\n', b'{"a": "\x01"}\n',
             b'{"f": [1.0, -0.0, 5e-324, 1.7976931348623157e308, 0.1, 1E5, 2.5e-7]}\n', b'{"a": -0}\n',
             b'{"a": Infinity}\n', b'{"a": "\\u0000"}\n', b'[{"a": 1}]\n', b'"{"\n', b'null\n']
    for line in lines:
        assert repr(parse_line(line)) == repr(_json_loads_of_line(line)), line


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(), _VALUES, max_size=6), st.booleans(), st.sampled_from(["\n", "\r\n", " \n", ""]))
def test_parse_line_is_json_loads_of_any_record(record: dict, ascii_only: bool, end: str) -> None:
    """Integers of any size, NaN and infinities, any text (lone surrogates, controls, U+2028) escaped or not."""
    from threadlens.label._plan import parse_line

    line = json.dumps(record, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass") + end.encode()
    assert repr(parse_line(line)) == repr(_json_loads_of_line(line))

