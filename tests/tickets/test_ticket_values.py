"""Phone numbers, ticket numbers, form validation and configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from tickets.config import DEFAULT_DATABASE_URL, ConfigError, load_settings
from tickets.models import AppealForm, InvalidInputError, TicketStatus
from tickets.numbers import (
    ALPHABET,
    is_ticket_number,
    new_ticket_number,
    normalize_ticket_number,
)
from tickets.phone import is_valid_mobile, mask_phone, normalize_mobile


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812341234", "138****1234"),
        ("19900001111", "199****1111"),
        ("12345", "***45"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone_hides_the_middle(number, masked):
    assert mask_phone(number) == masked


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("13812341234", True),
        ("19912345678", True),
        ("12812341234", False),  # 12x is no mobile prefix
        ("23812341234", False),
        ("1381234123", False),  # 10 digits
        ("138123412345", False),  # 12 digits
        ("138-1234-1234", False),  # not normalised
        ("１３８１２３４１２３４", False),  # full-width digits
    ],
)
def test_is_valid_mobile(number, valid):
    assert is_valid_mobile(number) is valid


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("+86 138-1234-1234", "13812341234"),
        ("0086 13812341234", "13812341234"),
        (" 138 1234 1234 ", "13812341234"),
    ],
)
def test_normalize_mobile_strips_separators_and_country_code(typed, normalised):
    assert normalize_mobile(typed) == normalised


def test_ticket_alphabet_has_no_look_alike_characters():
    assert not set("0O1IL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31


def test_new_ticket_numbers_are_well_formed_and_varied():
    numbers = {new_ticket_number() for _ in range(200)}
    assert all(is_ticket_number(n) and len(n) == 8 for n in numbers)
    assert len(numbers) == 200


@pytest.mark.parametrize(
    ("typed", "canonical", "valid"),
    [
        ("jb 7k3-m9q", "JB7K3M9Q", True),
        ("JB7K3M9Q", "JB7K3M9Q", True),
        ("JB7K3M9O", "JB7K3M9O", False),  # O is not in the alphabet
        ("JB7K3M9", "JB7K3M9", False),
    ],
)
def test_ticket_number_normalisation(typed, canonical, valid):
    assert normalize_ticket_number(typed) == canonical
    assert is_ticket_number(canonical) is valid


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sender_id": " "}, "sender_id must not be empty"),
        ({"description": ""}, "description must not be empty"),
        ({"contested_cause_id": None, "contested_text": " "}, "contested_cause_id or contested_text is required"),
        ({"contested_cause_id": "overdue"}, "contested_cause_id must be an upper-case cause id"),
        ({"phone": "12345678901"}, "phone is not an 11-digit mainland mobile number"),
        ({"consent": False}, "a phone number may be stored only with consent"),
        ({"description": "字" * 2001}, "description is longer than 2000 characters"),
    ],
)
def test_invalid_appeal_form_is_rejected(changes, message):
    values = {
        "sender_id": "conv-1",
        "description": "记录有误",
        "contested_cause_id": "OVERDUE_RECORD",
        "phone": "13812341234",
        "consent": True,
    }
    values.update(changes)
    with pytest.raises(InvalidInputError, match=message):
        AppealForm(**values)


def test_invalid_phone_message_does_not_repeat_the_number():
    with pytest.raises(InvalidInputError) as caught:
        AppealForm(sender_id="c", description="d", contested_text="t", phone="12345678901", consent=True)
    assert "12345678901" not in str(caught.value)


def test_form_repr_hides_the_phone_number():
    form = AppealForm(sender_id="c", description="d", contested_text="t", phone="13812341234", consent=True)
    assert "13812341234" not in repr(form)


def test_equal_forms_have_equal_fingerprints_and_different_forms_do_not():
    def form(description: str) -> AppealForm:
        return AppealForm(sender_id="c", description=description, contested_text="t")

    assert form("a").fingerprint() == form("a").fingerprint()
    assert form("a").fingerprint() != form("b").fingerprint()


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("submitted", TicketStatus.SUBMITTED),
        ("IN_REVIEW", TicketStatus.IN_REVIEW),
        (" resolved ", TicketStatus.RESOLVED),
    ],
)
def test_status_parses_its_value(text, status):
    assert TicketStatus.parse(text) is status


def test_unknown_status_names_the_allowed_values():
    with pytest.raises(ValueError) as caught:
        TicketStatus.parse("done")
    assert str(caught.value) == "unknown status 'done'; allowed: submitted, in_review, resolved"


def test_settings_default_to_sqlite_file_under_var():
    settings = load_settings({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL.endswith("/var/tickets.db")
    assert settings.outbox_path.parent.name == "var"
    assert settings.connect_timeout == 5


def test_settings_read_the_environment():
    settings = load_settings(
        {
            "DATABASE_URL": "postgres://u:p@db/tickets",
            "TICKETS_OUTBOX_PATH": "/data/outbox.jsonl",
            "TICKETS_DB_CONNECT_TIMEOUT": "2",
        }
    )
    assert settings.database_url == "postgresql://u:p@db/tickets"
    assert settings.outbox_path == Path("/data/outbox.jsonl")
    assert settings.connect_timeout == 2


@pytest.mark.parametrize("timeout", ["0", "-1", "soon"])
def test_bad_connect_timeout_is_a_config_error(timeout):
    with pytest.raises(ConfigError, match="TICKETS_DB_CONNECT_TIMEOUT must be a positive integer") as caught:
        load_settings({"TICKETS_DB_CONNECT_TIMEOUT": timeout})
    assert (caught.value.variable, caught.value.value) == ("TICKETS_DB_CONNECT_TIMEOUT", timeout)
