"""The README's screenshot: the seed thread's report in headless Chromium, a quote's source link clicked.

Usage: python scripts/screenshot_report.py [OUT]   (default: docs/report-seed.png; the connections model
       where installed, else connections-lexical)

The page is 900 px wide; the PNG is reduced to a 128-colour palette to stay small.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from chromium import Chromium, missing_reason  # noqa: E402

import threadlens  # noqa: E402
from threadlens.stance.registry import available_models  # noqa: E402
from threadlens.views.html import analyze_for_report, report_html  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "report-seed.png"
    reason = missing_reason()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 2
    from PIL import Image

    model = "connections" if "connections" in available_models() else "connections-lexical"
    (report,) = analyze_for_report(threadlens.read_threads(ROOT / "corpora" / "seed-thread.txt"), model=model)
    with tempfile.TemporaryDirectory(prefix="screenshot-") as folder:
        page = Path(folder) / "seed.html"
        page.write_text(report_html(report), encoding="utf-8")
        with Chromium(width=900, height=1150) as browser:
            browser.open(page)
            browser.click("a.jump[data-ss]")
            browser.evaluate("window.scrollTo(0, 0)")
            png = browser.screenshot()
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    image.save(out, format="PNG", optimize=True)
    print(f"wrote {out} ({out.stat().st_size // 1024} KB, model {model})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
