"""Staff command line: ``python -m tickets --help``.

Exit codes: 0 success, 1 unknown ticket (or an invalid setting in the
environment), 2 usage error (bad status or arguments), 3 database
unavailable. Each command wraps one function of :mod:`tickets.staff` or the
store. What staff read (help, results, errors) is Chinese, from
``tickets/texts.yml``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
from sqlalchemy import exc as sa_exc

from stafftext import CONTEXT_SETTINGS, StaffGroup
from tickets import staff
from tickets.config import ConfigError, load_settings
from tickets.factory import get_store
from tickets.migrate import head_revision, upgrade_to_head
from tickets.models import StoreUnavailableError, TicketNotFoundError, TicketStatus
from tickets.outbox import OutboxTicketStore
from tickets.staff import TEXTS
from tickets.store import TicketStore, create_ticket_engine

EXIT_NOT_FOUND = 1
# An invalid environment variable used to end in a traceback (exit code 1); it keeps that code.
EXIT_BAD_SETTING = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3


def _fail(message: str, code: int) -> NoReturn:
    click.echo(TEXTS("error", message=message), err=True)
    sys.exit(code)


def _parse_status(text: str) -> TicketStatus:
    try:
        return TicketStatus.parse(text)
    except ValueError:
        _fail(TEXTS("unknown_status", text=text, allowed=staff.allowed_statuses()), EXIT_USAGE)


def _unavailable_message(error: StoreUnavailableError) -> str:
    if error.database is None:
        return TEXTS("store_unavailable_unnamed")
    return TEXTS("store_unavailable", database=error.database)


@contextmanager
def _store_errors() -> Iterator[None]:
    try:
        yield
    except TicketNotFoundError as error:
        _fail(TEXTS("ticket_not_found", number=error.number), EXIT_NOT_FOUND)
    except StoreUnavailableError as error:
        _fail(_unavailable_message(error), EXIT_UNAVAILABLE)
    except ConfigError as error:
        _fail(TEXTS("not_positive_integer", variable=error.variable, value=error.value), EXIT_BAD_SETTING)


def _store(ctx: click.Context) -> TicketStore:
    factory: Callable[[], TicketStore] = ctx.obj or get_store
    return factory()


@click.group(cls=StaffGroup, context_settings=CONTEXT_SETTINGS, help=TEXTS("cli_help"))
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Review appeal tickets and handoff requests of 借呗助手.

    The database is DATABASE_URL (default: var/tickets.db). Exit codes: 1
    unknown ticket or invalid setting, 2 bad arguments or status, 3 database
    unavailable. The help staff see is ``cli_help`` in texts.yml.
    """


@cli.command("list", help=TEXTS("list_help"), short_help=TEXTS("list_short_help"))
@click.option("--status", "status_text", metavar="STATUS", help=TEXTS("list_status_help"))
@click.pass_context
def list_command(ctx: click.Context, status_text: str | None) -> None:
    """List tickets, newest first (number, status, created, sender, contested item)."""
    status = None if status_text is None else _parse_status(status_text)
    with _store_errors():
        lines = staff.list_tickets(_store(ctx), status)
    for line in lines:
        click.echo(line)
    if not lines:
        if status is None:
            click.echo(TEXTS("no_tickets"), err=True)
        else:
            click.echo(TEXTS("no_tickets_with_status", status=staff.describe_status(status)), err=True)


@cli.command("show", help=TEXTS("show_help"), short_help=TEXTS("show_short_help"))
@click.argument("number")
@click.pass_context
def show_command(ctx: click.Context, number: str) -> None:
    """Show every field of ticket NUMBER (phone number masked)."""
    with _store_errors():
        click.echo(staff.show_ticket(_store(ctx), number))


@cli.command("set-status", help=TEXTS("set_status_help"), short_help=TEXTS("set_status_short_help"))
@click.argument("number")
@click.argument("status_text", metavar="STATUS")
@click.option("--note", help=TEXTS("set_status_note_help"))
@click.pass_context
def set_status_command(ctx: click.Context, number: str, status_text: str, note: str | None) -> None:
    """Set the STATUS of ticket NUMBER: submitted, in_review or resolved."""
    status = _parse_status(status_text)
    with _store_errors():
        click.echo(staff.set_ticket_status(_store(ctx), number, status, note))


@cli.command("handoffs", help=TEXTS("handoffs_help"), short_help=TEXTS("handoffs_short_help"))
@click.pass_context
def handoffs_command(ctx: click.Context) -> None:
    """List requests for a human agent, newest first (reference, time, sender, ticket, summary)."""
    with _store_errors():
        lines = staff.list_handoffs(_store(ctx))
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo(TEXTS("no_handoffs"), err=True)


@cli.command("flush-outbox", help=TEXTS("flush_outbox_help"), short_help=TEXTS("flush_outbox_short_help"))
@click.pass_context
def flush_outbox_command(ctx: click.Context) -> None:
    """File the appeals queued while the database was unavailable."""
    with _store_errors():
        store = _store(ctx)
        if not isinstance(store, OutboxTicketStore):
            _fail(TEXTS("no_outbox"), EXIT_USAGE)
        result = store.flush_outbox()
    click.echo(TEXTS("outbox_flushed", filed=len(result.filed), remaining=result.remaining, rejected=result.rejected))


@cli.command("migrate", help=TEXTS("migrate_help"), short_help=TEXTS("migrate_short_help"))
def migrate_command() -> None:
    """Create or upgrade the ticket tables of DATABASE_URL (deployments run this once at start)."""
    with _store_errors():
        settings = load_settings()
    engine = create_ticket_engine(settings.database_url, connect_timeout=settings.connect_timeout)
    try:
        upgrade_to_head(engine)
    except sa_exc.OperationalError as error:
        _fail(TEXTS("migrate_unavailable", reason=type(error.orig).__name__), EXIT_UNAVAILABLE)
    finally:
        engine.dispose()
    click.echo(TEXTS("migrated", revision=head_revision()))
