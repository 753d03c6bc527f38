"""The ticket store interface and its SQL and in-memory implementations.

Every user-facing read is scoped to a sender: :meth:`TicketStore.get_ticket`
answers None for a ticket of another conversation, exactly as for a number
that does not exist. The ``*_for_staff`` / ``list_all_tickets`` methods are
for the staff CLI only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from tickets.migrate import upgrade_to_head
from tickets.models import (
    FORGOTTEN_DESCRIPTION,
    AppealForm,
    ForgetResult,
    Handoff,
    InvalidInputError,
    StoreUnavailableError,
    SubmitOutcome,
    SubmitResult,
    Ticket,
    TicketNotFoundError,
    TicketStatus,
    check_handoff_summary,
    check_idempotency_key,
    forgotten_pseudonym,
)
from tickets.numbers import new_handoff_reference, new_ticket_number, normalize_ticket_number
from tickets.schema import handoffs_table, tickets_table

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
NumberFactory = Callable[[], str]

MAX_NUMBER_ATTEMPTS = 8


class TicketNumberExhaustedError(RuntimeError):
    """Every attempt to draw an unused ticket number collided."""


def utc_now() -> datetime:
    """Return the current time in UTC (the default clock)."""
    return datetime.now(timezone.utc)


class TicketStore(Protocol):
    """What the appeal actions and the staff CLI need from a ticket store."""

    def submit_appeal(self, form: AppealForm, idempotency_key: str | None = None) -> SubmitResult:
        """File an appeal, or return the ticket of an earlier identical submit.

        Args:
            form: The validated form values.
            idempotency_key: Caller's key for this submission; the same
                sender and key always give the same ticket. Defaults to
                ``form.fingerprint()``.

        Returns:
            The outcome and the ticket (no ticket when queued).

        Raises:
            InvalidInputError: The key is empty or too long.
            StoreUnavailableError: The database is down (a store with an
                outbox queues the appeal instead).
        """
        ...

    def get_ticket(self, number: str, sender_id: str) -> Ticket | None:
        """Return the sender's ticket with this number, None if there is none.

        A ticket that belongs to another sender is reported as None too.
        """
        ...

    def list_tickets(self, sender_id: str) -> list[Ticket]:
        """Return the sender's tickets, newest first."""
        ...

    def get_ticket_for_staff(self, number: str) -> Ticket | None:
        """Return any ticket by number (staff only), None if there is none."""
        ...

    def list_all_tickets(self, status: TicketStatus | None = None) -> list[Ticket]:
        """Return every ticket (staff only), newest first, optionally by status."""
        ...

    def set_status(self, number: str, status: TicketStatus, note: str | None = None) -> Ticket:
        """Change a ticket's status (staff only).

        Args:
            number: Ticket number.
            status: New status.
            note: Resolution note; None keeps the previous note.

        Returns:
            The updated ticket.

        Raises:
            TicketNotFoundError: No ticket has this number.
        """
        ...

    def request_handoff(self, sender_id: str, summary: str, ticket_number: str | None = None) -> Handoff:
        """Record that the user asked for a human agent.

        Args:
            sender_id: Conversation id.
            summary: Short summary for the agent (at most 500 characters).
            ticket_number: Related ticket, if any.

        Returns:
            The recorded request.

        Raises:
            InvalidInputError: The summary or sender id is empty or too long.
        """
        ...

    def list_handoffs(self) -> list[Handoff]:
        """Return every handoff request (staff only), newest first."""
        ...

    def forget_sender(self, sender_id: str) -> ForgetResult:
        """Erase what the store keeps about one customer (staff only, on request).

        The customer's tickets keep their number, status and contested cause
        id; the phone, description, contested text and diagnosis summary are
        erased and the sender id is replaced by a pseudonym. Their handoff
        requests are deleted.

        Raises:
            InvalidInputError: The sender id is empty.
        """
        ...


def _check_sender(sender_id: str) -> None:
    if not sender_id or not sender_id.strip():
        raise InvalidInputError("sender_id must not be empty")


