"""Staff operations behind the CLI, and the text they print.

Phone numbers are always shown masked.
"""

from __future__ import annotations

from tickets.models import Handoff, Ticket, TicketNotFoundError, TicketStatus
from tickets.numbers import normalize_ticket_number
from tickets.phone import mask_phone
from tickets.store import TicketStore

_TIME_FORMAT = "%Y-%m-%d %H:%M UTC"


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
    """Format every field of a ticket for ``show`` (phone masked)."""
    rows = [
        ("number", ticket.number),
        ("status", ticket.status.value),
        ("sender", ticket.sender_id),
        ("created", ticket.created_at.strftime(_TIME_FORMAT)),
        ("updated", ticket.updated_at.strftime(_TIME_FORMAT)),
        ("contested", contested_item(ticket)),
        ("description", ticket.description),
        ("phone", mask_phone(ticket.phone) or "-"),
        ("consent", "yes" if ticket.consent else "no"),
        ("diagnosis", ticket.diagnosis_summary or "-"),
        ("note", ticket.resolution_note or "-"),
    ]
    return "\n".join(f"{label + ':':<13}{value}" for label, value in rows)


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
    return f"{ticket.number} is now {ticket.status.value}"


def list_handoffs(store: TicketStore) -> list[str]:
    """Return the listing lines of all handoff requests, newest first."""
    return [format_handoff_line(handoff) for handoff in store.list_handoffs()]
