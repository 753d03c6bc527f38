"""Appeal ticket store of 借呗助手 and its staff CLI.

Public API for the rasa-sdk actions (nothing here connects at import time)::

    from tickets import AppealForm, SubmitOutcome, get_store
    result = get_store().submit_appeal(AppealForm(...), idempotency_key)

See :class:`tickets.store.TicketStore` for the operations.
"""

from __future__ import annotations

from tickets.factory import build_store, flush_outbox, get_store
from tickets.models import (
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
)
from tickets.numbers import find_ticket_number, is_ticket_number, normalize_ticket_number
from tickets.phone import PhoneCheck, PhoneProblem, is_valid_mobile, mask_phone, normalize_mobile, read_mobile
from tickets.store import InMemoryTicketStore, SqlTicketStore, TicketStore

__all__ = [
    "AppealForm",
    "ForgetResult",
    "Handoff",
    "InMemoryTicketStore",
    "InvalidInputError",
    "PhoneCheck",
    "PhoneProblem",
    "SqlTicketStore",
    "StoreUnavailableError",
    "SubmitOutcome",
    "SubmitResult",
    "Ticket",
    "TicketNotFoundError",
    "TicketStatus",
    "TicketStore",
    "build_store",
    "find_ticket_number",
    "flush_outbox",
    "get_store",
    "is_ticket_number",
    "is_valid_mobile",
    "mask_phone",
    "normalize_mobile",
    "normalize_ticket_number",
    "read_mobile",
]
