"""Staff command line for data protection: ``python -m security --help``.

Exit codes: 0 success, 1 cancelled at the confirmation, 2 usage error (bad
arguments, a tracker store that cannot do it, a missing secret), 3 a database
unavailable. Each command wraps one function of :mod:`security.retention` or
:mod:`security.tokens`. What it prints is Chinese, in ``texts.yml``.
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

from security import TEXTS, retention
from security.config import ConfigError, channel_settings
from security.tokens import TokenError, issue
from stafftext import CONTEXT_SETTINGS, StaffGroup
from tickets import StoreUnavailableError, get_store

EXIT_CANCELLED = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3

ENDPOINTS_OPTION = click.option(
    "--endpoints",
    default=lambda: os.environ.get("ENDPOINTS", "endpoints.yml"),
    show_default=TEXTS("endpoints_default"),
    help=TEXTS("endpoints_help"),
)
# Click's own --help says "Show this message and exit."; every command uses this one.


def _fail(message: str, code: int) -> NoReturn:
    click.echo(TEXTS("error", message=message), err=True)
    sys.exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except (retention.RetentionError, ConfigError, TokenError) as error:
        _fail(str(error), EXIT_USAGE)
    except RasaException as error:
        _fail(TEXTS("tracker_store_failed", error=error), EXIT_USAGE)
    except StoreUnavailableError as error:
        database = error.database  # the URL with the password hidden, when known
        if database:
            _fail(TEXTS("tickets_unavailable_at", database=database), EXIT_UNAVAILABLE)
        _fail(TEXTS("tickets_unavailable"), EXIT_UNAVAILABLE)
    except sa_exc.OperationalError as error:
        _fail(TEXTS("tracker_database_unavailable", reason=type(error.orig).__name__), EXIT_UNAVAILABLE)


@click.group(cls=StaffGroup, context_settings=CONTEXT_SETTINGS, help=TEXTS("cli_help"))
def cli() -> None:
    """Delete customers' data on request or after the retention period; issue demo tokens.

    Conversations: the tracker store of the endpoints file (--endpoints).
    Tickets: DATABASE_URL (default var/tickets.db).
    """


@cli.command("forget", help=TEXTS("forget_help"), short_help=TEXTS("forget_short_help"))
@click.argument("customer_id")
@ENDPOINTS_OPTION
@click.option("--yes", is_flag=True, help=TEXTS("forget_yes_help"))
def forget_command(customer_id: str, endpoints: str, yes: bool) -> None:
    """Delete everything stored about CUSTOMER_ID (conversation, ticket details, handoffs)."""
    if not yes and not click.confirm(TEXTS("forget_confirm", customer_id=customer_id)):
        click.echo(TEXTS("forget_cancelled"), err=True)
        sys.exit(EXIT_CANCELLED)
    with _errors():
        trackers = retention.tracker_store_from_endpoints(endpoints)
        report = retention.forget_customer(customer_id, trackers, get_store())
    counts = {"events": report.tracker_events, "tickets": report.tickets, "handoffs": report.handoffs}
    if report.copies:
        click.echo(TEXTS("forgot_with_copy", customer_id=customer_id, copies=report.copies, **counts))
    else:
        click.echo(TEXTS("forgot", customer_id=customer_id, **counts))


@cli.command("purge", help=TEXTS("purge_help"))
@click.option("--days", type=click.IntRange(min=1), required=True, help=TEXTS("purge_days_help"))
@ENDPOINTS_OPTION
def purge_command(days: int, endpoints: str) -> None:
    """Delete conversations idle for more than --days days."""
    with _errors():
        trackers = retention.tracker_store_from_endpoints(endpoints)
        deleted = retention.purge_conversations(trackers, timedelta(days=days))
    click.echo(TEXTS("purged", count=deleted, days=days))


@cli.command("issue-token", help=TEXTS("issue_token_help"), short_help=TEXTS("issue_token_short_help"))
@click.argument("customer_id")
@click.option(
    "--minutes",
    type=click.IntRange(min=1, max=24 * 60),
    default=60,
    show_default=True,
    help=TEXTS("issue_token_minutes_help"),
)
def issue_token_command(customer_id: str, minutes: int) -> None:
    """Print a customer token signed with JIEBEI_CHAT_JWT_SECRET (for trying jwt mode).

    In production the host page's back end signs these when the customer logs in.
    """
    with _errors():
        settings = channel_settings({**os.environ, "JIEBEI_CHAT_AUTH": "jwt"})
        click.echo(issue(customer_id, settings.jwt_secret or "", lifetime_seconds=minutes * 60))
