"""From an input to files: read a thread (and analyse it) or a labelled corpus, and write the report.

One thread goes to one self-contained ``.html`` file; any number of threads go to a directory with an
overview (``index.html``) and one page per thread (``thread-0001-<name>.html`` beside it). Files are written under
a temporary name and renamed into place, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...analysis import ThreadAnalysis
from ...errors import InputError
from .model import ReportThread, from_analysis
from .overview import overview_page
from .page import thread_page
from .records import looks_labelled, read_labelled

__all__ = ["LABELS_FORMAT", "report_threads", "analyze_for_report", "report_html", "overview_html", "report_pages", "write_report",
           "check_report_output", "WrittenReport"]

#: The ``input_format`` that forces reading labelled records (``threadlens label`` output).
LABELS_FORMAT = "labels"
_PROBE = 65536


@dataclass(frozen=True, slots=True)
class WrittenReport:
    """What :func:`write_report` wrote: the path to open, how many pages, threads and posts."""

    path: Path
    pages: int
    threads: int
    posts: int

    def summary(self) -> str:
        pages = f"{self.pages} page{'s' * (self.pages != 1)}"
        return f"wrote {pages} ({self.threads} thread{'s' * (self.threads != 1)}, {self.posts} posts); open {self.path}"


def _as_report(thread: ThreadAnalysis | ReportThread) -> ReportThread:
    return thread if isinstance(thread, ReportThread) else from_analysis(thread)


def report_html(thread: ThreadAnalysis | ReportThread) -> str:
    """The self-contained HTML page of one thread (an analysis from :func:`threadlens.analyze`)."""
    return thread_page(_as_report(thread))


def overview_html(threads: Sequence[ThreadAnalysis | ReportThread], links: Sequence[str], *,
                  title: str | None = None) -> str:
    """The overview page of several threads; ``links[i]`` is the address of the page of ``threads[i]``."""
    return overview_page([_as_report(t) for t in threads], links, title=title)


def report_pages(threads: Sequence[ThreadAnalysis | ReportThread], *, title: str | None = None) -> dict[str, str]:
    """Every page of a multi-thread report by relative path: ``index.html`` and ``thread-NNNN-name.html``."""
    report = [_as_report(t) for t in threads]
    names = [f"thread-{i + 1:04d}-{_slug(t.name)}.html" for i, t in enumerate(report)]
    pages = {"index.html": overview_page(report, names, title=title)}
    for name, thread in zip(names, report):
        pages[name] = thread_page(thread, back=("index.html", "← all threads"))
    return pages


def report_threads(source: Any, *, input_format: str | None = None, stance: bool = True,
                   model: str | os.PathLike[str] | None = None) -> list[ReportThread]:
    """What a report shows for ``source``: labelled records (``threadlens label`` output: JSONL, CSV,
    Parquet) as they are, or threads in any input format, analysed here (quotes, and stance with
    ``model`` unless ``stance=False``). ``input_format="labels"`` forces records; a reader name forces
    that reader."""
    from ...readers import read_threads

    data: bytes | None = None
    name = str(source)
    if source == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    if input_format == LABELS_FORMAT or (input_format is None and _is_labelled(source, data)):
        return read_labelled(data if data is not None else source, name=name)
    threads = read_threads(data if data is not None else source, format=input_format)
    return analyze_for_report(threads, stance=stance, model=model)


def analyze_for_report(threads: Sequence[Any], *, stance: bool = True,
                       model: str | os.PathLike[str] | None = None) -> list[ReportThread]:
    """Analyse threads and name the stance model (with its version) in their report model."""
    from ...analysis import analyze_threads

    labeler: Any = False
    label = None
    if stance:
        from ...stance.labeling import default_labeler

        labeler = default_labeler(model)
        label = f"{labeler.model_name} {labeler.model_version}"
    return [from_analysis(a, model=label) for a in analyze_threads(threads, stance=labeler)]


def _is_labelled(source: Any, data: bytes | None) -> bool:
    if data is not None:
        return looks_labelled(data[:_PROBE])
    if not isinstance(source, (str, os.PathLike)) or not os.path.isfile(source):
        return False
    name = os.fspath(source)
    if name.lower().endswith(".parquet"):
        return True
    try:
        with open(name, "rb") as stream:
            head = stream.read(_PROBE)
    except OSError:
        return False
    return looks_labelled(head, name=name)


def check_report_output(destination: str | os.PathLike[str], *, overwrite: bool = False) -> bool:
    """Check ``destination`` can be written; True when it is a single page (a name ending in .html or .htm),
    False for a directory. Raises InputError when it exists (without ``overwrite``) or its folder is missing."""
    from ...writers._files import check_target

    path = Path(destination)
    single = path.suffix.lower() in (".html", ".htm")
    check_target(path, overwrite=overwrite, directory=not single)
    return single


def write_report(threads: Sequence[ThreadAnalysis | ReportThread], destination: str | os.PathLike[str], *,
                 overwrite: bool = False, title: str | None = None) -> WrittenReport:
    """Write the report: one page at ``destination`` when it ends in ``.html`` (one thread only), else a
    directory with ``index.html`` and one page per thread. An existing output is replaced only with
    ``overwrite``."""
    from ...writers._files import atomic_directory, atomic_file

    report = [_as_report(t) for t in threads]
    path = Path(destination)
    single = check_report_output(path, overwrite=overwrite)
    posts = sum(len(t.posts) for t in report)
    if not report:
        raise InputError("holds no threads to report on", source=str(path))
    if single:
        if len(report) != 1:
            raise InputError(f"is one page, but the input holds {len(report)} threads; give a directory (a name "
                             "without .html) for an overview and one page per thread", source=str(path))
        html = thread_page(report[0])
        with atomic_file(path, overwrite=overwrite) as stream:
            stream.write(_safe(html))
        return WrittenReport(path=path, pages=1, threads=1, posts=posts)
    pages = report_pages(report, title=title)
    with atomic_directory(path, overwrite=overwrite) as folder:
        for name, html in pages.items():
            (folder / name).write_bytes(_safe(html).encode("utf-8"))
    return WrittenReport(path=path / "index.html", pages=len(pages), threads=len(report), posts=posts)


def _safe(html: str) -> str:
    """Lone surrogates (from JSON escapes) can't be encoded: each becomes U+FFFD, one code unit as before."""
    try:
        html.encode("utf-8")
    except UnicodeEncodeError:
        return re.sub("[\ud800-\udfff]", "\ufffd", html)
    return html


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:40].strip("-").lower() or "thread"
