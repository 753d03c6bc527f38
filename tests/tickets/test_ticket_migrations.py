"""Alembic migrations create the schema the store describes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tickets.migrate import VERSION_TABLE, current_revision, head_revision, upgrade_to_head
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
            diff for diff in compare_metadata(context, metadata)
            if not (diff[0] == "remove_table" and diff[1].name == VERSION_TABLE)
        ]
    assert differences == []


def test_upgrading_twice_keeps_the_data(empty_engine):
    upgrade_to_head(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO handoffs (sender_id, summary, created_at) "
                "VALUES ('conv-1', 'hello', CURRENT_TIMESTAMP)"
            )
        )
    upgrade_to_head(empty_engine)
    with empty_engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM handoffs")).scalar_one()
    assert count == 1
