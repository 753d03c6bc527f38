"""Staff command line: ``python -m review --help``.

Exit codes: 0 success, 2 usage error (bad arguments, a tracker store no
command can read), 3 the tracker database unavailable.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from rasa.shared.exceptions import RasaException
from sqlalchemy import exc as sa_exc

from review import analysis, export, report
from review.store import read_conversations
from security.cli import ENDPOINTS_OPTION
from security.retention import RetentionError

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
_SINCE = re.compile(r"^(\d+)\s*([dh])$")


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


def parse_since(text: str) -> float:
    """Seconds of a period written as 7d (days) or 24h (hours)."""
    match = _SINCE.match(text.strip().lower())
    if not match or int(match[1]) == 0:
        raise click.BadParameter(f"“{text}”看不懂，请写成天数或小时数，例如 7d 或 24h")
    return int(match[1]) * (86400 if match[2] == "d" else 3600)


def since_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--since", default=default, show_default=True, help="How far back: 7d (days) or 24h (hours).")


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except (RetentionError, RasaException) as error:
        _fail(f"读不到对话记录：{error}", EXIT_USAGE)
    except sa_exc.OperationalError as error:
        _fail(f"对话数据库暂时无法连接（{type(error.orig).__name__}），请稍后再试", EXIT_UNAVAILABLE)


def _conversations(endpoints: str, since: str) -> dict[str, list[dict]]:
    start = time.time() - parse_since(since)
    click.echo(f"正在读取 {endpoints} 的对话记录（最近 {since}）…", err=True)
    with _errors():
        conversations = read_conversations(endpoints, start)
    click.echo(f"共 {len(conversations)} 个对话。", err=True)
    return conversations


@click.group()
def cli() -> None:
    """Find what the assistant did not answer well, and report how it is doing.

    Conversations come from the tracker store of the endpoints file
    (--endpoints); tickets and handoffs from DATABASE_URL.
    """


@cli.command("unanswered")
@since_option("7d")
@ENDPOINTS_OPTION
@click.option(
    "--export",
    "export_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the groups as an FAQ spreadsheet (CSV, UTF-8 with BOM) for faqtool.",
)
@click.option("--limit", default=20, show_default=True, help="How many groups to list.")
def unanswered_command(since: str, endpoints: str, export_path: Path | None, limit: int) -> None:
    """List the questions the assistant did not answer well, similar ones grouped, most asked first."""
    conversations = _conversations(endpoints, since)
    questions = [
        question
        for sender_id, events in conversations.items()
        for question in analysis.unanswered(analysis.turns_of(sender_id, events))
    ]
    groups = analysis.group(questions)
    if not groups:
        click.echo("这段时间没有没答好的问题。")
    else:
        reasons = Counter(export.MISS_NAMES[q.miss] for q in questions)
        summary = "，".join(f"{name} {count}" for name, count in reasons.most_common())
        click.echo(f"没答好的问题 {len(questions)} 条（{summary}），归成 {len(groups)} 组：")
        for line in export.listing(groups, limit):
            click.echo(line)
    if export_path is not None:
        export_path.write_bytes(export.spreadsheet(groups))
        click.echo(
            f"已导出到 {export_path}：填好“键”和“答案”（不要的行删掉），" f"再运行 make faq-check FILE={export_path}",
            err=True,
        )


@cli.command("report")
@since_option("30d")
@ENDPOINTS_OPTION
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("results/report.html"),
    show_default=True,
    help="Where to write the HTML page.",
)
def report_command(since: str, endpoints: str, out_path: Path) -> None:
    """Write an HTML page of figures: conversations, topics, misses, diagnoses, appeals, handoffs."""
    conversations = _conversations(endpoints, since)
    figures = analysis.figures(conversations)
    page = report.render(figures, _ticket_figures(), _cause_labels(), f"最近 {since}")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(page, encoding="utf-8")
    click.echo(f"报告已写到 {out_path}")


def _ticket_figures() -> report.TicketFigures | None:
    from tickets import StoreUnavailableError, build_store
    from tickets.config import load_settings

    try:
        store = build_store(load_settings())  # this command's own, not the process-wide store
        by_status = Counter(ticket.status.value for ticket in store.list_all_tickets())
        return report.TicketFigures(dict(by_status), len(store.list_handoffs()))
    except StoreUnavailableError:
        click.echo("工单数据库暂时无法连接，报告里不含申诉和人工转接的数字。", err=True)
        return None


def _cause_labels() -> dict[str, str]:
    from eligibility import load_engine

    return {cause.id: cause.label for cause in load_engine().causes}
