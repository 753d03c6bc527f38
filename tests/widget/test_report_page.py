"""The staff report opens in Chromium with its charts drawn (review/report.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from review.analysis import figures
from review.report import TicketFigures, render
from tests.review.events import action, answered, fell_back

pytestmark = pytest.mark.integration

CONVERSATIONS = {
    "a": answered("借呗怎么还款", "faq/repayment", 0) + fell_back("钱的事", 10, suggested=True),
    "b": answered("为什么开不了借呗", "ask_why_cannot_open", 86400)
    + [action("action_start_diagnosis", 86401), action("action_explain_diagnosis", 86460)]
    + [{"event": "slot", "name": "diagnosis_result", "value": {"causes": ["HIGH_DEBT"]}}],
}
CHARTS = (
    *("conversations-per-day", "turns-per-day", "labels", "miss-rates"),
    *("diagnoses", "causes", "appeals", "handoffs"),
)


def test_every_chart_of_the_report_is_drawn(page_factory: Any, tmp_path: Path, artifacts_dir: Path) -> None:
    page_file = tmp_path / "report.html"
    tickets = TicketFigures({"submitted": 2, "resolved": 1}, handoffs=3)
    page_file.write_text(render(figures(CONVERSATIONS), tickets, {"HIGH_DEBT": "负债偏高"}, "最近 30 天"), "utf-8")
    dialogs: list[str] = []

    page = page_factory(page_file.as_uri(), dialogs)

    assert page.locator("h1").inner_text() == "借呗助手运营报告"
    for chart in CHARTS:
        figure = page.locator(f"#{chart}")
        assert figure.locator("figcaption").inner_text()
        bars = figure.locator("svg rect")
        assert bars.count() >= 1, chart
        for index in range(bars.count()):
            box = bars.nth(index).bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0, chart
    assert "负债偏高" in page.locator("#causes").inner_text()
    assert page.locator("#appeals").inner_text().count("待受理") == 1
    assert dialogs == []
    page.screenshot(path=str(artifacts_dir / "staff-report.png"), full_page=True)
