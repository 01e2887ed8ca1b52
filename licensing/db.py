"""Database-level append-only protection for the ledger tables.

PostgreSQL: a BEFORE UPDATE OR DELETE row trigger raises (SQLSTATE 23001, surfaced as IntegrityError).
TRUNCATE is a statement-level operation that row triggers do not see: it is what `manage.py flush`
(and the test framework between transactional tests) uses to wipe a whole database, never a way to
edit individual rows.

SQLite: BEFORE UPDATE triggers always raise. BEFORE DELETE triggers raise unless the connection-level
function `twinshop_ledger_wipe()` returns 1, which only happens inside `manage.py flush` (overridden in
licensing/management/commands/flush.py) — the SQLite equivalent of PostgreSQL's TRUNCATE. A connection
without the function (the sqlite3 shell, another program) fails closed: the trigger errors out.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

APPEND_ONLY_TABLES: tuple[str, ...] = (
    "licensing_royaltyevent",
    "licensing_consentevent",
    "licensing_deniedview",
)

_wipe_in_progress: ContextVar[bool] = ContextVar("twinshop_ledger_wipe", default=False)


@contextlib.contextmanager
def whole_database_wipe() -> Iterator[None]:
    token = _wipe_in_progress.set(True)
    try:
        yield
    finally:
        _wipe_in_progress.reset(token)


def _ledger_wipe_allowed() -> int:
    return 1 if _wipe_in_progress.get() else 0


def register_sqlite_functions(sender, connection, **kwargs) -> None:  # connection_created receiver
    if connection.vendor == "sqlite":
        connection.connection.create_function("twinshop_ledger_wipe", 0, _ledger_wipe_allowed, deterministic=False)


def ensure_triggers(apps, schema_editor) -> None:
    """Migration operation (idempotent). SQLite drops a table's triggers whenever a migration rebuilds
    the table (most AlterField / constraint changes do), so every migration that touches one of the
    APPEND_ONLY_TABLES must end with RunPython(ensure_triggers)."""
    for statement in forward_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor) -> None:
    for statement in reverse_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def forward_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        sql = [
            """
            CREATE OR REPLACE FUNCTION licensing_refuse_change() RETURNS trigger AS $$
            BEGIN
              RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'restrict_violation';
            END
            $$ LANGUAGE plpgsql;
            """
        ]
        for table in APPEND_ONLY_TABLES:
            sql.append(
                f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION licensing_refuse_change();"
            )
        return sql
    if vendor == "sqlite":
        sql = []
        for table in APPEND_ONLY_TABLES:
            sql.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: UPDATE refused'); END;"
            )
            sql.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} WHEN twinshop_ledger_wipe() = 0 "
                f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: DELETE refused'); END;"
            )
        return sql
    return []


def reverse_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        sql = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in APPEND_ONLY_TABLES]
        return [*sql, "DROP FUNCTION IF EXISTS licensing_refuse_change();"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {t}_{op};" for t in APPEND_ONLY_TABLES for op in ("no_update", "no_delete")]
    return []
