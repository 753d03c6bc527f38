"""SQLAlchemy Core tables of the ticket store.

The tables are created by the Alembic migrations in ``tickets/migrations``;
this module only describes them for queries (and for the test that checks the
migrations and this description agree).
"""

from __future__ import annotations

import sqlalchemy as sa

from tickets.models import (
    MAX_CAUSE_ID,
    MAX_IDEMPOTENCY_KEY,
    MAX_SENDER_ID,
    MAX_SUMMARY,
)

metadata = sa.MetaData()

tickets_table = sa.Table(
    "tickets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("number", sa.String(16), nullable=False),
    sa.Column("sender_id", sa.String(MAX_SENDER_ID), nullable=False),
    sa.Column("idempotency_key", sa.String(MAX_IDEMPOTENCY_KEY), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("contested_cause_id", sa.String(MAX_CAUSE_ID), nullable=True),
    sa.Column("contested_text", sa.Text, nullable=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("phone", sa.String(20), nullable=True),
    sa.Column("consent", sa.Boolean, nullable=False),
    sa.Column("diagnosis_summary", sa.Text, nullable=False),
    sa.Column("resolution_note", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("number", name="uq_tickets_number"),
    sa.UniqueConstraint("sender_id", "idempotency_key", name="uq_tickets_sender_idempotency"),
    sa.CheckConstraint("status IN ('submitted', 'in_review', 'resolved')", name="ck_tickets_status"),
    sa.Index("ix_tickets_sender_id", "sender_id"),
)

handoffs_table = sa.Table(
    "handoffs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(MAX_SENDER_ID), nullable=False),
    sa.Column("summary", sa.String(MAX_SUMMARY), nullable=False),
    sa.Column("ticket_number", sa.String(16), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reference", sa.String(16), nullable=False),
    sa.UniqueConstraint("reference", name="uq_handoffs_reference"),
    sa.Index("ix_handoffs_sender_id", "sender_id"),
)
