"""Staff command line: ``python -m tickets --help``.

Exit codes: 0 success, 1 unknown ticket, 2 usage error (bad status or
arguments), 3 database unavailable. Each command wraps one function of
:mod:`tickets.staff` or the store.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
from sqlalchemy import exc as sa_exc

from tickets import staff
from tickets.config import load_settings
from tickets.factory import get_store
from tickets.migrate import head_revision, upgrade_to_head
from tickets.models import StoreUnavailableError, TicketNotFoundError, TicketStatus
from tickets.outbox import OutboxTicketStore
from tickets.store import TicketStore, create_ticket_engine

EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _parse_status(text: str) -> TicketStatus:
    try:
        return TicketStatus.parse(text)
    except ValueError as error:
        _fail(str(error), EXIT_USAGE)


@contextmanager
def _store_errors() -> Iterator[None]:
    try:
        yield
    except TicketNotFoundError as error:
        _fail(str(error), EXIT_NOT_FOUND)
    except StoreUnavailableError as error:
        _fail(str(error), EXIT_UNAVAILABLE)


def _store(ctx: click.Context) -> TicketStore:
    factory: Callable[[], TicketStore] = ctx.obj or get_store
    return factory()


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Review appeal tickets and handoff requests of 借呗助手.

    The database is DATABASE_URL (default: var/tickets.db). Exit codes: 1
    unknown ticket, 2 bad arguments or status, 3 database unavailable.
    """


@cli.command("list")
@click.option(
    "--status", "status_text", metavar="STATUS", help="Only tickets with this status: submitted, in_review or resolved."
)
@click.pass_context
def list_command(ctx: click.Context, status_text: str | None) -> None:
    """List tickets, newest first (number, status, created, sender, contested item)."""
    status = None if status_text is None else _parse_status(status_text)
    with _store_errors():
        lines = staff.list_tickets(_store(ctx), status)
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo("no tickets", err=True)


@cli.command("show")
@click.argument("number")
@click.pass_context
def show_command(ctx: click.Context, number: str) -> None:
    """Show every field of ticket NUMBER (phone number masked)."""
    with _store_errors():
        click.echo(staff.show_ticket(_store(ctx), number))


@cli.command("set-status")
@click.argument("number")
@click.argument("status_text", metavar="STATUS")
@click.option("--note", help="Resolution note shown with the ticket (kept if omitted).")
@click.pass_context
def set_status_command(ctx: click.Context, number: str, status_text: str, note: str | None) -> None:
    """Set the STATUS of ticket NUMBER: submitted, in_review or resolved."""
    status = _parse_status(status_text)
    with _store_errors():
        click.echo(staff.set_ticket_status(_store(ctx), number, status, note))


@cli.command("handoffs")
@click.pass_context
def handoffs_command(ctx: click.Context) -> None:
    """List requests for a human agent, newest first (reference, time, sender, ticket, summary)."""
    with _store_errors():
        lines = staff.list_handoffs(_store(ctx))
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo("no handoff requests", err=True)


@cli.command("flush-outbox")
@click.pass_context
def flush_outbox_command(ctx: click.Context) -> None:
    """File the appeals queued while the database was unavailable."""
    store = _store(ctx)
    if not isinstance(store, OutboxTicketStore):
        _fail("this store has no outbox", EXIT_USAGE)
    with _store_errors():
        result = store.flush_outbox()
    click.echo(f"filed {len(result.filed)}, still queued {result.remaining}, " f"rejected {result.rejected}")


@cli.command("migrate")
def migrate_command() -> None:
    """Create or upgrade the ticket tables of DATABASE_URL (deployments run this once at start)."""
    settings = load_settings()
    engine = create_ticket_engine(settings.database_url, connect_timeout=settings.connect_timeout)
    try:
        upgrade_to_head(engine)
    except sa_exc.OperationalError as error:
        _fail(f"ticket database unavailable ({type(error.orig).__name__})", EXIT_UNAVAILABLE)
    finally:
        engine.dispose()
    click.echo(f"ticket database at revision {head_revision()}")
