"""The HTML report: a self-contained page per thread, and an overview of a labelled corpus.

>>> import threadlens
>>> from threadlens.views.html import report_html, write_report
>>> analysis = threadlens.analyze("thread.txt", model="connections-lexical")  # doctest: +SKIP
>>> html = report_html(analysis)                       # one page, CSS and JS inline  # doctest: +SKIP
>>> write_report([analysis], "report.html")            # or a directory for many threads  # doctest: +SKIP

Pages load nothing from the network and show post text as text (never as markup or script).
"""

from .model import ReportPost, ReportThread, from_analysis
from .records import LABELLED_FIELDS, looks_labelled, read_labelled, threads_from_records
from .site import (LABELS_FORMAT, WrittenReport, analyze_for_report, check_report_output, overview_html,
                   report_html, report_pages, report_threads, write_report)

__all__ = ["report_html", "overview_html", "report_pages", "write_report", "check_report_output", "WrittenReport",
           "report_threads", "analyze_for_report", "read_labelled", "threads_from_records", "looks_labelled",
           "LABELLED_FIELDS", "LABELS_FORMAT", "ReportThread", "ReportPost", "from_analysis"]
