"""Sealing the appeal phone number between turns (security.sealed)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from security.config import ConfigError
from security.sealed import PREFIX, is_sealed, seal, unseal

KEY = Fernet.generate_key().decode("ascii")
OTHER_KEY = Fernet.generate_key().decode("ascii")


def test_a_sealed_value_opens_with_its_key_only():
    sealed = seal("13812345678", KEY)

    assert sealed.startswith(PREFIX)
    assert "13812345678" not in sealed
    assert is_sealed(sealed)
    assert unseal(sealed, KEY) == "13812345678"
    assert unseal(sealed, OTHER_KEY) is None


@pytest.mark.parametrize(
    "value", [None, 13812345678, "13812345678", PREFIX + "not-a-token", PREFIX, PREFIX + "gAAAAA13812345678"]
)
def test_anything_else_does_not_open_and_is_not_taken_for_sealed(value):
    assert unseal(value, KEY) is None
    assert not is_sealed(value)


def test_an_altered_value_does_not_open():
    sealed = seal("13812345678", KEY)
    altered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]

    assert unseal(altered, KEY) is None


def test_the_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("JIEBEI_FIELD_KEY", KEY)

    assert unseal(seal("x"), KEY) == "x"


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "JIEBEI_FIELD_KEY 未设置"), ("short", "JIEBEI_FIELD_KEY 至少要 32 个字符"), ("x" * 44, "not a Fernet key")],
)
def test_a_missing_or_bad_key_is_a_clear_error(monkeypatch, value, message):
    monkeypatch.setenv("JIEBEI_FIELD_KEY", value)

    with pytest.raises(ConfigError, match=message):
        seal("13812345678")
