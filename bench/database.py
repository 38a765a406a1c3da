"""What the benchmarks do to their throw-away database after a bulk load."""

from __future__ import annotations

from collections.abc import Iterable


def vacuum_analyze(tables: Iterable[str]) -> None:
    """What autovacuum does after a bulk load on PostgreSQL (statistics, the visibility map),
    so that the planner sees the data as production would; nothing on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
