"""Does the per-target pairing of the embedding features help on unseen targets? A diagnostic.

    python scripts/diag_stance_pairing.py [--shared DIR] [--datasets ibm perspectrum]

On the official splits of IBM Claim Stance and Perspectrum (converted as in bench_stance_datasets.py),
the same frozen all-MiniLM-L6-v2 embeddings and the same logistic head are fitted on four feature sets:

- ``text``: the text's embedding alone;
- ``text+target``: ``[text, target]``;
- ``text+product``: ``[text, text * target]``;
- ``text+target+product``: ``[text, target, text * target]``, what threadlens builds for pairs;

each with C chosen two ways: stratified 5-fold CV over rows (what ``threadlens train`` does) and
5-fold CV grouped by target (no target on both sides of a fold, as in the official test splits).
Printed: accuracy and macro-F1 on the held-out splits. Runs in one process, so every text is embedded
once (threadlens's shared embedding cache); needs the embedding backend (``threadlens.embeddings``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import SRC, format_table, platform_note, shared_dir  # noqa: E402
from bench_stance_datasets import LOADERS, Dataset  # noqa: E402

sys.path.insert(0, str(SRC))

FEATURE_SETS = ("text", "text+target", "text+product", "text+target+product")


def features(kind: str, text: "np.ndarray", target: "np.ndarray") -> "np.ndarray":  # noqa: F821
    import numpy as np

    parts = {"text": [text], "text+target": [text, target], "text+product": [text, text * target],
             "text+target+product": [text, target, text * target]}[kind]
    return np.hstack(parts)


def choose_C(X: "np.ndarray", y: "np.ndarray", groups: Sequence[str], *, grouped: bool) -> float:  # noqa: F821
    import numpy as np
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    from threadlens.stance.head import fit_head
    from threadlens.stance.training import C_GRID, score

    folds = list(GroupKFold(n_splits=5).split(X, y, groups) if grouped
                 else StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(X, y))
    results = {C: float(np.mean([score(list(y[held]), _predict(fit_head(X[rows], y[rows], C=C), X[held])).macro_f1
                                 for rows, held in folds])) for C in C_GRID}
    return max(results, key=lambda c: (results[c], -c))


def _predict(head, X):  # type: ignore[no-untyped-def]
    import numpy as np

    return [head.classes[i] for i in np.argmax(head.predict_proba(X), axis=1)]


def diagnose(dataset: Dataset) -> list[list[object]]:
    import numpy as np

    from threadlens.stance.features import EmbeddingFeatures
    from threadlens.stance.head import fit_head
    from threadlens.stance.training import score

    encoder = EmbeddingFeatures("all-MiniLM-L6-v2")  # the embeddings threadlens trains on (exact, cached)
    splits = [dataset.train, *dataset.evals]
    vectors = {s.name: (encoder.embed([r[0] for r in s.rows]), encoder.embed([r[1] for r in s.rows])) for s in splits}
    labels = np.array([r[2] for r in dataset.train.rows])
    groups = [r[3] for r in dataset.train.rows]
    rows: list[list[object]] = []
    for kind in FEATURE_SETS:
        X = features(kind, *vectors["train"])
        for grouped in (False, True):
            C = choose_C(X, labels, groups, grouped=grouped)
            head = fit_head(X, labels, C=C)
            for split in dataset.evals:
                result = score([r[2] for r in split.rows], _predict(head, features(kind, *vectors[split.name])))
                rows.append([dataset.name, kind, "grouped by target" if grouped else "rows (CLI)", C,
                             split.name, result.accuracy, result.macro_f1])
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", help="the shared data folder (default: $THREADLENS_SHARED or ../shared)")
    parser.add_argument("--datasets", nargs="+", default=list(LOADERS), choices=sorted(LOADERS))
    args = parser.parse_args(argv)
    shared = shared_dir(args.shared)
    started = time.perf_counter()
    rows = [row for name in args.datasets for row in diagnose(LOADERS[name](shared))]
    print(format_table(["dataset", "features", "C chosen by CV over", "C", "split", "accuracy", "macro-F1"], rows))
    print(f"\n{platform_note()}; total run time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
