"""Staff operations behind the CLI, and the text they print.

The words staff read are in ``texts.yml`` beside this module (see
:mod:`stafftext`); listings stay tab-separated with the status values as
staff type them. Phone numbers are always shown masked.
"""

from __future__ import annotations

from pathlib import Path

from stafftext import LIST_SEPARATOR, Texts
from tickets.models import Handoff, Ticket, TicketNotFoundError, TicketStatus
from tickets.numbers import normalize_ticket_number
from tickets.phone import mask_phone
from tickets.store import TicketStore

TEXTS = Texts(Path(__file__).with_name("texts.yml"))

_TIME_FORMAT = "%Y-%m-%d %H:%M UTC"


def status_label(status: TicketStatus) -> str:
    """Return the Chinese name of a status (e.g. "复核中" for ``in_review``)."""
    labels = {
        TicketStatus.SUBMITTED: TEXTS("status_submitted"),
        TicketStatus.IN_REVIEW: TEXTS("status_in_review"),
        TicketStatus.RESOLVED: TEXTS("status_resolved"),
    }
    return labels[status]


def describe_status(status: TicketStatus) -> str:
    """Return a status value with its Chinese name, e.g. "in_review（复核中）"."""
    return TEXTS("status_with_label", status=status.value, label=status_label(status))


def allowed_statuses() -> str:
    """Return every status with its Chinese name, as a list for a message."""
    return LIST_SEPARATOR.join(describe_status(status) for status in TicketStatus)


def contested_item(ticket: Ticket) -> str:
    """Return the contested cause id and/or text of a ticket as one string."""
    parts = [part for part in (ticket.contested_cause_id, ticket.contested_text) if part]
    return " / ".join(parts)


def format_ticket_line(ticket: Ticket) -> str:
    """Format a ticket as one line of a listing (tab-separated)."""
    return "\t".join(
        (
            ticket.number,
            ticket.status.value,
            ticket.created_at.strftime(_TIME_FORMAT),
            ticket.sender_id,
            contested_item(ticket),
        )
    )


def format_ticket_detail(ticket: Ticket) -> str:
    """Format every field of a ticket for ``show``, one labelled row each (phone masked)."""
    none = TEXTS("detail_none")
    rows = [
        (TEXTS("detail_number"), ticket.number),
        (TEXTS("detail_status"), describe_status(ticket.status)),
        (TEXTS("detail_sender"), ticket.sender_id),
        (TEXTS("detail_created"), ticket.created_at.strftime(_TIME_FORMAT)),
        (TEXTS("detail_updated"), ticket.updated_at.strftime(_TIME_FORMAT)),
        (TEXTS("detail_contested"), contested_item(ticket) or none),
        (TEXTS("detail_description"), ticket.description),
        (TEXTS("detail_phone"), mask_phone(ticket.phone) or none),
        (TEXTS("detail_consent"), TEXTS("detail_yes") if ticket.consent else TEXTS("detail_no")),
        (TEXTS("detail_diagnosis"), ticket.diagnosis_summary or none),
        (TEXTS("detail_note"), ticket.resolution_note or none),
    ]
    return "\n".join(TEXTS("detail_row", label=label, value=value) for label, value in rows)


def format_handoff_line(handoff: Handoff) -> str:
    """Format a handoff request as one line of a listing (tab-separated)."""
    return "\t".join(
        (
            handoff.reference,
            handoff.created_at.strftime(_TIME_FORMAT),
            handoff.sender_id,
            handoff.ticket_number or "-",
            handoff.summary,
        )
    )


def list_tickets(store: TicketStore, status: TicketStatus | None = None) -> list[str]:
    """Return the listing lines of all tickets, newest first."""
    return [format_ticket_line(ticket) for ticket in store.list_all_tickets(status)]


def show_ticket(store: TicketStore, number: str) -> str:
    """Return the detail text of a ticket.

    Raises:
        TicketNotFoundError: No ticket has this number.
    """
    ticket = store.get_ticket_for_staff(number)
    if ticket is None:
        raise TicketNotFoundError(normalize_ticket_number(number))
    return format_ticket_detail(ticket)


def set_ticket_status(store: TicketStore, number: str, status: TicketStatus, note: str | None = None) -> str:
    """Change a ticket's status and return a confirmation line.

    Raises:
        TicketNotFoundError: No ticket has this number.
    """
    ticket = store.set_status(number, status, note)
    return TEXTS("status_changed", number=ticket.number, status=describe_status(ticket.status))


def list_handoffs(store: TicketStore) -> list[str]:
    """Return the listing lines of all handoff requests, newest first."""
    return [format_handoff_line(handoff) for handoff in store.list_handoffs()]
