"""Grouped K-fold cross-validation of the `connections` stance models on the corpus's train + dev posts.

    python scripts/cv_connections.py [--folds 5 10] [--models connections-lexical connections]
                                     [--fresh lexical embedding]

train.jsonl and dev.jsonl of corpora/connections are joined into one thread-layout JSONL file (their
conversations are disjoint), and for every model and K the real command line runs::

    threadlens evaluate MODEL TRAIN+DEV.jsonl --cv K --format json

``evaluate --cv`` refits the model's own settings (features, C, scheme) K times; thread-layout data is
split into own words by the quote pipeline and folded by conversation (GroupKFold), so no thread has
posts on both sides of a fold. ``--fresh KIND`` first trains a model of that feature kind on train.jsonl
with ``threadlens train`` (C chosen there by grouped CV) and cross-validates it the same way: the figures
of a feature kind whose model is not shipped (yet). Printed: mean ± sd over the folds (population sd, as the library reports
it) of accuracy and macro-F1, beside a majority-class baseline.

Caveat: each model's C was chosen by cross-validation on train.jsonl when it was built, so these folds
have seen the data that chose C; the bias is small (one hyper-parameter on a 5-point grid), but the test
split (scripts/train_connections.py) is the unbiased figure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import ROOT, format_table, platform_note, run_threadlens  # noqa: E402

CORPUS = ROOT / "corpora" / "connections"
MODELS = ("connections-lexical", "connections")


def join_splits(splits: Sequence[str], out: Path) -> Path:
    """Concatenate the corpus's JSONL splits into one file (one post a line, as they are)."""
    with out.open("w", encoding="utf-8") as handle:
        for split in splits:
            text = (CORPUS / f"{split}.jsonl").read_text(encoding="utf-8")
            handle.write(text if text.endswith("\n") else text + "\n")
    return out


def majority_row(data: Path) -> list[object]:
    """Majority-class accuracy and macro-F1 (over the three labels) on the labelled posts."""
    import json

    labels = [json.loads(line).get("label") for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = [label for label in labels if label]
    label, hits = Counter(labels).most_common(1)[0]
    f1 = 2 * hits / (hits + len(labels))
    return ["majority", f"always {label}", "-", hits / len(labels), "-", f1 / len(set(labels)), "-", "-"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, nargs="+", default=[5, 10], help="K of K-fold (default: 5 10)")
    parser.add_argument("--models", nargs="+", default=list(MODELS), help="model names or directories")
    parser.add_argument("--fresh", nargs="*", default=[], choices=["lexical", "embedding"],
                        help="also train a model of this feature kind on train.jsonl and cross-validate it")
    parser.add_argument("--splits", nargs="+", default=["train", "dev"], choices=["train", "dev", "test"])
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows: list[list[object]] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="threadlens-cv-") as tmp:
        data = join_splits(args.splits, Path(tmp) / f"{'+'.join(args.splits)}.jsonl")
        rows.append(majority_row(data))
        models: list[str] = list(args.models)
        for kind in args.fresh:
            fresh = Path(tmp) / f"fresh-{kind}"
            run = run_threadlens(["train", CORPUS / "train.jsonl", "-o", fresh, "--features", kind,
                                  "--scheme", "connections"])
            print(f"  train fresh {kind}: {run.error if not run.ok else f'{run.seconds:.0f} s'}", file=sys.stderr)
            if run.ok:
                models.append(str(fresh))
            else:
                failures.append(f"fresh {kind}: {run.error}")
        for model in models:
            for k in args.folds:
                run = run_threadlens(["evaluate", model, data, "--cv", k, "--format", "json"])
                print(f"  {model} K={k}: {run.error if not run.ok else f'{run.seconds:.0f} s'}", file=sys.stderr)
                if not run.ok:
                    failures.append(f"{model} K={k}: {run.error}")
                    rows.append([_name(model), "failed", k, None, None, None, None, None])
                    continue
                cv = run.json()["cross_validation"]
                rows.append([_name(model), _features(model), cv["folds"], cv["accuracy"], cv["accuracy_std"],
                             cv["macro_f1"], cv["macro_f1_std"], f"{run.seconds:.0f}"])
    print(f"grouped cross-validation on {' + '.join(args.splits)} of {CORPUS.relative_to(ROOT)}")
    print(format_table(["model", "features", "K", "accuracy", "± sd", "macro-F1", "± sd", "seconds"], rows))
    for failure in failures:
        print(failure)
    print(f"\n{platform_note()}; total run time {time.perf_counter() - started:.0f} s")
    return 1 if failures else 0


def _name(model: str) -> str:
    """A shipped model's name, or ``fresh KIND (C=...)`` for one trained here."""
    import json

    path = Path(model)
    if path.name.startswith("fresh-") and (path / "config.json").is_file():
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        return f"fresh {path.name[6:]} (C={config['params']['C']:g})"
    return model


def _features(model: str) -> str:
    """The feature kind recorded in a model's config (by name or directory), for the table."""
    import json

    sys.path.insert(0, str(ROOT / "src"))
    from threadlens.stance.registry import resolve_model

    try:
        config = json.loads((resolve_model(model) / "config.json").read_text(encoding="utf-8"))
    except Exception:  # the table cell is informative only
        return "?"
    return str(config.get("params", {}).get("features", "?"))


if __name__ == "__main__":
    sys.exit(main())
