"""The configured store is built lazily and connects on first use only."""

from __future__ import annotations

import tickets.factory as factory
from tickets import SubmitOutcome, get_store
from tickets.models import AppealForm


def test_get_store_builds_once_without_connecting(monkeypatch, tmp_path, closed_port):
    monkeypatch.setattr(factory, "_store", None)
    monkeypatch.setenv("DATABASE_URL", f"postgresql://u@127.0.0.1:{closed_port}/t")
    monkeypatch.setenv("TICKETS_OUTBOX_PATH", str(tmp_path / "outbox.jsonl"))
    monkeypatch.setenv("TICKETS_DB_CONNECT_TIMEOUT", "2")
    store = get_store()
    assert get_store() is store
    result = store.submit_appeal(AppealForm(sender_id="c", description="d", contested_text="t"))
    assert result.outcome is SubmitOutcome.QUEUED
    assert (tmp_path / "outbox.jsonl").exists()
