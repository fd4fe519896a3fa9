"""Thread-aware labelling: own words only, context when they say little, reply relations, analyze/CLI output."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import threadlens
from threadlens import Post, StanceClassifier, Thread
from threadlens.cli import app
from threadlens.stance.labeling import StanceLabeler, post_target

from test_stance_classifier import LABELS, TEXTS

REPLIES = ["I'd disagree with this.", "No, that's wrong.", "Exactly right.", "This. So true.",
           "What do you mean by that?", "Interesting, where is that from?"] * 3
TARGETS = [TEXTS[0], TEXTS[9], TEXTS[1], TEXTS[10], TEXTS[2], TEXTS[11]] * 3
RELATIONS = ["disagree", "disagree", "agree", "agree", "neutral", "neutral"] * 3

WORTH_CLAIM = "People hire people they like, and that is the whole game; be fun at lunch."
SKILL_CLAIM = "Results speak. Be so good they can't ignore you; deliver and people come to you."


@pytest.fixture(scope="module")
def model() -> StanceClassifier:
    clf = StanceClassifier(features="lexical", min_df=1, C=10.0, scheme="connections").fit(TEXTS, LABELS)
    return clf.fit_relation(REPLIES, TARGETS, RELATIONS)


def _thread(*posts: tuple[str, str, str | None]) -> Thread:
    return Thread(posts=[Post(id=i, text=t, reply_to=r) for i, t, r in posts], id="t")


def _labelled(model: StanceClassifier, thread: Thread, **kwargs: float) -> threadlens.ThreadAnalysis:
    return threadlens.analyze(thread, stance=StanceLabeler(model, **kwargs))


def test_stance_short_disagreement_flips_the_parents_stance(model: StanceClassifier) -> None:
    result = _labelled(model, _thread(("a", WORTH_CLAIM, None), ("b", "I'd disagree with this.", "a")))
    assert result["a"].stance.label == "worth_connecting"
    assert result["b"].relation is not None and result["b"].relation.to == "a"
    assert result["b"].relation.label == "disagree"
    assert result["b"].stance.label == "skill_matters"


def test_stance_short_agreement_inherits_the_parents_stance(model: StanceClassifier) -> None:
    result = _labelled(model, _thread(("a", SKILL_CLAIM, None), ("b", "Exactly right.", "a")))
    assert result["b"].relation.label == "agree"
    assert result["b"].stance.label == "skill_matters"


def test_stance_without_context_the_own_words_decide(model: StanceClassifier) -> None:
    thread = _thread(("a", WORTH_CLAIM, None), ("b", "I'd disagree with this.", "a"))
    alone = StanceLabeler(model, context_words=0).label(threadlens.analyze(thread, stance=False))
    own = model.predict(["I'd disagree with this."])[0]
    assert alone["b"].stance.label == own


def test_stance_classifies_own_words_not_the_quote(model: StanceClassifier) -> None:
    reply = f"> {WORTH_CLAIM}\n\n{SKILL_CLAIM} My portfolio got me hired; I knew nobody in that city."
    result = _labelled(model, _thread(("a", WORTH_CLAIM, None), ("b", reply, "a")))
    assert result["b"].quotes[0].source == "a"
    assert "be fun at lunch" not in result["b"].reply_text
    assert result["b"].stance.label == "skill_matters"


def test_stance_target_is_the_quoted_post_before_the_parent(model: StanceClassifier) -> None:
    thread = _thread(("a", WORTH_CLAIM, None), ("b", "Some unrelated reply about the weather today.", "a"),
                     ("c", f"> {WORTH_CLAIM}\n\nNo, that's wrong.", "b"))
    result = threadlens.analyze(thread, stance=False)
    assert post_target(result["c"], {p.id: p for p in result}) == "a"
    assert post_target(result["b"], {p.id: p for p in result}) == "a"
    assert post_target(result["a"], {p.id: p for p in result}) is None


def test_stance_quote_only_post_is_neutral_with_uniform_scores(model: StanceClassifier) -> None:
    result = _labelled(model, _thread(("a", WORTH_CLAIM, None), ("b", f"> {WORTH_CLAIM}", "a")))
    assert result["b"].stance.label == "neutral"
    assert np.allclose(list(result["b"].stance.scores.values()), 1 / 3, atol=1e-6)
    assert result["b"].relation is None


def test_stance_scores_are_probabilities_in_scheme_order(model: StanceClassifier) -> None:
    result = _labelled(model, _thread(("a", WORTH_CLAIM, None)))
    stance = result["a"].stance
    assert list(stance.scores) == ["worth_connecting", "skill_matters", "neutral"]
    assert abs(sum(stance.scores.values()) - 1) < 1e-5 and stance.score == max(stance.scores.values())


def test_stance_json_and_summary_through_analyze(model: StanceClassifier) -> None:
    result = _labelled(model, _thread(("a", WORTH_CLAIM, None), ("b", "I'd disagree with this.", "a")))
    data = result.to_dict()
    post = data["posts"][1]
    assert set(post["stance"]) == {"label", "score", "scores"}
    assert post["relation"] == {"to": "a", "label": "disagree", "score": post["relation"]["score"]}
    assert data["posts"][0]["relation"] is None
    assert data["summary"]["stance"]["skill_matters"]["posts"] == 1
    assert sum(v["share"] for v in data["summary"]["stance"].values()) == pytest.approx(1.0, abs=1e-3)


runner = CliRunner()


def test_cli_analyze_with_a_model_path(model: StanceClassifier, tmp_path: Path, seed_path: Path) -> None:
    path = model.save(tmp_path / "tiny")
    result = runner.invoke(app, ["analyze", str(seed_path), "--model", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert all(p["stance"]["label"] in ("worth_connecting", "skill_matters", "neutral") for p in data["posts"])
    assert set(data["summary"]["stance"]) <= {"worth_connecting", "skill_matters", "neutral"}
    text = runner.invoke(app, ["analyze", str(seed_path), "--model", str(path)])
    assert text.exit_code == 0 and "%" in text.stdout.splitlines()[-1]


def test_cli_analyze_refuses_a_broken_model(model: StanceClassifier, tmp_path: Path, seed_path: Path) -> None:
    path = model.save(tmp_path / "tiny")
    (path / "head-0.safetensors").write_bytes(b"not weights")
    result = runner.invoke(app, ["analyze", str(seed_path), "--model", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "sha256 does not match" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_train_and_evaluate(tmp_path: Path) -> None:
    data = tmp_path / "train.csv"
    data.write_text("body,stance\n" + "\n".join(f'"{t}",{l}' for t, l in zip(TEXTS, LABELS)) + "\n")
    out = tmp_path / "model"
    result = runner.invoke(app, ["train", str(data), "-o", str(out), "--features", "lexical", "--C", "10",
                                 "--scheme", "connections"])
    assert result.exit_code == 0, result.output
    assert "saved" in result.stdout and (out / "manifest.json").is_file()
    again = runner.invoke(app, ["train", str(data), "-o", str(out), "--features", "lexical"])
    assert again.exit_code == 2 and "already exists; pass --force" in again.stderr
    evaluated = runner.invoke(app, ["evaluate", str(out), str(data), "--format", "json"])
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.stdout)
    assert report["n"] == 24 and report["accuracy"] == 1.0
    assert report["confusion"]["labels"] == ["worth_connecting", "skill_matters", "neutral"]
    table = runner.invoke(app, ["evaluate", str(out), str(data)])
    assert "macro-F1" in table.stdout and "confusion" in table.stdout
    cv = runner.invoke(app, ["evaluate", str(out), str(data), "--cv", "3", "--format", "json"])
    assert json.loads(cv.stdout)["cross_validation"]["folds"] == 3


def test_cli_train_per_target_tsv(tmp_path: Path) -> None:
    data = tmp_path / "claims.tsv"
    rows = [f"remote work\t{t}\t{'PRO' if l == 'skill_matters' else 'CON'}" for t, l in zip(TEXTS, LABELS)]
    data.write_text("topic\tclaim\tstance\n" + "\n".join(rows) + "\n")
    out = tmp_path / "m"
    result = runner.invoke(app, ["train", str(data), "-o", str(out), "--features", "lexical", "--text-col", "claim",
                                 "--label-col", "stance", "--target-col", "topic", "--C", "1"])
    assert result.exit_code == 0, result.output
    assert StanceClassifier.load(out).paired_


@pytest.mark.parametrize("args, message", [
    (["--text-col", "nope"], "has no column 'nope' for the text; columns: body, stance"),
    (["--label-col", "nope"], "has no column 'nope' for the label"),
])
def test_cli_train_bad_columns(tmp_path: Path, args: list[str], message: str) -> None:
    data = tmp_path / "d.csv"
    data.write_text("body,stance\nhello,a\nworld,b\n")
    result = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m"), "--features", "lexical", *args])
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("rows, args, message", [
    ([("Skill wins.", "skill")] * 6, [], "every example is labelled 'skill'; training needs examples of two labels"),
    ([("Skill wins.", "skill")] * 5 + [("Be liked.", "liked")], [],
     "label(s) 'liked' have one example each; cross-validation needs two of each label at least"),
    # rows with blank texts are skipped (with a warning): one label is left
    ([("   ", "skill"), ("", "liked")] * 4 + [("Skill.", "skill")], [], "every example is labelled 'skill'"),
    ([("!!", "skill"), ("...", "liked"), ("--", "skill"), ("##", "liked")], ["--C", "1"],
     "no word or word pair occurs in 2 or more of the 4 texts: there is nothing to learn from"),
])
def test_cli_train_data_that_cannot_train_is_one_line(tmp_path: Path, rows: list[tuple[str, str]], args: list[str],
                                                      message: str) -> None:
    """Data a classifier can't be trained on is a one-line error naming the file (was: 'internal error')."""
    data = tmp_path / "d.csv"
    data.write_text("text,label\n" + "".join(f'"{t}",{l}\n' for t, l in rows), encoding="utf-8")
    result = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m"), "--features", "lexical", *args])
    assert result.exit_code == 2, result.output
    assert f"error: {data}: {message}" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "m").exists()


