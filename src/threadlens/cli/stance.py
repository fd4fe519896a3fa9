"""``threadlens train`` and ``threadlens evaluate``: stance models from labelled data, and their figures."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ._app import app, cli_errors, fail, warn_notices
from ._startup import hide_torch_from_spacy


class Features(str, Enum):
    embedding = "embedding"
    lexical = "lexical"
    hybrid = "hybrid"


class ReportFormat(str, Enum):
    table = "table"
    json = "json"


_DATA_HELP = "Labelled data: CSV, TSV or JSONL (thread-layout JSONL is split into own words and quotes first)."


@app.command()
def train(
    data: Path = typer.Argument(..., metavar="DATA", help=_DATA_HELP),
    output: Path = typer.Option(..., "--output", "-o", help="Directory to write the model to."),
    features: Features = typer.Option(Features.embedding, "--features",
                                      help="Sentence embeddings, TF-IDF, or both (probabilities averaged)."),
    text_col: Optional[str] = typer.Option(None, "--text-col", help="Column of the text (default: text, body, ...)."),
    label_col: Optional[str] = typer.Option(None, "--label-col", help="Column of the label (default: label, stance)."),
    target_col: Optional[str] = typer.Option(None, "--target-col", help="Column of the stance target (per-target data)."),
    group_col: Optional[str] = typer.Option(None, "--group-col",
                                            help="Rows sharing it stay in one CV fold (default: the target)."),
    scheme: Optional[str] = typer.Option(None, "--scheme", help="Scheme name or JSON path (default: from the labels)."),
    c_value: Optional[float] = typer.Option(None, "--C", help="Regularisation of the head (default: chosen by CV)."),
    encoder: str = typer.Option("all-MiniLM-L6-v2", "--encoder", help="Sentence-transformers model name or path."),
    embedding_weight: Optional[float] = typer.Option(None, "--embedding-weight", min=0.0, max=1.0,
                                                     help="hybrid: weight of the embedding part (default: by CV)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing model directory."),
) -> None:
    """Train a stance model on labelled data and save it (JSON + safetensors, no pickle)."""
    hide_torch_from_spacy()
    with cli_errors():
        from .._atomic import check_not_an_input
        from ..stance.training import evaluate, load_labelled, train_model

        check_not_an_input(output, [data])
        if output.exists() and not force:
            raise fail(f"{output}: already exists; pass --force to replace it or choose another directory")
        labelled = load_labelled(data, text_col=text_col, label_col=label_col, target_col=target_col,
                                 group_col=group_col)
        warn_notices([n.message for n in labelled.notices])
        if target_col and features is Features.lexical:
            warn_notices([f"{data}: lexical features read the text only; the target column is not used "
                          "(use --features embedding or hybrid to condition on it)"])
        model, report = train_model(labelled, features=features.value, C=c_value, scheme=scheme, encoder=encoder,
                                    embedding_weight=embedding_weight)
        report["train_fit"] = evaluate(model, labelled).to_dict()
        card = {"name": output.name, "features": features.value, "scheme": model.scheme_.name, "training": report}
        model.save(output, overwrite=force, card=card)
        typer.echo(f"saved {output} ({features.value}, {len(labelled)} examples, C={report['C']}, "
                   f"labels: {', '.join(map(str, model.classes_))})")


@app.command()
def evaluate(
    model: str = typer.Argument(..., metavar="MODEL", help="Model name (e.g. connections) or directory."),
    data: Path = typer.Argument(..., metavar="DATA", help=_DATA_HELP),
    text_col: Optional[str] = typer.Option(None, "--text-col"),
    label_col: Optional[str] = typer.Option(None, "--label-col"),
    target_col: Optional[str] = typer.Option(None, "--target-col"),
    group_col: Optional[str] = typer.Option(None, "--group-col"),
    cv: Optional[int] = typer.Option(None, "--cv", min=2, help="Cross-validate the model's settings on DATA with K folds."),
    output_format: ReportFormat = typer.Option(ReportFormat.table, "--format", "-f"),
) -> None:
    """Accuracy, macro-F1, per-class P/R/F1 and confusion matrix of MODEL on DATA."""
    hide_torch_from_spacy()
    with cli_errors():
        from ..stance.classifier import StanceClassifier
        from ..stance.training import cross_validate, evaluate as evaluate_model, load_labelled

        classifier = StanceClassifier.load(model)
        labelled = load_labelled(data, text_col=text_col, label_col=label_col, target_col=target_col,
                                 group_col=group_col)
        warn_notices([n.message for n in labelled.notices])
        if cv:
            result = {"cross_validation": cross_validate(classifier.get_params(), labelled, folds=cv)}
        else:
            result = evaluate_model(classifier, labelled).to_dict()
        if output_format is ReportFormat.json:
            sys.stdout.write(json.dumps(result, indent=1) + "\n")
        else:
            sys.stdout.write(_table(result))


def _table(result: dict) -> str:  # type: ignore[type-arg]
    if "cross_validation" in result:
        cv = result["cross_validation"]
        return (f"{cv['folds']}-fold cross-validation: accuracy {cv['accuracy']:.3f} ± {cv['accuracy_std']:.3f}, "
                f"macro-F1 {cv['macro_f1']:.3f} ± {cv['macro_f1_std']:.3f}\n")
    lines = [f"n={result['n']}  accuracy {result['accuracy']:.3f}  macro-F1 {result['macro_f1']:.3f}", "",
             f"{'label':20} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for label, m in result["per_class"].items():
        lines.append(f"{label:20} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f} {m['support']:8d}")
    labels = result["confusion"]["labels"]
    width = max(8, *(len(l) for l in labels))
    lines += ["", "confusion (rows: true, columns: predicted)", " " * (width + 1) + " ".join(f"{l[:width]:>{width}}" for l in labels)]
    for label, row in zip(labels, result["confusion"]["matrix"]):
        lines.append(f"{label[:width]:>{width}} " + " ".join(f"{v:>{width}}" for v in row))
    if "relation" in result:
        rel = result["relation"]
        lines += ["", f"relation (n={rel['n']}): accuracy {rel['accuracy']:.3f}  macro-F1 {rel['macro_f1']:.3f}"]
    return "\n".join(lines) + "\n"
