"""Stance over time as a picture: shares of each label per period (stacked), posts per period below.

Needs matplotlib (``pip install threadlens[plot]``); the format follows the file name (``.png``, ``.svg``,
``.pdf``). The file is written under a temporary name and renamed into place.
"""

from __future__ import annotations

import os
from pathlib import Path

from .._atomic import atomic_path
from ..errors import InputError
from .stats import CorpusStats

__all__ = ["plot_stance_over_time", "PLOT_SUFFIXES"]

PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def plot_stance_over_time(stats: CorpusStats, path: str | os.PathLike[str], *, period: str = "auto",
                          title: str | None = None) -> Path:
    """Draw the stance shares per period of ``stats`` to ``path``; returns the path."""
    target = Path(os.fspath(path))
    if target.suffix.lower() not in PLOT_SUFFIXES:
        raise InputError(f"can't tell the picture format from {target.suffix or 'no suffix'!r}; end the name in "
                         + ", ".join(PLOT_SUFFIXES), source=str(target))
    if not target.parent.is_dir():
        raise InputError(f"can't be written: folder {str(target.parent)!r} does not exist", source=str(target))
    rows = stats.over_time(period)
    if not rows:
        raise InputError("no post has a 'created' time, so there is no stance over time to draw; drop --plot",
                         source=str(target))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("drawing needs matplotlib; install threadlens[plot]", source=str(target)) from None

    keys = [key for key, _ in rows]
    totals = [sum(counts.values()) for _, counts in rows]
    shares = [[counts.get(label, 0) / total if total else 0.0 for (_, counts), total in zip(rows, totals)]
              for label in stats.labels]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True,
                                         gridspec_kw={"height_ratios": [3, 1]})
    positions = list(range(len(keys)))
    if len(keys) > 1:
        top.stackplot(positions, shares, labels=stats.labels, alpha=0.85)
    else:
        bottom_edge = 0.0
        for label, values in zip(stats.labels, shares):
            top.bar(positions, values, bottom=bottom_edge, label=label)
            bottom_edge += values[0]
    top.set_ylim(0, 1)
    top.set_ylabel("share of posts")
    top.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    top.set_title(title or f"Stance by {stats.period(period)} ({stats.posts:,} posts)")
    bottom.bar(positions, totals, color="0.5")
    bottom.set_ylabel("posts")
    step = max(1, len(keys) // 12)
    bottom.set_xticks(positions[::step])
    bottom.set_xticklabels(keys[::step], rotation=45, ha="right")
    figure.tight_layout()
    try:
        with atomic_path(target, suffix=target.suffix) as temporary:
            figure.savefig(temporary, format=target.suffix.lower()[1:], metadata=_metadata(target.suffix.lower()))
    finally:
        plt.close(figure)
    return target


def _metadata(suffix: str) -> dict[str, str | None]:
    # No creation date in the file: the same corpus draws the same bytes.
    if suffix == ".svg":
        return {"Date": None}
    if suffix == ".pdf":
        return {"CreationDate": None}
    return {"Software": None}