def _key_for(form: AppealForm, idempotency_key: str | None) -> str:
    key = form.fingerprint() if idempotency_key is None else idempotency_key
    check_idempotency_key(key)
    return key


def _new_ticket(form: AppealForm, number: str, now: datetime) -> Ticket:
    return Ticket(
        number=number,
        sender_id=form.sender_id,
        status=TicketStatus.SUBMITTED,
        description=form.description,
        contested_cause_id=form.contested_cause_id,
        contested_text=form.contested_text,
        phone=form.phone,
        consent=form.consent,
        diagnosis_summary=form.diagnosis_summary,
        resolution_note=None,
        created_at=now,
        updated_at=now,
    )


def _erased(now: datetime) -> dict[str, Any]:
    """The column values of a ticket whose customer was forgotten (a fresh pseudonym each call)."""
    return {
        "sender_id": forgotten_pseudonym(),
        # The key was a fingerprint of the form (phone and description included).
        "idempotency_key": forgotten_pseudonym(),
        "phone": None,
        "description": FORGOTTEN_DESCRIPTION,
        "contested_text": None,
        "diagnosis_summary": "",
        "resolution_note": None,
        "updated_at": now,
    }


def _newest_first(tickets: list[Ticket]) -> list[Ticket]:
    """Newest first; among tickets created at the same instant, the later filed first (as the SQL store orders)."""
    order = list(enumerate(tickets))
    return [ticket for _, ticket in sorted(order, key=lambda item: (item[1].created_at, item[0]), reverse=True)]


class InMemoryTicketStore:
    """A :class:`TicketStore` in a dict, for tests and demos (thread-safe)."""

    def __init__(
        self,
        *,
        number_factory: NumberFactory = new_ticket_number,
        clock: Clock = utc_now,
        max_number_attempts: int = MAX_NUMBER_ATTEMPTS,
    ) -> None:
        self._number_factory = number_factory
        self._clock = clock
        self._max_number_attempts = max_number_attempts
        self._lock = threading.Lock()
        self._tickets: dict[str, Ticket] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        self._handoffs: list[Handoff] = []

    def submit_appeal(self, form: AppealForm, idempotency_key: str | None = None) -> SubmitResult:
        key = _key_for(form, idempotency_key)
        with self._lock:
            existing = self._by_key.get((form.sender_id, key))
            if existing is not None:
                return SubmitResult(SubmitOutcome.EXISTING, self._tickets[existing])
            for _ in range(self._max_number_attempts):
                number = self._number_factory()
                if number in self._tickets:
                    continue
                ticket = _new_ticket(form, number, self._clock())
                self._tickets[number] = ticket
                self._by_key[(form.sender_id, key)] = number
                return SubmitResult(SubmitOutcome.CREATED, ticket)
        raise TicketNumberExhaustedError(f"no free ticket number after {self._max_number_attempts} attempts")

    def get_ticket(self, number: str, sender_id: str) -> Ticket | None:
        ticket = self.get_ticket_for_staff(number)
        if ticket is None or ticket.sender_id != sender_id:
            return None
        return ticket

    def list_tickets(self, sender_id: str) -> list[Ticket]:
        with self._lock:
            found = [t for t in self._tickets.values() if t.sender_id == sender_id]
        return _newest_first(found)

    def get_ticket_for_staff(self, number: str) -> Ticket | None:
        with self._lock:
            return self._tickets.get(normalize_ticket_number(number))

    def list_all_tickets(self, status: TicketStatus | None = None) -> list[Ticket]:
        with self._lock:
            found = [t for t in self._tickets.values() if status in (None, t.status)]
        return _newest_first(found)

    def set_status(self, number: str, status: TicketStatus, note: str | None = None) -> Ticket:
        canonical = normalize_ticket_number(number)
        with self._lock:
            ticket = self._tickets.get(canonical)
            if ticket is None:
                raise TicketNotFoundError(canonical)
            updated = replace(
                ticket,
                status=status,
                resolution_note=ticket.resolution_note if note is None else note,
                updated_at=self._clock(),
            )
            self._tickets[canonical] = updated
        return updated

    def request_handoff(self, sender_id: str, summary: str, ticket_number: str | None = None) -> Handoff:
        _check_sender(sender_id)
        check_handoff_summary(summary)
        number = None if ticket_number is None else normalize_ticket_number(ticket_number)
        with self._lock:
            taken = {handoff.reference for handoff in self._handoffs}
            reference = next(r for r in iter(new_handoff_reference, None) if r not in taken)
            handoff = Handoff(
                id=len(self._handoffs) + 1,
                sender_id=sender_id,
                summary=summary,
                ticket_number=number,
                created_at=self._clock(),
                reference=reference,
            )
            self._handoffs.append(handoff)
        return handoff

    def list_handoffs(self) -> list[Handoff]:
        with self._lock:
            return sorted(self._handoffs, key=lambda h: (h.created_at, h.id), reverse=True)

    def forget_sender(self, sender_id: str) -> ForgetResult:
        _check_sender(sender_id)
        with self._lock:
            numbers = [number for number, ticket in self._tickets.items() if ticket.sender_id == sender_id]
            for number in numbers:
                erased = _erased(self._clock())
                erased.pop("idempotency_key")  # tickets of this store do not carry it
                self._tickets[number] = replace(self._tickets[number], **erased)
            self._by_key = {(owner, key): n for (owner, key), n in self._by_key.items() if owner != sender_id}
            kept = [handoff for handoff in self._handoffs if handoff.sender_id != sender_id]
            deleted = len(self._handoffs) - len(kept)
            self._handoffs = kept
        return ForgetResult(tickets=len(numbers), handoffs=deleted)


