"""Size and first paint of the HTML report in headless Chromium, for the seed thread and the 1,428-comment
Reddit thread, against a reference page measured in the same run.

Usage: python scripts/bench_report.py [SHARED_DIR] [--runs N] [--model NAME]
       (default: $THREADLENS_SHARED or ../shared; 5 runs; the connections model where installed, else
       connections-lexical)

For each page: the HTML size, the time to build it (analysis and rendering, in this process), and in
Chromium the median over N fresh loads of first paint and first contentful paint
(``performance.getEntriesByType('paint')``), DOMContentLoaded and load (navigation timing), and how long
the page takes to answer two actions: unticking a stance filter (every post re-filtered, layout included)
and clicking a quote's source link (expand, mark the words, scroll). The reference is a page of a few
lines of text with no script: its first paint is the browser's own floor on this machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from chromium import Chromium, missing_reason  # noqa: E402

import threadlens  # noqa: E402
from threadlens.stance.registry import available_models  # noqa: E402
from threadlens.views.html import analyze_for_report, report_html  # noqa: E402

PAINT = """new Promise(done => { const look = () => { const e = performance.getEntriesByType('paint');
  if (e.length >= 2 || (e.length && document.readyState === 'complete' && performance.now() > 3000))
    done(Object.fromEntries(e.map(x => [x.name, x.startTime])));
  else requestAnimationFrame(look); }; look(); })"""
NAVIGATION = """(() => { const n = performance.getEntriesByType('navigation')[0];
  return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, nodes: document.getElementsByTagName('*').length}; })()"""
FILTER = """(() => { const box = document.querySelector('input[name=stance]'); if (!box) return null;
  const t0 = performance.now(); box.click(); document.body.getBoundingClientRect(); const t1 = performance.now();
  box.click(); document.body.getBoundingClientRect(); return t1 - t0; })()"""
QUOTE = """(() => { const links = document.querySelectorAll('a.jump[data-ss]'); if (!links.length) return null;
  const a = links[links.length - 1]; const t0 = performance.now(); a.click();
  document.body.getBoundingClientRect(); return performance.now() - t0; })()"""
REFERENCE = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>reference</title></head>"
             "<body><h1>Reference</h1><p>A few lines of text and nothing else.</p></body></html>")


def measure(browser: Chromium, path: Path, runs: int) -> dict[str, float | None]:
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        browser.open("about:blank")
        browser.open(path)
        values = {**browser.evaluate(PAINT), **browser.evaluate(NAVIGATION)}
        values["filter"] = browser.evaluate(FILTER)
        values["quote"] = browser.evaluate(QUOTE)
        for key, value in values.items():
            if value is not None:
                samples.setdefault(key, []).append(float(value))
    return {key: statistics.median(values) for key, values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shared", nargs="?", default=os.environ.get("THREADLENS_SHARED", str(ROOT.parent / "shared")))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    reason = missing_reason()
    if reason:
        print(f"skipped: {reason}")
        return 0
    model = args.model or ("connections" if "connections" in available_models() else "connections-lexical")
    inputs = {"seed (13 posts)": ROOT / "corpora" / "seed-thread.txt",
              "reddit (1,429 posts)": Path(args.shared) / "data/reddit/praw-thread/thread_n49rw.jsonl"}
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        pages = {"reference": Path(folder) / "reference.html"}
        pages["reference"].write_text(REFERENCE, encoding="utf-8")
        built: dict[str, tuple[int, float, float]] = {"reference": (len(REFERENCE), 0.0, 0.0)}
        for name, source in inputs.items():
            if not source.exists():
                print(f"{name}: {source} not found, left out")
                continue
            t0 = time.perf_counter()
            (report,) = analyze_for_report(threadlens.read_threads(source), model=model)
            t1 = time.perf_counter()
            html = report_html(report)
            t2 = time.perf_counter()
            pages[name] = Path(folder) / f"{len(pages)}.html"
            pages[name].write_text(html, encoding="utf-8")
            built[name] = (len(html.encode("utf-8")), t1 - t0, t2 - t1)
        with Chromium(width=1000, height=900) as browser:
            browser.open(pages["reference"])  # warm the browser up once
            results = {name: measure(browser, path, args.runs) for name, path in pages.items()}
    reference = results["reference"].get("first-contentful-paint") or results["reference"]["first-paint"]
    print(f"model {model}; median of {args.runs} loads in headless Chromium; times in ms")
    print(f"{'page':22} {'HTML':>9} {'analyse':>8} {'render':>7} {'FP':>6} {'FCP':>6} {'xref':>5} {'DCL':>6} "
          f"{'load':>6} {'nodes':>6} {'filter':>7} {'quote':>6}")
    for name, m in results.items():
        size, analyse, render = built[name]
        fcp = m.get("first-contentful-paint", m.get("first-paint", 0.0))
        filt = f"{m['filter']:7.1f}" if "filter" in m else f"{'-':>7}"
        quote = f"{m['quote']:6.1f}" if "quote" in m else f"{'-':>6}"
        print(f"{name:22} {size / 1e6:7.3f}MB {analyse * 1000:8.0f} {render * 1000:7.0f} {m.get('first-paint', 0):6.0f} "
              f"{fcp:6.0f} {fcp / reference:5.1f} {m['dcl']:6.0f} {m['load']:6.0f} {m['nodes']:6.0f} {filt} {quote}")
    reddit = results.get("reddit (1,429 posts)")
    if reddit is not None:
        size = built["reddit (1,429 posts)"][0]
        fcp = reddit.get("first-contentful-paint", reddit.get("first-paint", 0.0))
        ok = size < 2_000_000 and fcp < 2000
        print(f"acceptance (Reddit thread: HTML < 2 MB, first paint < 2 s): {'met' if ok else 'NOT met'} "
              f"({size / 1e6:.2f} MB, {fcp / 1000:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
