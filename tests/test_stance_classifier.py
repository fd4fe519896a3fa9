"""StanceClassifier: the scikit-learn contract, persistence without pickle, schemes, the shipped models."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from threadlens import ModelError, StanceClassifier
from threadlens.stance import load_scheme
from threadlens.errors import InputError

from conftest import CORPORA

WORTH = [
    "Nobody reads your code; they remember whether you were fun at lunch.",
    "People hire people they like, and that is the whole game.",
    "My manager got promoted because he golfs with the VP, not because he ships.",
    "It's who you know. The referral got me the interview, not the portfolio.",
    "Be pleasant to work with and doors open; brilliance alone keeps them shut.",
    "Trust decides everything, and trust comes from knowing someone for years.",
    "Office politics beat competence every single time I have seen it.",
    "The charming guy with mediocre work got the lead role over the expert.",
]
SKILL = [
    "Be so good they can't ignore you; my offers all came from my open source work.",
    "Results speak. The engineer who fixed the outage got promoted, not the talker.",
    "Nobody cared about my network; they cared that I could debug their kernel.",
    "Skill compounds, and the connections follow once people see what you built.",
    "Track record wins: the surgeon with the best outcomes gets the referrals.",
    "Networking without substance is hollow; deliver and people come to you.",
    "The best chess player wins the tournament, not the most popular one.",
    "My portfolio got me hired; I knew nobody in that city.",
]
NEUTRAL = [
    "What laptop do you use for this?",
    "The article's second chart has the axes swapped.",
    "Does anyone have a link to the original paper?",
    "It rained all week here, so no hiking for me.",
    "Which font is the site using? Looks nice.",
    "Is this the same author who wrote the piece last year?",
    "Off topic, but the coffee machine story made me laugh.",
    "Can someone explain what a staff engineer does day to day?",
]
TEXTS = WORTH + SKILL + NEUTRAL
LABELS = ["worth_connecting"] * 8 + ["skill_matters"] * 8 + ["neutral"] * 8


@pytest.fixture(scope="module")
def lexical() -> StanceClassifier:
    return StanceClassifier(features="lexical", min_df=1, C=10.0, scheme="connections").fit(TEXTS, LABELS)


def test_stance_classifier_fit_returns_self_and_learns_state(lexical: StanceClassifier) -> None:
    fresh = StanceClassifier(features="lexical", min_df=1)
    assert fresh.fit(TEXTS, LABELS) is fresh
    assert list(fresh.classes_) == ["neutral", "skill_matters", "worth_connecting"]
    proba = lexical.predict_proba(TEXTS)
    assert proba.shape == (24, 3) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    assert lexical.predict(TEXTS) == LABELS  # it can at least fit its training data
    assert isinstance(lexical.predict(["Who you know matters."])[0], str)


def test_stance_classifier_not_fitted() -> None:
    with pytest.raises(NotFittedError):
        StanceClassifier(features="lexical").predict(["x"])


@pytest.mark.parametrize("kwargs, y, message", [
    ({"features": "bag"}, LABELS, "features='bag' is not supported"),
    ({"features": "lexical", "min_df": 1}, ["neutral"] * 24, "at least two classes"),
    ({"features": "lexical", "min_df": 1, "scheme": "connections"}, ["yes", "no"] * 12, r"not in scheme 'connections'"),
])
def test_stance_classifier_fit_errors(kwargs: dict, y: list[str], message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=message):
        StanceClassifier(**kwargs).fit(TEXTS, y)


def test_stance_classifier_works_in_sklearn_tools() -> None:
    model = StanceClassifier(features="lexical", min_df=1)
    assert clone(model).get_params() == model.get_params()
    scores = cross_val_score(model, TEXTS, LABELS, cv=3, scoring="accuracy")
    assert scores.shape == (3,) and all(0 <= s <= 1 for s in scores)
    search = GridSearchCV(model, {"C": [1.0, 10.0]}, cv=2).fit(TEXTS, LABELS)
    assert search.best_params_["C"] in (1.0, 10.0)
    pipeline = Pipeline([("lower", FunctionTransformer(lambda xs: [x.lower() for x in xs])), ("stance", model)])
    assert len(pipeline.fit(TEXTS, LABELS).predict(TEXTS[:3])) == 3


def test_stance_classifier_per_target_pairs() -> None:
    pairs = [("remote work", t) for t in TEXTS]
    model = StanceClassifier(features="lexical", min_df=1).fit(pairs, LABELS)
    assert len(model.predict(pairs[:2])) == 2
    assert model.paired_
    with pytest.raises(ValueError, match="trained on \\(target, text\\) pairs"):
        model.predict(TEXTS[:2])


def test_stance_classifier_round_trip(lexical: StanceClassifier, tmp_path: Path) -> None:
    path = lexical.save(tmp_path / "m", card={"name": "m"})
    loaded = StanceClassifier.load(path)
    assert np.allclose(loaded.predict_proba(TEXTS), lexical.predict_proba(TEXTS), atol=1e-6)
    assert loaded.get_params() == lexical.get_params()
    assert loaded.scheme_.name == "connections"
    assert {p.name for p in path.iterdir()} >= {"manifest.json", "config.json", "head-0.safetensors", "card.json"}
    assert not any(p.suffix in (".pkl", ".pickle", ".joblib", ".pt", ".bin") for p in path.iterdir())


def test_stance_classifier_save_refuses_to_overwrite(lexical: StanceClassifier, tmp_path: Path) -> None:
    lexical.save(tmp_path / "m")
    with pytest.raises(ModelError, match="already exists"):
        lexical.save(tmp_path / "m")
    lexical.save(tmp_path / "m", overwrite=True)


def _corrupt(path: Path, name: str, how: str) -> None:
    target = path / name
    data = target.read_bytes()
    if how == "flip":
        target.write_bytes(data[:10] + bytes([data[10] ^ 1]) + data[11:])
    elif how == "truncate":
        target.write_bytes(data[: len(data) // 2])
    elif how == "delete":
        target.unlink()


@pytest.mark.parametrize("name, how, message", [
    ("head-0.safetensors", "flip", "sha256 does not match"),
    ("lexical.json", "truncate", "sha256 does not match"),
    ("config.json", "delete", "config.json is missing"),
    ("manifest.json", "delete", "no manifest.json"),
])
def test_stance_classifier_tampered_model_is_refused(lexical: StanceClassifier, tmp_path: Path, name: str, how: str,
                                                     message: str) -> None:
    path = lexical.save(tmp_path / "m")
    _corrupt(path, name, how)
    with pytest.raises(ModelError, match=message):
        StanceClassifier.load(path)


def test_stance_classifier_newer_format_version_is_refused(lexical: StanceClassifier, tmp_path: Path) -> None:
    path = lexical.save(tmp_path / "m")
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["format_version"] = 99
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="format version 99 is not supported"):
        StanceClassifier.load(path)


def test_stance_classifier_loads_with_pickle_disabled(lexical: StanceClassifier, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = lexical.save(tmp_path / "m")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pickle used while loading a model")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    monkeypatch.setattr(np, "load", refuse)
    assert StanceClassifier.load(path).predict(TEXTS[:2]) == lexical.predict(TEXTS[:2])


def test_stance_schemes_builtin_and_custom(tmp_path: Path) -> None:
    scheme = load_scheme("connections")
    assert scheme.label_names == ["worth_connecting", "skill_matters", "neutral"]
    assert scheme.opposite("worth_connecting") == "skill_matters" and scheme.opposite("neutral") == "neutral"
    custom = tmp_path / "remote.json"
    custom.write_text(json.dumps({"name": "remote", "labels": [{"name": "pro", "description": "for"},
                                                               {"name": "con", "description": "against"}],
                                  "opposites": {"pro": "con", "con": "pro"}}))
    assert load_scheme(custom).label_names == ["pro", "con"]
    custom.write_text(json.dumps({"name": "bad", "labels": ["a"]}))
    with pytest.raises(InputError, match="at least two distinct labels"):
        load_scheme(custom)
    with pytest.raises(InputError, match="unknown scheme 'nope'"):
        load_scheme("nope")


def test_stance_shipped_lexical_model_card_and_sense() -> None:
    model = StanceClassifier.load("connections-lexical")
    card = model.card_
    assert card["training_data"]["train"]["sha256"]
    assert card["test"]["own_words"]["macro_f1"] > 0.6
    assert model.relation_ is not None
    assert model.predict(["What keyboard is that in the photo?"]) == ["neutral"]


def test_stance_unknown_model_name_lists_the_shipped_ones() -> None:
    with pytest.raises(ModelError, match="no such model; pass a model directory or one of: .*connections-lexical"):
        StanceClassifier.load("nope")


def test_stance_corpus_splits_are_disjoint_and_labelled() -> None:
    ids: dict[str, set[str]] = {}
    conversations: dict[str, set[str]] = {}
    for split in ("train", "dev", "test"):
        rows = [json.loads(line) for line in (CORPORA / "connections" / f"{split}.jsonl").read_text().splitlines()]
        ids[split] = {r["id"] for r in rows}
        conversations[split] = {r["conversation_id"] for r in rows}
        assert {r["label"] for r in rows} == {"worth_connecting", "skill_matters", "neutral"}
    assert sum(len(v) for v in ids.values()) >= 900
    assert not (conversations["train"] & conversations["test"]) and not (conversations["dev"] & conversations["test"])
