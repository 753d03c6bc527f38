"""Create the tickets and handoffs tables.

Revision ID: 0001
Revises:
Create Date: 2024-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("contested_cause_id", sa.String(64), nullable=True),
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
    )
    op.create_index("ix_tickets_sender_id", "tickets", ["sender_id"])
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("ticket_number", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_handoffs_sender_id", "handoffs", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_handoffs_sender_id", table_name="handoffs")
    op.drop_table("handoffs")
    op.drop_index("ix_tickets_sender_id", table_name="tickets")
    op.drop_table("tickets")