def _as_utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were written in UTC.
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _ticket_from_row(row: Any) -> Ticket:
    return Ticket(
        number=row.number,
        sender_id=row.sender_id,
        status=TicketStatus(row.status),
        description=row.description,
        contested_cause_id=row.contested_cause_id,
        contested_text=row.contested_text,
        phone=row.phone,
        consent=bool(row.consent),
        diagnosis_summary=row.diagnosis_summary,
        resolution_note=row.resolution_note,
        created_at=_as_utc(row.created_at),
        updated_at=_as_utc(row.updated_at),
    )


def _handoff_from_row(row: Any) -> Handoff:
    return Handoff(
        id=row.id,
        sender_id=row.sender_id,
        summary=row.summary,
        ticket_number=row.ticket_number,
        created_at=_as_utc(row.created_at),
        reference=row.reference,
    )


def create_ticket_engine(database_url: str, *, connect_timeout: int = 5) -> Engine:
    """Build an engine for the ticket database without connecting.

    SQLite file databases get their folder created; in-memory SQLite shares
    one connection so every session sees the same data; PostgreSQL gets a
    connect timeout and pre-ping (to survive a database restart).

    Args:
        database_url: SQLAlchemy URL.
        connect_timeout: Seconds to wait for a PostgreSQL connection.

    Returns:
        The engine (SQLAlchemy 2.0-style, ``future=True``).
    """
    url = make_url(database_url)
    options: dict[str, Any] = {"future": True}
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:"):
            options["poolclass"] = StaticPool
            options["connect_args"] = {"check_same_thread": False}
        elif not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    elif url.get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": connect_timeout}
        options["pool_pre_ping"] = True
    return sa.create_engine(url, **options)


