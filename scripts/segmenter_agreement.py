"""How often ``threadlens label``'s quote splits differ from ``threadlens analyze``'s, and how much faster they are.

Usage: python scripts/segmenter_agreement.py [SHARED_DIR]   (default: $THREADLENS_SHARED or ../shared)

``label`` splits threads without spaCy (:func:`threadlens.quotes.direct.split_thread` with the regex sentence
segmenter); ``analyze`` runs the spaCy pipeline (tokenizer, sentencizer, ``threadlens_quotes``). For every post
of the corpora below the script compares:

* sentence units — the pieces the splitter tests as copies: sentences cut at line breaks, trimmed — of the
  regex segmenter and of spaCy's sentencizer (on the post's text);
* the splits (segments with their sources, and ``duplicate_of``) of the label path and of the spaCy path;
* the splits of the direct path fed spaCy's own sentences and of the spaCy path — what differs here is not
  the segmenter's doing;
* speed: posts/s of the label path and of the spaCy path, measured in the same run (best of three).

Corpora: ``corpora/connections`` (train, dev, test), the seed thread; from SHARED_DIR the Reddit thread
(1,429 posts), the 1,000 HN API comments, the saved HN pages and the notmuch mailboxes.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from threadlens._spans import trim_span  # noqa: E402
from threadlens.quotes.direct import spacy_sentences, split_thread  # noqa: E402
from threadlens.quotes.pipeline import pipeline, splits_from_doc, thread_doc  # noqa: E402
from threadlens.quotes.sentences import sentence_spans  # noqa: E402
from threadlens.quotes.splitter import _units as splitter_units  # noqa: E402
from threadlens.readers import read_threads  # noqa: E402


def corpora(shared: Path) -> list[Path]:
    local = [ROOT / "corpora" / "connections" / f"{name}.jsonl" for name in ("train", "dev", "test")]
    local.append(ROOT / "corpora" / "seed-thread.txt")
    remote = [shared / "data/reddit/praw-thread/thread_n49rw.jsonl", shared / "data/hn/hn-comments-1000-sample.jsonl",
              *sorted((shared / "data/hn").glob("*.html")), shared / "data/mail/notmuch/default.mbox",
              shared / "data/mail/notmuch/lkml.mbox"]
    return local + [p for p in remote if p.exists()]


def units(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [trim_span(text, start, end) for start, end in splitter_units(text, spans, ())]


def as_data(splits) -> dict:  # type: ignore[no-untyped-def]
    return {pid: ([s.to_dict() for s in split.segments], split.duplicate_of) for pid, split in splits.items()}


def best_of_three(run) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("THREADLENS_SHARED", ROOT.parent / "shared"))
    nlp = pipeline()
    sentencizer = nlp.get_pipe("sentencizer")
    spacy_segments = spacy_sentences(nlp)
    totals = {"posts": 0, "units": 0, "splits": 0, "splits_spacy_sentences": 0}
    examples: list[str] = []
    all_threads = []
    print(f"{'corpus':42} {'posts':>6} {'units≠':>7} {'splits≠':>8} {'of which not the segmenter':>27}")
    for path in corpora(shared):
        threads = read_threads(path)
        all_threads.extend(threads)
        posts = unit_diff = split_diff = same_sentences_diff = 0
        for thread in threads:
            reference = as_data(splits_from_doc(nlp(thread_doc(nlp, thread)), thread))
            fast = as_data(split_thread(thread))
            with_spacy_sentences = as_data(split_thread(thread, sentences=spacy_segments))
            for post in thread:
                posts += 1
                doc = sentencizer(nlp.make_doc(post.text))
                if units(post.text, sentence_spans(post.text)) != units(post.text, [(s.start_char, s.end_char)
                                                                                    for s in doc.sents]):
                    unit_diff += 1
                if fast[post.id] != reference[post.id]:
                    split_diff += 1
                    examples.append(f"{path.name}:{post.id}")
                if with_spacy_sentences[post.id] != reference[post.id]:
                    same_sentences_diff += 1
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.relative_to(shared).as_posix()
        print(f"{name[-42:]:42} {posts:6,} {unit_diff:7,} {split_diff:8,} {same_sentences_diff:27,}")
        totals["posts"] += posts
        totals["units"] += unit_diff
        totals["splits"] += split_diff
        totals["splits_spacy_sentences"] += same_sentences_diff
    print(f"{'all':42} {totals['posts']:6,} {totals['units']:7,} {totals['splits']:8,} "
          f"{totals['splits_spacy_sentences']:27,}")
    print(f"posts whose splits differ: {totals['splits']} of {totals['posts']:,} "
          f"({100 * totals['splits'] / max(1, totals['posts']):.2f}%); with spaCy's sentences fed to the same "
          f"path: {totals['splits_spacy_sentences']} — the segmenter itself accounts for "
          f"{totals['splits'] - totals['splits_spacy_sentences']}")
    if examples:
        print("differing posts:", ", ".join(examples[:12]))
    posts = sum(len(t) for t in all_threads)
    fast_s = best_of_three(lambda: [split_thread(t) for t in all_threads])
    spacy_s = best_of_three(lambda: [splits_from_doc(doc, t) for doc, t in
                                     zip(nlp.pipe(thread_doc(nlp, t) for t in all_threads), all_threads)])
    print(f"speed (CPU time, best of 3, {posts:,} posts): label path {posts / fast_s:,.0f} posts/s, spaCy path "
          f"{posts / spacy_s:,.0f} posts/s: {spacy_s / fast_s:.1f}x")


if __name__ == "__main__":
    main()
