"""Staff command line: ``python -m review --help``.

Exit codes: 0 success, 2 usage error (bad arguments, a tracker store no
command can read), 3 the tracker database unavailable. What it prints is
Chinese, in ``texts.yml``.
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

from review import TEXTS, analysis, export, report
from review.store import read_conversations
from security.cli import ENDPOINTS_OPTION
from security.retention import RetentionError
from stafftext import CONTEXT_SETTINGS, LIST_SEPARATOR, StaffGroup

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
_SINCE = re.compile(r"^(\d+)\s*([dh])$")
# Click's own --help says "Show this message and exit."; every command uses this one.


def _fail(message: str, code: int) -> NoReturn:
    click.echo(TEXTS("error", message=message), err=True)
    sys.exit(code)


def _since_parts(text: str) -> tuple[int, str]:
    match = _SINCE.match(text.strip().lower())
    if not match or int(match[1]) == 0:
        _fail(TEXTS("since_unreadable", text=text), EXIT_USAGE)
    return int(match[1]), match[2]


def parse_since(text: str) -> float:
    """Seconds of a period written as 7d (days) or 24h (hours)."""
    count, unit = _since_parts(text)
    return count * (86400 if unit == "d" else 3600)


def describe_since(text: str) -> str:
    """A period written as 7d or 24h, as staff read it ("最近 7 天")."""
    count, unit = _since_parts(text)
    return TEXTS("period_days", count=count) if unit == "d" else TEXTS("period_hours", count=count)


def since_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--since", default=default, show_default=True, help=TEXTS("since_help"))


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except (RetentionError, RasaException) as error:
        _fail(TEXTS("conversations_unreadable", error=error), EXIT_USAGE)
    except sa_exc.OperationalError as error:
        _fail(TEXTS("tracker_database_unavailable", reason=type(error.orig).__name__), EXIT_UNAVAILABLE)


def _conversations(endpoints: str, since: str) -> dict[str, list[dict]]:
    start = time.time() - parse_since(since)
    click.echo(TEXTS("reading", endpoints=endpoints, period=describe_since(since)), err=True)
    with _errors():
        conversations = read_conversations(endpoints, start)
    click.echo(TEXTS("conversations_read", count=len(conversations)), err=True)
    return conversations


@click.group(cls=StaffGroup, context_settings=CONTEXT_SETTINGS, help=TEXTS("cli_help"))
def cli() -> None:
    """Find what the assistant did not answer well, and report how it is doing.

    Conversations come from the tracker store of the endpoints file
    (--endpoints); tickets and handoffs from DATABASE_URL.
    """


@cli.command("unanswered", help=TEXTS("unanswered_help"), short_help=TEXTS("unanswered_short_help"))
@since_option("7d")
@ENDPOINTS_OPTION
@click.option(
    "--export",
    "export_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=TEXTS("unanswered_export_help"),
)
@click.option("--limit", default=20, show_default=True, help=TEXTS("unanswered_limit_help"))
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
        click.echo(TEXTS("no_misses"))
    else:
        reasons = Counter(export.MISS_NAMES[q.miss] for q in questions)
        summary = LIST_SEPARATOR.join(
            TEXTS("miss_count", reason=name, count=count) for name, count in reasons.most_common()
        )
        click.echo(TEXTS("misses", count=len(questions), reasons=summary, groups=len(groups)))
        for line in export.listing(groups, limit):
            click.echo(line)
    if export_path is not None:
        export_path.write_bytes(export.spreadsheet(groups))
        click.echo(TEXTS("exported", path=export_path), err=True)


@cli.command("report", help=TEXTS("report_help"), short_help=TEXTS("report_short_help"))
@since_option("30d")
@ENDPOINTS_OPTION
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("results/report.html"),
    show_default=True,
    help=TEXTS("report_out_help"),
)
def report_command(since: str, endpoints: str, out_path: Path) -> None:
    """Write an HTML page of figures: conversations, topics, misses, diagnoses, appeals, handoffs."""
    conversations = _conversations(endpoints, since)
    figures = analysis.figures(conversations)
    page = report.render(figures, _ticket_figures(), _cause_labels(), describe_since(since))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(page, encoding="utf-8")
    click.echo(TEXTS("report_written", path=out_path))


def _ticket_figures() -> report.TicketFigures | None:
    from tickets import StoreUnavailableError, build_store
    from tickets.config import load_settings

    try:
        store = build_store(load_settings())  # this command's own, not the process-wide store
        by_status = Counter(ticket.status.value for ticket in store.list_all_tickets())
        return report.TicketFigures(dict(by_status), len(store.list_handoffs()))
    except StoreUnavailableError:
        click.echo(TEXTS("tickets_unavailable"), err=True)
        return None


def _cause_labels() -> dict[str, str]:
    from eligibility import load_engine

    return {cause.id: cause.label for cause in load_engine().causes}
