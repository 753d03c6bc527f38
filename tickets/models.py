"""Data exchanged with the ticket store: appeal forms, tickets, handoffs."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import Enum

from tickets.phone import is_valid_mobile

MAX_SENDER_ID = 255
MAX_CAUSE_ID = 64
MAX_TEXT = 2000
MAX_SUMMARY = 500
MAX_IDEMPOTENCY_KEY = 128

_CAUSE_ID = re.compile(r"[A-Z][A-Z0-9_]*")


class TicketStatus(str, Enum):
    """Where a ticket stands in the staff's review."""

    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RESOLVED = "resolved"

    @classmethod
    def parse(cls, text: str) -> TicketStatus:
        """Read a status from its value, e.g. ``"in_review"``.

        Args:
            text: The status value, case-insensitive.

        Returns:
            The status.

        Raises:
            ValueError: The text is no status; the message lists the allowed values.
        """
        try:
            return cls(text.strip().lower())
        except ValueError:
            allowed = ", ".join(status.value for status in cls)
            raise ValueError(f"unknown status {text!r}; allowed: {allowed}") from None


class SubmitOutcome(str, Enum):
    """What happened to a submitted appeal."""

    CREATED = "created"
    """A new ticket was filed."""
    EXISTING = "existing"
    """The same form had been submitted before: the earlier ticket is returned."""
    QUEUED = "queued"
    """The database was unreachable: the appeal waits in the local outbox."""


class InvalidInputError(ValueError):
    """A value passed to the store breaks a rule of the ticket data."""


class TicketNotFoundError(LookupError):
    """No ticket has the given number."""

    def __init__(self, number: str) -> None:
        super().__init__(f"ticket {number} not found")
        self.number = number


class StoreUnavailableError(RuntimeError):
    """The database cannot be reached or written to.

    Attributes:
        database: The database URL with the password hidden, when known (for
            a message to staff).
    """

    def __init__(self, message: str, database: str | None = None) -> None:
        super().__init__(message)
        self.database = database


def _require_text(name: str, value: str, limit: int) -> None:
    if not value or not value.strip():
        raise InvalidInputError(f"{name} must not be empty")
    if len(value) > limit:
        raise InvalidInputError(f"{name} is longer than {limit} characters")


@dataclass(frozen=True)
class AppealForm:
    """The values of a completed appeal form.

    Attributes:
        sender_id: Rasa conversation (sender) id that owns the appeal.
        description: What the user says is wrong, in their words.
        contested_cause_id: Id of the contested cause from the engine's
            vocabulary (e.g. ``"OVERDUE_RECORD"``), or None.
        contested_text: The contested item in the user's words, or None. At
            least one of ``contested_cause_id`` and ``contested_text`` is set.
        phone: Mainland mobile number for the call-back (11 digits), or None.
        consent: The user agreed that the appeal and phone number are stored
            and used to contact them; required when ``phone`` is given.
        diagnosis_summary: Short summary of the assistant's diagnosis.

    Raises:
        InvalidInputError: A field breaks the rules above (checked on creation).
    """

    sender_id: str
    description: str
    contested_cause_id: str | None = None
    contested_text: str | None = None
    phone: str | None = field(default=None, repr=False)
    consent: bool = False
    diagnosis_summary: str = ""

    def __post_init__(self) -> None:
        _require_text("sender_id", self.sender_id, MAX_SENDER_ID)
        _require_text("description", self.description, MAX_TEXT)
        if self.contested_cause_id is None and not (self.contested_text or "").strip():
            raise InvalidInputError("contested_cause_id or contested_text is required")
        if self.contested_cause_id is not None and (
            len(self.contested_cause_id) > MAX_CAUSE_ID or not _CAUSE_ID.fullmatch(self.contested_cause_id)
        ):
            raise InvalidInputError(
                "contested_cause_id must be an upper-case cause id, " f"got {self.contested_cause_id!r}"
            )
        if self.contested_text is not None and len(self.contested_text) > MAX_TEXT:
            raise InvalidInputError(f"contested_text is longer than {MAX_TEXT} characters")
        if self.phone is not None:
            if not is_valid_mobile(self.phone):
                # The number itself stays out of the message: it may end up in a log.
                raise InvalidInputError("phone is not an 11-digit mainland mobile number")
            if not self.consent:
                raise InvalidInputError("a phone number may be stored only with consent")
        if len(self.diagnosis_summary) > MAX_TEXT:
            raise InvalidInputError(f"diagnosis_summary is longer than {MAX_TEXT} characters")

    def fingerprint(self) -> str:
        """Hash the form values into an idempotency key.

        Returns:
            A hex SHA-256 of the fields: equal forms give equal keys.
        """
        canonical = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, object]:
        """Return the fields as a JSON-compatible dict (for the outbox)."""
        return asdict(self)


