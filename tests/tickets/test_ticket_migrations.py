"""Alembic migrations create the schema the store describes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tickets.migrate import VERSION_TABLE, alembic_config, current_revision, head_revision, upgrade_to_head
from tickets.schema import metadata


@pytest.fixture(params=["sqlite_file", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path):
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = sa.create_engine(url, future=True)
    yield engine
    engine.dispose()


def test_upgrading_an_empty_database_creates_the_tables(empty_engine):
    assert sa.inspect(empty_engine).get_table_names() == []
    upgrade_to_head(empty_engine)
    tables = set(sa.inspect(empty_engine).get_table_names())
    assert tables == {"tickets", "handoffs", VERSION_TABLE}
    with empty_engine.connect() as connection:
        assert current_revision(connection) == head_revision()


def test_migrated_schema_matches_the_table_descriptions(empty_engine):
    upgrade_to_head(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = [
            diff
            for diff in compare_metadata(context, metadata)
            if not (diff[0] == "remove_table" and diff[1].name == VERSION_TABLE)
        ]
    assert differences == []


def test_handoffs_filed_before_references_get_one_each(empty_engine):
    config = alembic_config()
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        for sender in ("conv-1", "conv-2"):
            connection.execute(
                sa.text("INSERT INTO handoffs (sender_id, summary, created_at) VALUES (:s, 'x', CURRENT_TIMESTAMP)"),
                {"s": sender},
            )
    upgrade_to_head(empty_engine)
    with empty_engine.connect() as connection:
        references = connection.execute(sa.text("SELECT reference FROM handoffs")).scalars().all()
    assert len(set(references)) == 2 and all(r.startswith("RG") and len(r) == 8 for r in references)


def test_upgrading_twice_keeps_the_data(empty_engine):
    upgrade_to_head(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO handoffs (sender_id, summary, created_at, reference) "
                "VALUES ('conv-1', 'hello', CURRENT_TIMESTAMP, 'RG2345AB')"
            )
        )
    upgrade_to_head(empty_engine)
    with empty_engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM handoffs")).scalar_one()
    assert count == 1