class SqlTicketStore:
    """A :class:`TicketStore` in a SQL database (SQLite or PostgreSQL).

    Nothing connects on construction. The first operation builds the engine
    and upgrades the schema to the newest Alembic migration; if the database
    is down then, the next operation tries again.
    """

    def __init__(
        self,
        database_url: str,
        *,
        connect_timeout: int = 5,
        number_factory: NumberFactory = new_ticket_number,
        clock: Clock = utc_now,
        max_number_attempts: int = MAX_NUMBER_ATTEMPTS,
    ) -> None:
        self._database_url = database_url
        self._connect_timeout = connect_timeout
        self._number_factory = number_factory
        self._clock = clock
        self._max_number_attempts = max_number_attempts
        self._engine: Engine | None = None
        self._migrated = False
        self._init_lock = threading.Lock()

    @property
    def safe_url(self) -> str:
        """The database URL with the password hidden (for messages)."""
        return str(make_url(self._database_url).render_as_string(hide_password=True))

    def dispose(self) -> None:
        """Close the pooled connections (the store stays usable)."""
        if self._engine is not None:
            self._engine.dispose()

    @contextmanager
    def _unavailable_as_error(self) -> Iterator[None]:
        try:
            yield
        except (sa_exc.OperationalError, sa_exc.InterfaceError, OSError) as error:
            reason = type(getattr(error, "orig", None) or error).__name__
            logger.warning("ticket database %s unavailable (%s)", self.safe_url, reason)
            raise StoreUnavailableError(
                f"ticket database {self.safe_url} is unavailable", database=self.safe_url
            ) from error

    def _ready_engine(self) -> Engine:
        with self._init_lock:
            with self._unavailable_as_error():
                if self._engine is None:
                    self._engine = create_ticket_engine(self._database_url, connect_timeout=self._connect_timeout)
                if not self._migrated:
                    upgrade_to_head(self._engine)
                    self._migrated = True
            return self._engine

    @contextmanager
    def _transaction(self) -> Iterator[sa.engine.Connection]:
        engine = self._ready_engine()
        with self._unavailable_as_error(), engine.begin() as connection:
            yield connection

    @staticmethod
    def _find_by_key(connection: sa.engine.Connection, sender_id: str, key: str) -> Ticket | None:
        row = connection.execute(
            sa.select(tickets_table).where(
                tickets_table.c.sender_id == sender_id,
                tickets_table.c.idempotency_key == key,
            )
        ).first()
        return None if row is None else _ticket_from_row(row)

    @staticmethod
    def _find_by_number(connection: sa.engine.Connection, number: str) -> Ticket | None:
        row = connection.execute(sa.select(tickets_table).where(tickets_table.c.number == number)).first()
        return None if row is None else _ticket_from_row(row)

    def submit_appeal(self, form: AppealForm, idempotency_key: str | None = None) -> SubmitResult:
        key = _key_for(form, idempotency_key)
        with self._transaction() as connection:
            existing = self._find_by_key(connection, form.sender_id, key)
        if existing is not None:
            return SubmitResult(SubmitOutcome.EXISTING, existing)
        for _ in range(self._max_number_attempts):
            ticket = _new_ticket(form, self._number_factory(), self._clock())
            try:
                with self._transaction() as connection:
                    connection.execute(
                        tickets_table.insert().values(
                            number=ticket.number,
                            sender_id=ticket.sender_id,
                            idempotency_key=key,
                            status=ticket.status.value,
                            contested_cause_id=ticket.contested_cause_id,
                            contested_text=ticket.contested_text,
                            description=ticket.description,
                            phone=ticket.phone,
                            consent=ticket.consent,
                            diagnosis_summary=ticket.diagnosis_summary,
                            resolution_note=None,
                            created_at=ticket.created_at,
                            updated_at=ticket.updated_at,
                        )
                    )
                    stored = self._find_by_number(connection, ticket.number)
            except sa_exc.IntegrityError:
                # Either a concurrent submit of the same form won the unique
                # (sender_id, idempotency_key) race, or the number is taken.
                with self._transaction() as connection:
                    existing = self._find_by_key(connection, form.sender_id, key)
                if existing is not None:
                    return SubmitResult(SubmitOutcome.EXISTING, existing)
                logger.info("ticket number collision; drawing another number")
                continue
            if stored is None:  # pragma: no cover - the row was just inserted
                raise RuntimeError("inserted ticket disappeared")
            logger.info("ticket %s filed for sender %s", stored.number, stored.sender_id)
            return SubmitResult(SubmitOutcome.CREATED, stored)
        raise TicketNumberExhaustedError(f"no free ticket number after {self._max_number_attempts} attempts")

    def get_ticket(self, number: str, sender_id: str) -> Ticket | None:
        with self._transaction() as connection:
            row = connection.execute(
                sa.select(tickets_table).where(
                    tickets_table.c.number == normalize_ticket_number(number),
                    tickets_table.c.sender_id == sender_id,
                )
            ).first()
        return None if row is None else _ticket_from_row(row)

    def list_tickets(self, sender_id: str) -> list[Ticket]:
        query = (
            sa.select(tickets_table)
            .where(tickets_table.c.sender_id == sender_id)
            .order_by(tickets_table.c.created_at.desc(), tickets_table.c.id.desc())
        )
        with self._transaction() as connection:
            return [_ticket_from_row(row) for row in connection.execute(query)]

    def get_ticket_for_staff(self, number: str) -> Ticket | None:
        with self._transaction() as connection:
            return self._find_by_number(connection, normalize_ticket_number(number))

    def list_all_tickets(self, status: TicketStatus | None = None) -> list[Ticket]:
        query = sa.select(tickets_table).order_by(tickets_table.c.created_at.desc(), tickets_table.c.id.desc())
        if status is not None:
            query = query.where(tickets_table.c.status == status.value)
        with self._transaction() as connection:
            return [_ticket_from_row(row) for row in connection.execute(query)]

    def set_status(self, number: str, status: TicketStatus, note: str | None = None) -> Ticket:
        canonical = normalize_ticket_number(number)
        values: dict[str, Any] = {"status": status.value, "updated_at": self._clock()}
        if note is not None:
            values["resolution_note"] = note
        with self._transaction() as connection:
            result = connection.execute(
                tickets_table.update().where(tickets_table.c.number == canonical).values(**values)
            )
            if result.rowcount == 0:
                raise TicketNotFoundError(canonical)
            ticket = self._find_by_number(connection, canonical)
        if ticket is None:  # pragma: no cover - the row was just updated
            raise TicketNotFoundError(canonical)
        logger.info("ticket %s set to %s", canonical, status.value)
        return ticket

    def request_handoff(self, sender_id: str, summary: str, ticket_number: str | None = None) -> Handoff:
        _check_sender(sender_id)
        check_handoff_summary(summary)
        number = None if ticket_number is None else normalize_ticket_number(ticket_number)
        for _ in range(self._max_number_attempts):
            try:
                with self._transaction() as connection:
                    result = connection.execute(
                        handoffs_table.insert().values(
                            sender_id=sender_id,
                            summary=summary,
                            ticket_number=number,
                            created_at=self._clock(),
                            reference=new_handoff_reference(),
                        )
                    )
                    (handoff_id,) = result.inserted_primary_key
                    row = connection.execute(sa.select(handoffs_table).where(handoffs_table.c.id == handoff_id)).one()
            except sa_exc.IntegrityError:
                logger.info("handoff reference collision; drawing another")
                continue
            logger.info("handoff %s requested by sender %s", row.reference, sender_id)
            return _handoff_from_row(row)
        raise TicketNumberExhaustedError(f"no free handoff reference after {self._max_number_attempts} attempts")

    def list_handoffs(self) -> list[Handoff]:
        query = sa.select(handoffs_table).order_by(handoffs_table.c.created_at.desc(), handoffs_table.c.id.desc())
        with self._transaction() as connection:
            return [_handoff_from_row(row) for row in connection.execute(query)]

    def forget_sender(self, sender_id: str) -> ForgetResult:
        _check_sender(sender_id)
        with self._transaction() as connection:
            ids = (
                connection.execute(sa.select(tickets_table.c.id).where(tickets_table.c.sender_id == sender_id))
                .scalars()
                .all()
            )
            for ticket_id in ids:  # one pseudonym per ticket
                connection.execute(
                    tickets_table.update().where(tickets_table.c.id == ticket_id).values(**_erased(self._clock()))
                )
            tickets = len(ids)
            handoffs = connection.execute(
                handoffs_table.delete().where(handoffs_table.c.sender_id == sender_id)
            ).rowcount
        logger.info("forgot a customer: %s tickets erased, %s handoffs deleted", tickets, handoffs)
        return ForgetResult(tickets=tickets, handoffs=handoffs)
