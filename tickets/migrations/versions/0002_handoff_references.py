"""Give handoff requests random references instead of telling users their row id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tickets.numbers import new_handoff_reference

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("handoffs", sa.Column("reference", sa.String(16), nullable=True))
    connection = op.get_bind()
    ids = connection.execute(sa.text("SELECT id FROM handoffs")).scalars().all()
    references: set[str] = set()
    for handoff_id in ids:
        while (reference := new_handoff_reference()) in references:
            continue
        references.add(reference)
        connection.execute(
            sa.text("UPDATE handoffs SET reference = :reference WHERE id = :id"),
            {"reference": reference, "id": handoff_id},
        )
    with op.batch_alter_table("handoffs") as batch:
        batch.alter_column("reference", existing_type=sa.String(16), nullable=False)
        batch.create_unique_constraint("uq_handoffs_reference", ["reference"])


def downgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_constraint("uq_handoffs_reference", type_="unique")
        batch.drop_column("reference")
