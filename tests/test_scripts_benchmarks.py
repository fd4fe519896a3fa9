"""The stance benchmark scripts: data set conversion (official splits), driving the real CLI, SetFit pairs."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_threadlens_script_{name}", SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


bench = _script("bench_stance_datasets")
setfit = _script("try_setfit")
cv = _script("cv_connections")


def test_bench_ibm_claim_stance_official_split(shared: Path) -> None:
    data = bench.ibm_claim_stance(shared)
    train, (test,) = data.train, data.evals
    # The counts of the paper and of SOURCE.txt: 1,039 claims on 25 motions / 1,355 claims on 30 motions.
    assert (len(train.rows), train.groups, train.counts()) == (1039, 25, {"CON": 414, "PRO": 625})
    assert (len(test.rows), test.groups, test.counts()) == (1355, 30, {"CON": 655, "PRO": 700})
    assert not {r[1] for r in train.rows} & {r[1] for r in test.rows}, "motions must not cross the split"
    assert all(text and target.startswith("This house") for text, target, _, _ in train.rows + test.rows)


def test_bench_perspectrum_official_split_of_claims(shared: Path) -> None:
    data = bench.perspectrum(shared)
    splits = {s.name: s for s in [data.train, *data.evals]}
    assert {n: (len(s.rows), s.groups) for n, s in splits.items()} == {
        "train": (6978, 541), "dev": (2071, 139), "test": (2773, 227)}
    assert splits["test"].counts() == {"SUPPORT": 1471, "UNDERMINE": 1302}
    claims = {n: {r[3] for r in s.rows} for n, s in splits.items()}
    assert not claims["train"] & claims["test"] and not claims["train"] & claims["dev"]


def _toy_split(name: str, motions: list[str]) -> "bench.Split":
    pro = ["It protects children from harm", "Studies show clear benefits for everyone",
           "This would save lives and money", "Experts broadly support this measure"]
    con = ["It violates basic personal freedom", "There is no evidence it works at all",
           "The costs far outweigh any benefit", "It harms the people it claims to help"]
    split = bench.Split(name)
    for i, motion in enumerate(motions):
        split.rows += [(f"{t} ({i})", motion, "PRO", str(i)) for t in pro]
        split.rows += [(f"{t} ({i})", motion, "CON", str(i)) for t in con]
    return split


def test_bench_run_one_drives_train_and_evaluate(tmp_path: Path) -> None:
    data = bench.Dataset("toy", _toy_split("train", ["Ban X", "Tax Y", "Fund Z"]), [_toy_split("test", ["Ban W"])])
    files = {s.name: bench.write_csv(s, tmp_path / f"{s.name}.csv") for s in [data.train, *data.evals]}
    (result,) = bench.run_one(data, files, "lexical", True, tmp_path)
    assert result.error is None
    assert (result.n, result.inputs, result.paired) == (8, "text+target", True)
    assert result.accuracy is not None and result.accuracy >= 0.75  # the same sentences, another motion
    assert result.head_width and int(result.head_width) > 0 and result.train_seconds and result.eval_seconds


def test_bench_run_one_reports_the_cli_error_line(tmp_path: Path) -> None:
    data = bench.Dataset("toy", _toy_split("train", ["Ban X", "Tax Y"]), [_toy_split("test", ["Ban W"])])
    files = {"train": tmp_path / "train.csv", "test": tmp_path / "test.csv"}
    files["train"].write_text("text,label\nsome claim,PRO\n", encoding="utf-8")  # no target column
    (result,) = bench.run_one(data, files, "lexical", True, tmp_path)
    assert result.accuracy is None
    assert result.error.startswith("error: ") and "'target'" in result.error and "columns: label, text" in result.error
    assert not (tmp_path / "toy-lexical-paired").exists(), "nothing half-written"


def test_bench_majority_baseline() -> None:
    data = bench.Dataset("toy", _toy_split("train", ["A"]), [_toy_split("test", ["B"])])
    data.train.rows.append(("one more", "A", "CON", "0"))
    (row,) = bench.majority(data)
    assert (row.inputs, row.accuracy, row.macro_f1) == ("always CON", 0.5, pytest.approx(1 / 3))


@pytest.mark.parametrize("seed", [0, 7])
def test_setfit_pairs_follow_the_recipe(seed: int) -> None:
    texts = [f"text {i}" for i in range(9)]
    labels = ["a", "a", "a", "a", "b", "b", "b", "c", "c"]
    label_of = dict(zip(texts, labels))
    pairs = setfit.setfit_pairs(texts, labels, iterations=3, seed=seed)
    assert len(pairs) == 2 * 3 * len(texts)
    assert Counter(target for _, _, target in pairs) == {1.0: 27, 0.0: 27}
    for first, second, target in pairs:
        assert (label_of[first] == label_of[second]) == (target == 1.0)
        assert first != second
    assert Counter(first for first, _, _ in pairs) == {t: 6 for t in texts}  # every text anchors 2 pairs a round
    assert pairs == setfit.setfit_pairs(texts, labels, iterations=3, seed=seed)
    assert pairs != setfit.setfit_pairs(texts, labels, iterations=3, seed=seed + 1)


def test_setfit_pairs_need_two_labels() -> None:
    with pytest.raises(ValueError, match="two labels"):
        setfit.setfit_pairs(["a", "b"], ["x", "x"], iterations=1, seed=0)


@pytest.mark.parametrize(("tuned", "verdict"), [
    ([0.70], "inconclusive"),
    ([0.70, 0.71, 0.72], "fine-tune"),
    ([0.70, 0.60, 0.72], "keep the frozen encoder"),
    ([0.64, 0.66, 0.65], "keep the frozen encoder"),  # gain 0.01 with sd 0.01: not above twice the spread
])
def test_setfit_recommendation_reads_dev_figures(tuned: list[float], verdict: str) -> None:
    assert setfit.recommend(0.64, tuned).startswith(verdict)


def test_cv_joins_splits_and_counts_the_majority(tmp_path: Path) -> None:
    joined = cv.join_splits(["train", "dev"], tmp_path / "joined.jsonl")
    lines = joined.read_text(encoding="utf-8").splitlines()
    corpus = cv.CORPUS
    expected = sum(len((corpus / f"{s}.jsonl").read_text(encoding="utf-8").splitlines()) for s in ("train", "dev"))
    assert len(lines) == expected and all(json.loads(line)["id"] for line in lines)
    labels = Counter(json.loads(line)["label"] for line in lines)
    top, count = labels.most_common(1)[0]
    name, label, _, accuracy, _, macro_f1, _, _ = cv.majority_row(joined)
    assert (name, label) == ("majority", f"always {top}")
    assert accuracy == pytest.approx(count / len(lines))
    assert macro_f1 == pytest.approx(2 * count / (count + len(lines)) / len(labels))


def test_diag_feature_sets_match_the_pairing_threadlens_builds() -> None:
    import numpy as np

    diag = _script("diag_stance_pairing")
    text, target = np.array([[1.0, 2.0]]), np.array([[3.0, 5.0]])
    widths = {kind: diag.features(kind, text, target).shape[1] for kind in diag.FEATURE_SETS}
    assert widths == {"text": 2, "text+target": 4, "text+product": 4, "text+target+product": 6}
    assert diag.features("text+target+product", text, target).tolist() == [[1.0, 2.0, 3.0, 5.0, 3.0, 10.0]]

    from threadlens.stance.features import EmbeddingFeatures

    class FixedVectors(EmbeddingFeatures):  # the library's pairing, with vectors instead of an encoder
        def embed(self, texts, **_):  # type: ignore[no-untyped-def]
            return np.array([{"a claim": text[0], "a motion": target[0]}[t] for t in texts])

    library = FixedVectors("unused").transform(["a claim"], ["a motion"])
    assert library.tolist() == diag.features("text+target+product", text, target).tolist()


def test_bench_label_sampler_sums_the_workers_memory() -> None:
    """The sampler finds a process's children (forked by any of its threads) and sums their RSS; the PSS counts
    the pages they share once."""
    import subprocess

    sampler = _script("bench_label")
    child = ("import os, time, threading\n"
             "def fork():\n"
             "    if os.fork() == 0:\n"
             "        block = bytearray(120 * 2**20)\n"
             "        block[::4096] = b'x' * len(block[::4096])\n"  # touched: resident
             "        time.sleep(1.5)\n"
             "        os._exit(0)\n"
             "    os.wait()\n"
             "thread = threading.Thread(target=fork)\n"  # forked from a thread other than the main one
             "thread.start(); thread.join()\n")
    process = subprocess.Popen([sys.executable, "-c", child])
    peak = sampler.peak_rss_of(process)
    assert process.returncode == 0
    assert peak["rss"] > 120 * 2**20  # the child's block, plus both interpreters
    if Path("/proc/self/smaps_rollup").exists():
        assert 120 * 2**20 < peak["pss"] <= peak["rss"]
