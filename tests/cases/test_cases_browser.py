"""A generated case page in headless Chromium: no console errors, timeline, labs, questions, reveal works.

Needs Debian's ``chromium`` (``.ci/run`` installs it when absent); skips with the reason otherwise.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")

#: appended to a copy of the page: records errors, clicks the first "Show answer", reports what it saw
PROBE = """
<script>
(function () {
  var errors = [];
  window.addEventListener("error", function (e) { errors.push(String(e.message)); });
  var answer = document.querySelector(".answer");
  var timeline = document.querySelector("#timeline");
  var before = answer ? answer.hidden : null;
  var button = document.querySelector("button.reveal");
  if (button) { button.click(); }
  var result = {
    errors: errors,
    timeline: !!document.querySelector("#timeline svg"),
    labs_rows: document.querySelectorAll("#labs tbody tr").length,
    questions: document.querySelectorAll("#questions li.question").length,
    hidden_before: before,
    hidden_after: answer ? answer.hidden : null,
    expanded: button ? button.getAttribute("aria-expanded") : null,
    h1: document.querySelectorAll("h1").length,
    svg_label: timeline ? timeline.getAttribute("aria-label") : ""
  };
  var pre = document.createElement("pre");
  pre.id = "probe-result";
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
})();
</script>
"""


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    return subprocess.run([CHROMIUM, *FLAGS, *args], capture_output=True, text=True, timeout=180, check=False)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)]


def test_case_page_in_chromium(case_set: tuple[Path, list[Any]], tmp_path: Path) -> None:
    out, cases = case_set
    page = out / f"{cases[0]['slug']}.html"
    shot = tmp_path / "case.png"
    run = _chromium("--window-size=1200,3000", f"--screenshot={shot}", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000, run.stderr[-2000:]
    assert _console_errors(run.stderr) == []

    probe = tmp_path / page.name
    probe.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    run = _chromium("--dump-dom", probe.as_uri())
    assert _console_errors(run.stderr) == []
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', run.stdout, re.S)
    assert found, run.stdout[-2000:] + run.stderr[-2000:]
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert result["errors"] == []
    assert result["timeline"] and result["svg_label"].startswith("Timeline from")
    assert result["labs_rows"] >= 1
    assert result["questions"] == len(cases[0]["questions"]) >= 1
    assert result["hidden_before"] is True and result["hidden_after"] is False
    assert result["expanded"] == "true"
    assert result["h1"] == 1


def test_a_broken_page_is_caught(case_set: tuple[Path, list[Any]], tmp_path: Path) -> None:
    """The console check can fail: a script error in the page shows up."""
    out, cases = case_set
    page = tmp_path / "broken.html"
    page.write_text(
        (out / f"{cases[0]['slug']}.html").read_text().replace("</body>", "<script>nosuch();</script></body>")
    )
    run = _chromium("--dump-dom", page.as_uri())
    assert _console_errors(run.stderr), run.stderr[-2000:]
