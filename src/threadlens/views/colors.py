"""threadlens colours, shared by the HTML report, its charts and displaCy.

The stance colours follow the terminal view (magenta for ``worth_connecting``, cyan for ``skill_matters``,
grey for ``neutral``); labels of other schemes take colours from :data:`EXTRA_COLORS` in order of appearance.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["STANCE_COLORS", "RELATION_COLORS", "SEGMENT_COLORS", "EXTRA_COLORS", "stance_colors"]

STANCE_COLORS: dict[str, str] = {"worth_connecting": "#b3246f", "skill_matters": "#0a7c8c", "neutral": "#6b7280"}
RELATION_COLORS: dict[str, str] = {"agree": "#1a7f37", "disagree": "#cf222e", "neutral": "#8c959f"}
#: Background colours of the segment kinds (quote and reply spans) in displaCy and the HTML report.
SEGMENT_COLORS: dict[str, str] = {"quote": "#f6d365", "reply": "#b8e0d2", "attribution": "#d8d8e8",
                                  "signature": "#e8e0d0", "footer": "#e0e0e0"}
#: Colours for the labels of other stance schemes (colour-blind friendly, distinct from the three above).
EXTRA_COLORS: tuple[str, ...] = ("#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7a5195",
                                 "#8c6d31")


def stance_colors(labels: Iterable[str]) -> dict[str, str]:
    """A colour for every label: the threadlens colour where there is one, else the next extra colour."""
    out: dict[str, str] = {}
    extra = 0
    for label in labels:
        if label in out:
            continue
        if label in STANCE_COLORS:
            out[label] = STANCE_COLORS[label]
        else:
            out[label] = EXTRA_COLORS[extra % len(EXTRA_COLORS)]
            extra += 1
    return out
