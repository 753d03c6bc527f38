"""A throw-away PostgreSQL 15 server for tests (devstack/postgres.py does the work).

When the binaries are missing, tests skip, except under CI (``CI`` set), where
they fail: scripts/install_system_deps.sh installs them.
"""

from __future__ import annotations

from devstack.postgres import PG_BIN, PG_USER, PostgresServer, binaries_present, throwaway_server
from tests.support.prerequisites import skip_or_fail

__all__ = ["PG_USER", "PostgresServer", "start_or_skip"]


def start_or_skip() -> PostgresServer:
    """Starts a server; skips the test (fails it under CI) without the binaries."""
    if not binaries_present():
        skip_or_fail(
            f"PostgreSQL 15 binaries not found in {PG_BIN}; install postgresql-15 (scripts/install_system_deps.sh)"
        )
    return throwaway_server()
