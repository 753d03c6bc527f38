"""Appeal status lookups: the user's own tickets only.

A ticket number in the message ("JB7K3M9Q 进度怎么样") is looked up for this
sender; another sender's ticket is "not found". Without a number, the
sender's latest tickets are listed.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import shared
from actions.appeal import contested_display
from actions.shared import APPEAL_OFFERED_SLOT
from security.display import as_literal
from tickets import StoreUnavailableError, Ticket, TicketStatus, find_ticket_number, is_ticket_number

logger = logging.getLogger(__name__)

MAX_TICKETS_SHOWN = 5
# Mainland China has no daylight saving time: dates are shown in UTC+8.
CHINA_TIME = timezone(timedelta(hours=8))


def status_message(ticket: Ticket) -> dict[str, Any]:
    """The response and its values that describe one ticket."""
    if ticket.status is TicketStatus.RESOLVED:
        response = "utter_appeal_status_resolved" if ticket.resolution_note else "utter_appeal_status_resolved_no_note"
    elif ticket.status is TicketStatus.IN_REVIEW:
        response = "utter_appeal_status_in_review"
    else:
        response = "utter_appeal_status_submitted"
    return {
        "response": response,
        "number": ticket.number,
        "contested": contested_display(ticket.contested_cause_id or ticket.contested_text),
        "created": ticket.created_at.astimezone(CHINA_TIME).strftime("%Y-%m-%d"),
        "resolution": as_literal(ticket.resolution_note or ""),
    }


class ActionCheckAppealStatus(Action):
    """Shows the status of the user's own tickets; another sender's ticket is 'not found'."""

    def name(self) -> str:
        return "action_check_appeal_status"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        number = find_ticket_number(shared.latest_text(tracker))
        if number is not None and not is_ticket_number(number):
            dispatcher.utter_message(response="utter_appeal_status_bad_number", number=number)
            return []
        try:
            store = shared.ticket_store()
            if number is not None:
                ticket = await asyncio.to_thread(store.get_ticket, number, tracker.sender_id)
                tickets = [] if ticket is None else [ticket]
            else:
                tickets = await asyncio.to_thread(store.list_tickets, tracker.sender_id)
        except StoreUnavailableError:
            logger.warning("status lookup for %s failed: the ticket database is unavailable", tracker.sender_id)
            dispatcher.utter_message(response="utter_appeal_status_unavailable")
            return []
        except Exception:
            logger.exception("status lookup for %s failed", tracker.sender_id)
            dispatcher.utter_message(response="utter_appeal_status_unavailable")
            return []

        if number is not None and not tickets:
            logger.info("status lookup by %s: %s not found", tracker.sender_id, number)
            dispatcher.utter_message(response="utter_appeal_status_not_found", number=number)
            return []
        if not tickets:
            dispatcher.utter_message(response="utter_appeal_status_none")
            return [SlotSet(APPEAL_OFFERED_SLOT, True)]
        if len(tickets) > 1:
            dispatcher.utter_message(
                response="utter_appeal_status_list_header",
                count=len(tickets),
                shown=min(len(tickets), MAX_TICKETS_SHOWN),
            )
        shown = tickets[:MAX_TICKETS_SHOWN]
        for ticket in shown:
            dispatcher.utter_message(**status_message(ticket))
        logger.info("status lookup by %s: %d ticket(s) shown", tracker.sender_id, len(shown))
        return []
