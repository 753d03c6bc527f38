"""Keep appeals that arrive while the database is down, and file them later.

:class:`JsonlOutbox` appends one JSON object a line to a local file and
fsyncs it before the user is told the appeal was received. The file holds the
phone number in clear (it is needed to file the appeal), so it is created
with mode 0600. A lock file (``<outbox>.lock``, ``flock``) serialises writers
across threads and processes.

:class:`OutboxTicketStore` wraps any :class:`~tickets.store.TicketStore`:
a submit that finds the database unavailable is queued, and the queue is
flushed before the next operation (idempotently, through the caller's
idempotency key, so a crash half-way through a flush never files an appeal
twice).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tickets.models import (
    AppealForm,
    ForgetResult,
    Handoff,
    InvalidInputError,
    StoreUnavailableError,
    SubmitOutcome,
    SubmitResult,
    Ticket,
    TicketStatus,
    check_idempotency_key,
)
from tickets.store import TicketStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueuedAppeal:
    """An appeal waiting in the outbox.

    Attributes:
        queue_id: Random id of the outbox entry (safe to log).
        form: The form values.
        idempotency_key: The key the caller gave (or the form fingerprint).
        queued_at: When it was queued (UTC).
    """

    queue_id: str
    form: AppealForm
    idempotency_key: str
    queued_at: datetime

    def to_json(self) -> str:
        """Serialise to one line of JSON."""
        return json.dumps(
            {
                "queue_id": self.queue_id,
                "form": self.form.to_dict(),
                "idempotency_key": self.idempotency_key,
                "queued_at": self.queued_at.isoformat(),
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, line: str) -> QueuedAppeal:
        """Read one outbox line.

        Raises:
            ValueError: The line is not a valid entry (broken JSON, missing
                or invalid fields).
        """
        data = json.loads(line)
        try:
            return cls(
                queue_id=str(data["queue_id"]),
                form=AppealForm(**data["form"]),
                idempotency_key=str(data["idempotency_key"]),
                queued_at=datetime.fromisoformat(data["queued_at"]),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"malformed outbox entry: {error}") from error


@dataclass(frozen=True)
class FlushResult:
    """What a flush of the outbox did.

    Attributes:
        filed: Tickets for the entries filed (or found already filed).
        remaining: Entries still queued (the database went away mid-flush).
        rejected: Unreadable entries moved to ``<outbox>.rejected``.
    """

    filed: tuple[Ticket, ...] = ()
    remaining: int = 0
    rejected: int = 0


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class JsonlOutbox:
    """A durable queue of appeals in a JSON-lines file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._rejected_path = self.path.with_name(self.path.name + ".rejected")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock

    def has_pending(self) -> bool:
        """Tell cheaply (one ``stat``) whether anything may be queued."""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def _read_lines(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [line for line in text.splitlines() if line.strip()]

    def _append(self, path: Path, lines: list[str]) -> None:
        created = not path.exists()
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, "".join(line + "\n" for line in lines).encode("utf-8"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if created:
            _fsync_directory(path.parent)

    def _rewrite(self, lines: list[str]) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(descriptor, "".join(line + "\n" for line in lines).encode("utf-8"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, self.path)
        _fsync_directory(self.path.parent)

    def put(self, form: AppealForm, idempotency_key: str) -> QueuedAppeal:
        """Queue an appeal durably (fsynced before returning).

        A second put with the same sender and key returns the first entry
        instead of queueing a duplicate.

        Args:
            form: The form values.
            idempotency_key: The caller's key.

        Returns:
            The queued entry.

        Raises:
            OSError: The outbox file cannot be written.
        """
        check_idempotency_key(idempotency_key)
        with self._locked():
            for entry in self._entries():
                if (entry.form.sender_id, entry.idempotency_key) == (
                    form.sender_id,
                    idempotency_key,
                ):
                    return entry
            entry = QueuedAppeal(
                queue_id=uuid.uuid4().hex,
                form=form,
                idempotency_key=idempotency_key,
                queued_at=datetime.now(timezone.utc),
            )
            self._append(self.path, [entry.to_json()])
        logger.warning("appeal of sender %s queued in outbox as %s", form.sender_id, entry.queue_id)
        return entry

    def _entries(self) -> list[QueuedAppeal]:
        entries = []
        for line in self._read_lines():
            try:
                entries.append(QueuedAppeal.from_json(line))
            except (ValueError, InvalidInputError):
                continue
        return entries

    def pending(self) -> list[QueuedAppeal]:
        """Return the readable queued entries, oldest first."""
        with self._locked():
            return self._entries()

    def drain(self, file_one: Callable[[QueuedAppeal], Ticket]) -> FlushResult:
        """File every queued entry with ``file_one`` and drop those filed.

        Stops at the first :class:`StoreUnavailableError`, keeps the entries
        not yet filed, and re-raises it. Unreadable lines are moved to
        ``<outbox>.rejected`` so they are neither retried forever nor lost.

        Args:
            file_one: Files one entry and returns its ticket; must be
                idempotent for an entry (the same entry gives the same ticket).

        Returns:
            What was filed and what remains.

        Raises:
            StoreUnavailableError: The database is (still) unavailable.
        """
        with self._locked():
            lines = self._read_lines()
            if not lines:
                return FlushResult()
            filed: list[Ticket] = []
            rejected: list[str] = []
            keep: list[str] = []
            failure: StoreUnavailableError | None = None
            for index, line in enumerate(lines):
                try:
                    entry = QueuedAppeal.from_json(line)
                except (ValueError, InvalidInputError) as error:
                    logger.error("unreadable outbox entry moved aside: %s", type(error).__name__)
                    rejected.append(line)
                    continue
                try:
                    filed.append(file_one(entry))
                except StoreUnavailableError as error:
                    failure = error
                    keep = lines[index:]
                    break
            if rejected:
                self._append(self._rejected_path, rejected)
            self._rewrite(keep)
        logger.info(
            "outbox flush: %d filed, %d remaining, %d rejected",
            len(filed),
            len(keep),
            len(rejected),
        )
        if failure is not None:
            raise failure
        return FlushResult(filed=tuple(filed), remaining=len(keep), rejected=len(rejected))


class OutboxTicketStore:
    """A :class:`TicketStore` that queues appeals while the database is down.

    Every operation first files what the outbox holds (when it holds
    anything), so queued appeals reach the database on the first operation
    after it comes back. Other operations than ``submit_appeal`` raise
    :class:`StoreUnavailableError` while the database is down.
    """

    def __init__(self, inner: TicketStore, outbox: JsonlOutbox) -> None:
        self.inner = inner
        self.outbox = outbox

    def _file_queued(self, entry: QueuedAppeal) -> Ticket:
        result = self.inner.submit_appeal(entry.form, entry.idempotency_key)
        if result.ticket is None:  # pragma: no cover - inner stores never queue
            raise StoreUnavailableError("the inner store queued an appeal")
        return result.ticket

    def flush_outbox(self) -> FlushResult:
        """File every queued appeal (idempotently) and empty the outbox.

        Returns:
            What was filed and what remains.

        Raises:
            StoreUnavailableError: The database is still unavailable; the
                appeals stay queued.
        """
        return self.outbox.drain(self._file_queued)

    def _flush_if_pending(self) -> None:
        if self.outbox.has_pending():
            self.flush_outbox()

    def submit_appeal(self, form: AppealForm, idempotency_key: str | None = None) -> SubmitResult:
        key = form.fingerprint() if idempotency_key is None else idempotency_key
        check_idempotency_key(key)
        try:
            self._flush_if_pending()
            return self.inner.submit_appeal(form, key)
        except StoreUnavailableError:
            self.outbox.put(form, key)
            return SubmitResult(SubmitOutcome.QUEUED)

    def get_ticket(self, number: str, sender_id: str) -> Ticket | None:
        self._flush_if_pending()
        return self.inner.get_ticket(number, sender_id)

    def list_tickets(self, sender_id: str) -> list[Ticket]:
        self._flush_if_pending()
        return self.inner.list_tickets(sender_id)

    def get_ticket_for_staff(self, number: str) -> Ticket | None:
        self._flush_if_pending()
        return self.inner.get_ticket_for_staff(number)

    def list_all_tickets(self, status: TicketStatus | None = None) -> list[Ticket]:
        self._flush_if_pending()
        return self.inner.list_all_tickets(status)

    def set_status(self, number: str, status: TicketStatus, note: str | None = None) -> Ticket:
        self._flush_if_pending()
        return self.inner.set_status(number, status, note)

    def request_handoff(self, sender_id: str, summary: str, ticket_number: str | None = None) -> Handoff:
        self._flush_if_pending()
        return self.inner.request_handoff(sender_id, summary, ticket_number)

    def list_handoffs(self) -> list[Handoff]:
        self._flush_if_pending()
        return self.inner.list_handoffs()

    def forget_sender(self, sender_id: str) -> ForgetResult:
        # Queued appeals are filed first, so they are erased with the rest.
        self._flush_if_pending()
        return self.inner.forget_sender(sender_id)