def test_cli_train_reads_semicolon_csv(tmp_path: Path) -> None:
    """Spreadsheets where the decimal separator is a comma write CSV with ';'."""
    data = tmp_path / "d.csv"
    data.write_text("body;stance\n" + "".join(f'"{t}";{l}\n' for t, l in zip(TEXTS, LABELS)), encoding="utf-8")
    result = runner.invoke(app, ["train", str(data), "-o", str(tmp_path / "m"), "--features", "lexical", "--C", "10"])
    assert result.exit_code == 0, result.output
    assert "24 examples" in result.stdout


def test_labelled_post_keeps_every_field_as_dataclasses_replace_does() -> None:
    import dataclasses

    from threadlens.analysis import PostAnalysis
    from threadlens.stance.labeling import RelationResult, StanceResult
    from threadlens.thread import Segment

    post = PostAnalysis(post=Post(id="b", text="Yes. > quoted", author="x", reply_to="a"), depth=1,
                        segments=(Segment("reply", 0, 4), Segment("quote", 5, 13, source="a")),
                        duplicate_of="c", thread_id="t")
    stance = StanceResult(label="neutral", score=0.5, scores={"neutral": 0.5})
    relation = RelationResult(to="a", label="agree", score=0.9)
    assert post.labelled(stance, relation) == dataclasses.replace(post, stance=stance, relation=relation)
    # every field but the labels is carried over: a field added later must be added to labelled() too
    carried = {f.name for f in dataclasses.fields(PostAnalysis)} - {"stance", "relation"}
    assert all(getattr(post.labelled(None, None), name) == getattr(post, name) for name in carried)
    assert len(dataclasses.fields(PostAnalysis)) == 7
