"""report.html as a reader opens it: in headless Chromium, offline, without console errors.

``make test`` installs Debian's Chromium and points ``LLMNAV_CHROMIUM`` at it;
run alone without a browser, the test is skipped and says why.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from llmnav.analyze import analyze

DATA = Path(__file__).parents[1] / "data"
CHROMIUM = os.environ.get("LLMNAV_CHROMIUM") or shutil.which("chromium") or ""


@pytest.mark.skipif(
    not Path(CHROMIUM).is_file(), reason="Chromium not installed (make test installs it)"
)
def test_report_renders_in_headless_chromium_without_console_errors(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    inputs = [DATA / "orchestration" / "sessions", DATA / "scoring" / "reference-cases.jsonl"]
    result = analyze(inputs, tmp_path / "out", workers=1)
    report = result.out_dir / "report.html"
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.resolve().as_uri())
        headings = page.locator("h2").all_inner_texts()
        triage = page.locator("table").first.inner_text()
        charts = page.locator("svg").count()
        browser.close()
    assert problems == []
    assert all(url.startswith("file://") for url in requests), requests
    assert any("Triage" in h for h in headings) and any("matrix heatmaps" in h for h in headings)
    assert "op-espionage" in triage
    assert charts >= 5
