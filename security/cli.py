"""Staff command line for data protection: ``python -m security --help``.

Exit codes: 0 success, 2 usage error (bad arguments, a tracker store that
cannot do it, a missing secret), 3 a database unavailable. Each command wraps
one function of :mod:`security.retention` or :mod:`security.tokens`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import NoReturn

import click
from rasa.shared.exceptions import RasaException
from sqlalchemy import exc as sa_exc

from security import retention
from security.config import ConfigError, channel_settings
from security.tokens import TokenError, issue
from tickets import StoreUnavailableError, get_store

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3

ENDPOINTS_OPTION = click.option(
    "--endpoints",
    default=lambda: os.environ.get("ENDPOINTS", "endpoints.yml"),
    show_default="$ENDPOINTS or endpoints.yml",
    help="The endpoints file of the Rasa server whose conversations are meant.",
)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except (retention.RetentionError, ConfigError, TokenError, RasaException) as error:
        _fail(str(error), EXIT_USAGE)
    except StoreUnavailableError as error:
        _fail(f"{error}; nothing was deleted, run the command again later", EXIT_UNAVAILABLE)
    except sa_exc.OperationalError as error:
        _fail(f"the tracker database is unavailable ({type(error.orig).__name__})", EXIT_UNAVAILABLE)


@click.group()
def cli() -> None:
    """Delete customers' data on request or after the retention period; issue demo tokens.

    Conversations: the tracker store of the endpoints file (--endpoints).
    Tickets: DATABASE_URL (default var/tickets.db).
    """


@cli.command("forget")
@click.argument("customer_id")
@ENDPOINTS_OPTION
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget_command(customer_id: str, endpoints: str, yes: bool) -> None:
    """Delete everything stored about CUSTOMER_ID (conversation, ticket details, handoffs)."""
    if not yes:
        click.confirm(f"Delete the conversation, ticket details and handoffs of {customer_id}?", abort=True)
    with _errors():
        trackers = retention.tracker_store_from_endpoints(endpoints)
        report = retention.forget_customer(customer_id, trackers, get_store())
    click.echo(
        f"forgot {customer_id}: {report.tracker_events} conversation events"
        f"{f' and {report.copies} cached copy' if report.copies else ''} deleted, "
        f"{report.tickets} tickets erased (number and status kept), {report.handoffs} handoff requests deleted"
    )


@cli.command("purge")
@click.option(
    "--days", type=click.IntRange(min=1), required=True, help="Keep conversations active in the last DAYS days."
)
@ENDPOINTS_OPTION
def purge_command(days: int, endpoints: str) -> None:
    """Delete conversations idle for more than --days days."""
    with _errors():
        trackers = retention.tracker_store_from_endpoints(endpoints)
        deleted = retention.purge_conversations(trackers, timedelta(days=days))
    click.echo(f"deleted {deleted} conversations idle for more than {days} days")


@cli.command("issue-token")
@click.argument("customer_id")
@click.option("--minutes", type=click.IntRange(min=1, max=24 * 60), default=60, show_default=True)
def issue_token_command(customer_id: str, minutes: int) -> None:
    """Print a customer token signed with JIEBEI_CHAT_JWT_SECRET (for trying jwt mode).

    In production the host page's back end signs these when the customer logs in.
    """
    with _errors():
        settings = channel_settings({**os.environ, "JIEBEI_CHAT_AUTH": "jwt"})
        click.echo(issue(customer_id, settings.jwt_secret or "", lifetime_seconds=minutes * 60))
