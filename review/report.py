"""The staff report: one self-contained HTML page of figures with bar charts.

No script and no outside file: the charts are inline SVG, so the page opens
from disk, from a mail attachment or offline. Staff-facing text is Chinese,
in ``texts.yml``; the markup stays here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from review import TEXTS
from review.analysis import CHINA_TIME, Figures
from tickets.models import TicketStatus
from tickets.staff import status_label

BAR_HEIGHT = 22
LABEL_WIDTH = 190
BAR_WIDTH = 420
TOP_LABELS = 15
# Ticket status values and their names on the page: the names staff see in
# `python -m tickets` (tickets/texts.yml).
STATUS_NAMES = {status.value: status_label(status) for status in TicketStatus}


@dataclass(frozen=True)
class TicketFigures:
    """Appeals by status and handoff requests, from the ticket database."""

    appeals_by_status: dict[str, int]
    handoffs: int


def bar_chart(chart_id: str, title: str, items: Sequence[tuple[str, float]], unit: str = "") -> str:
    """A horizontal bar chart as an inline SVG figure; an empty list says so."""
    caption = f"<figcaption>{html.escape(title)}</figcaption>"
    if not items:
        empty = html.escape(TEXTS("chart_empty"))
        return f'<figure class="chart empty" id="{chart_id}">{caption}<p class="none">{empty}</p></figure>'
    largest = max(value for _, value in items) or 1
    height = BAR_HEIGHT * len(items) + 8
    rows = []
    for index, (label, value) in enumerate(items):
        y = index * BAR_HEIGHT + 4
        width = max(2.0, BAR_WIDTH * value / largest)
        shown = f"{value:.1%}" if unit == "%" else f"{value:g}"
        rows.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{html.escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT - 6}" rx="3"/>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 15}" class="value">{shown}</text>'
        )
    svg = (
        f'<svg role="img" aria-label="{html.escape(title)}" width="{LABEL_WIDTH + BAR_WIDTH + 80}" '
        f'height="{height}" viewBox="0 0 {LABEL_WIDTH + BAR_WIDTH + 80} {height}">{"".join(rows)}</svg>'
    )
    return f'<figure class="chart" id="{chart_id}">{caption}{svg}</figure>'


STYLE = """
body{font-family:"WenQuanYi Zen Hei","Noto Sans CJK SC","PingFang SC",sans-serif;
margin:2em auto;max-width:760px;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
.chart{margin:1em 0}.chart figcaption{font-weight:bold;margin-bottom:.4em}
.chart rect{fill:#1677ff}.chart text{font-size:13px}.chart .value{fill:#555}
.none{color:#888}.summary td{padding:.2em 1em .2em 0}
"""


def _heading(text: str) -> str:
    return f"<h2>{html.escape(text)}</h2>"


def _note(text: str) -> str:
    return f'<p class="none">{html.escape(text)}</p>'


def render(
    figures: Figures,
    tickets: TicketFigures | None,
    cause_labels: dict[str, str],
    period: str,
    generated: datetime | None = None,
) -> str:
    """The whole page.

    Args:
        figures: Counts over the conversations of the period.
        tickets: Appeals and handoffs, or None when the ticket database was
            unavailable (the page says so).
        cause_labels: Cause id -> Chinese label.
        period: What the figures cover, e.g. "最近 30 天".
        generated: When the report was made (now by default).
    """
    when = (generated or datetime.now(CHINA_TIME)).astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")
    days = sorted(figures.conversations_per_day)
    charts = [
        _heading(TEXTS("heading_volume")),
        bar_chart(
            "conversations-per-day",
            TEXTS("chart_conversations_per_day"),
            [(d, figures.conversations_per_day[d]) for d in days],
        ),
        bar_chart("turns-per-day", TEXTS("chart_turns_per_day"), [(d, figures.turns_per_day[d]) for d in days]),
        _heading(TEXTS("heading_topics")),
        bar_chart("labels", TEXTS("chart_labels", count=TOP_LABELS), figures.labels.most_common(TOP_LABELS)),
        _heading(TEXTS("heading_misses")),
        bar_chart(
            "miss-rates",
            TEXTS("chart_miss_rates"),
            [(TEXTS("miss_fallback"), figures.fallback_rate), (TEXTS("miss_suggested"), figures.suggestion_rate)],
            unit="%",
        ),
        _heading(TEXTS("heading_diagnoses")),
        bar_chart(
            "diagnoses",
            TEXTS("chart_diagnoses"),
            [
                (TEXTS("bar_diagnoses_started"), figures.diagnoses_started),
                (TEXTS("bar_diagnoses_explained"), figures.diagnoses_explained),
            ],
        ),
        bar_chart(
            "causes",
            TEXTS("chart_causes"),
            [(cause_labels.get(cause, cause), n) for cause, n in figures.first_causes.most_common()],
        ),
        _heading(TEXTS("heading_tickets")),
    ]
    if tickets is None:
        charts.append(_note(TEXTS("tickets_unavailable_in_report")))
    else:
        appeals = [(STATUS_NAMES.get(s, s), n) for s, n in sorted(tickets.appeals_by_status.items())]
        charts.append(bar_chart("appeals", TEXTS("chart_appeals"), appeals))
        handoffs = [(TEXTS("bar_handoffs"), tickets.handoffs)] if tickets.handoffs else []
        charts.append(bar_chart("handoffs", TEXTS("chart_handoffs"), handoffs))
    rows = [
        (TEXTS("summary_period"), period),
        (TEXTS("summary_conversations"), str(sum(figures.conversations_per_day.values()))),
        (TEXTS("summary_turns"), str(figures.turns)),
        (TEXTS("summary_generated"), TEXTS("generated_at", time=when)),
    ]
    summary = (
        '<table class="summary">'
        + "".join(f"<tr><td>{html.escape(name)}</td><td>{html.escape(value)}</td></tr>" for name, value in rows)
        + "</table>"
    )
    title = html.escape(TEXTS("page_title"))
    footnote = _note(TEXTS("footnote"))
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{STYLE}</style></head><body>"
        f"<h1>{title}</h1>{summary}{''.join(charts)}"
        f"{footnote}</body></html>"
    )