def check_idempotency_key(key: str) -> None:
    """Validate a caller-supplied idempotency key.

    Args:
        key: The key.

    Raises:
        InvalidInputError: The key is empty or longer than 128 characters.
    """
    _require_text("idempotency_key", key, MAX_IDEMPOTENCY_KEY)


def check_handoff_summary(summary: str) -> None:
    """Validate the summary of a handoff request.

    Args:
        summary: The summary.

    Raises:
        InvalidInputError: The summary is empty or longer than 500 characters.
    """
    _require_text("summary", summary, MAX_SUMMARY)


@dataclass(frozen=True)
class Ticket:
    """A filed appeal.

    Attributes:
        number: Ticket number, e.g. ``"JB7K3M9Q"``.
        sender_id: Conversation that filed it.
        status: Review status.
        description: The user's description.
        contested_cause_id: Contested cause id, or None.
        contested_text: Contested item in the user's words, or None.
        phone: Call-back number in clear (mask it with
            :func:`tickets.phone.mask_phone` before display), or None.
        consent: Whether the user consented to storage and contact.
        diagnosis_summary: The assistant's diagnosis summary.
        resolution_note: Staff note set with the latest status change, or None.
        created_at: Filing time (UTC, timezone-aware).
        updated_at: Time of the latest change (UTC, timezone-aware).
    """

    number: str
    sender_id: str
    status: TicketStatus
    description: str
    contested_cause_id: str | None
    contested_text: str | None
    phone: str | None = field(repr=False)
    consent: bool
    diagnosis_summary: str
    resolution_note: str | None
    created_at: datetime
    updated_at: datetime


# What replaces a ticket's description when its customer asks to be forgotten.
FORGOTTEN_DESCRIPTION = "（已按客户要求删除）"


def forgotten_pseudonym() -> str:
    """A random id that replaces a forgotten customer's id on one of their tickets.

    Random, not derived from the id: whoever holds the customer list must not
    be able to find their tickets again.
    """
    return "forgotten-" + secrets.token_hex(8)


@dataclass(frozen=True)
class ForgetResult:
    """What :meth:`TicketStore.forget_sender` changed.

    Attributes:
        tickets: Tickets whose personal fields were erased.
        handoffs: Handoff requests deleted.
    """

    tickets: int
    handoffs: int


@dataclass(frozen=True)
class SubmitResult:
    """The answer to a submitted appeal.

    Attributes:
        outcome: Created, existing (a retried submit) or queued (database down).
        ticket: The ticket; None only when the outcome is ``QUEUED``.
    """

    outcome: SubmitOutcome
    ticket: Ticket | None = None

    @property
    def queued(self) -> bool:
        """True when the appeal waits in the outbox and has no number yet."""
        return self.outcome is SubmitOutcome.QUEUED


@dataclass(frozen=True)
class Handoff:
    """A request to talk to a human agent.

    Attributes:
        id: Database id (staff only: it counts the requests).
        sender_id: Conversation that asked.
        summary: Short summary of the conversation for the agent.
        ticket_number: Related ticket, or None.
        created_at: Time of the request (UTC, timezone-aware).
        reference: Random reference the user is told ("RG4T8KWD").
    """

    id: int
    sender_id: str
    summary: str
    ticket_number: str | None
    created_at: datetime
    reference: str
