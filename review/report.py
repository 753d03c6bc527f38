"""The staff report: one self-contained HTML page of figures with bar charts.

No script and no outside file: the charts are inline SVG, so the page opens
from disk, from a mail attachment or offline. Staff-facing text is Chinese.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from review.analysis import CHINA_TIME, Figures

BAR_HEIGHT = 22
LABEL_WIDTH = 190
BAR_WIDTH = 420
TOP_LABELS = 15
STATUS_NAMES = {"submitted": "已提交", "in_review": "复核中", "resolved": "已处理"}


@dataclass(frozen=True)
class TicketFigures:
    """Appeals by status and handoff requests, from the ticket database."""

    appeals_by_status: dict[str, int]
    handoffs: int


def bar_chart(chart_id: str, title: str, items: Sequence[tuple[str, float]], unit: str = "") -> str:
    """A horizontal bar chart as an inline SVG figure; an empty list says so."""
    caption = f"<figcaption>{html.escape(title)}</figcaption>"
    if not items:
        return f'<figure class="chart empty" id="{chart_id}">{caption}<p class="none">暂无数据</p></figure>'
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
        "<h2>对话量</h2>",
        bar_chart("conversations-per-day", "每天的对话数", [(d, figures.conversations_per_day[d]) for d in days]),
        bar_chart("turns-per-day", "每天的用户消息数", [(d, figures.turns_per_day[d]) for d in days]),
        "<h2>用户问什么</h2>",
        bar_chart("labels", f"问题类型（意图与 FAQ，前 {TOP_LABELS} 个）", figures.labels.most_common(TOP_LABELS)),
        "<h2>没答好的比例</h2>",
        bar_chart(
            "miss-rates",
            "没听懂与“猜您想问”占用户消息的比例",
            [("没听懂", figures.fallback_rate), ("猜您想问", figures.suggestion_rate)],
            unit="%",
        ),
        "<h2>诊断</h2>",
        bar_chart(
            "diagnoses",
            "诊断开始与完成（给出原因）的次数",
            [("开始", figures.diagnoses_started), ("完成", figures.diagnoses_explained)],
        ),
        bar_chart(
            "causes",
            "排在第一位的原因",
            [(cause_labels.get(cause, cause), n) for cause, n in figures.first_causes.most_common()],
        ),
        "<h2>申诉与人工</h2>",
    ]
    if tickets is None:
        charts.append('<p class="none">工单数据库暂时无法连接，申诉和人工转接的数字没有列出。</p>')
    else:
        appeals = [(STATUS_NAMES.get(s, s), n) for s, n in sorted(tickets.appeals_by_status.items())]
        charts.append(bar_chart("appeals", "申诉单（按状态）", appeals))
        charts.append(bar_chart("handoffs", "人工转接登记", [("登记数", tickets.handoffs)] if tickets.handoffs else []))
    summary = (
        '<table class="summary">'
        f"<tr><td>统计范围</td><td>{html.escape(period)}</td></tr>"
        f"<tr><td>对话</td><td>{sum(figures.conversations_per_day.values())}</td></tr>"
        f"<tr><td>用户消息</td><td>{figures.turns}</td></tr>"
        f"<tr><td>生成时间</td><td>{when}（北京时间）</td></tr></table>"
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>借呗助手运营报告</title><style>{STYLE}</style></head><body>"
        f"<h1>借呗助手运营报告</h1>{summary}{''.join(charts)}"
        '<p class="none">文字已在保存前隐去手机号、证件号等个人信息；数字来自对话存储和工单数据库。</p>'
        "</body></html>"
    )
