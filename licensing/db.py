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


# --- coverage token (licensing.models.CoverageToken) ----------------------------------------------

COVERAGE_TABLE = "licensing_coveragetoken"
# Grant columns that decide coverage. billable_views is not one of them (it moves on every view) except
# when it reaches the cap, which the UPDATE trigger's condition adds.
COVERAGE_GRANT_COLUMNS: tuple[str, ...] = (
    "twin_id", "brand_id", "brand_scope", "status", "valid_from", "valid_until", "channels", "allowed_master_categories",
    "allowed_article_types", "excluded_master_categories", "excluded_article_types", "territories", "view_cap",
)
# (table, events) whose every row change bumps the token.
COVERAGE_WHOLE_ROW: tuple[tuple[str, str], ...] = (
    ("licensing_consentgrant", "INSERT OR DELETE"),
    ("licensing_grantbrand", "INSERT OR UPDATE OR DELETE"),
    ("licensing_digitaltwin", "INSERT OR UPDATE OR DELETE"),
    ("licensing_talent", "UPDATE OR DELETE"),
    ("licensing_twinpose", "INSERT OR UPDATE OR DELETE"),
)
# The schema migration 0005 created the triggers for (before shop-wide grants): it runs with these.
_COVERAGE_0005 = (
    tuple(c for c in COVERAGE_GRANT_COLUMNS if c != "brand_scope"),
    tuple(t for t in COVERAGE_WHOLE_ROW if t[0] != "licensing_grantbrand"),
)


def _grant_update_condition(distinct: str, columns: tuple[str, ...] = COVERAGE_GRANT_COLUMNS) -> str:
    changed = " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)
    return (f"{changed} OR (NEW.view_cap IS NOT NULL AND NEW.billable_views >= NEW.view_cap "
            f"AND OLD.billable_views < NEW.view_cap)")


def coverage_forward_sql(vendor: str, *, columns: tuple[str, ...] = COVERAGE_GRANT_COLUMNS,
                         whole_row: tuple[tuple[str, str], ...] = COVERAGE_WHOLE_ROW) -> list[str]:
    """Triggers that give CoverageToken a new random token (idempotent). Like the append-only triggers,
    SQLite drops these when a migration rebuilds one of the tables: such a migration must end with
    RunPython(ensure_coverage_triggers)."""
    if vendor == "postgresql":
        sql = [
            f"""
            CREATE OR REPLACE FUNCTION licensing_coverage_changed() RETURNS trigger AS $$
            BEGIN
              INSERT INTO {COVERAGE_TABLE} (id, token) VALUES (1, floor(random() * 9007199254740991)::bigint)
              ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
              RETURN NULL;
            END
            $$ LANGUAGE plpgsql;
            """,
            "CREATE OR REPLACE TRIGGER licensing_consentgrant_coverage_update AFTER UPDATE ON licensing_consentgrant "
            f"FOR EACH ROW WHEN ({_grant_update_condition('IS DISTINCT FROM', columns)}) "
            "EXECUTE FUNCTION licensing_coverage_changed();",
        ]
        for table, events in whole_row:
            sql.append(f"CREATE OR REPLACE TRIGGER {table}_coverage AFTER {events} ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION licensing_coverage_changed();")
        return sql
    if vendor == "sqlite":
        bump = f"INSERT OR REPLACE INTO {COVERAGE_TABLE} (id, token) VALUES (1, random());"
        sql = [f"CREATE TRIGGER IF NOT EXISTS licensing_consentgrant_coverage_update AFTER UPDATE ON "
               f"licensing_consentgrant WHEN {_grant_update_condition('IS NOT', columns)} BEGIN {bump} END;"]
        for table, events in whole_row:
            for event in events.split(" OR "):
                sql.append(f"CREATE TRIGGER IF NOT EXISTS {table}_coverage_{event.lower()} AFTER {event} ON {table} "
                           f"BEGIN {bump} END;")
        return sql
    return []


def coverage_reverse_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        sql = ["DROP TRIGGER IF EXISTS licensing_consentgrant_coverage_update ON licensing_consentgrant;"]
        sql += [f"DROP TRIGGER IF EXISTS {t}_coverage ON {t};" for t, _ in COVERAGE_WHOLE_ROW]
        return [*sql, "DROP FUNCTION IF EXISTS licensing_coverage_changed();"]
    if vendor == "sqlite":
        sql = ["DROP TRIGGER IF EXISTS licensing_consentgrant_coverage_update;"]
        sql += [f"DROP TRIGGER IF EXISTS {t}_coverage_{e.lower()};" for t, events in COVERAGE_WHOLE_ROW
                for e in events.split(" OR ")]
        return sql
    return []


def ensure_coverage_triggers(apps, schema_editor) -> None:
    for statement in coverage_forward_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def ensure_coverage_triggers_0005(apps, schema_editor) -> None:
    columns, whole_row = _COVERAGE_0005
    for statement in coverage_forward_sql(schema_editor.connection.vendor, columns=columns, whole_row=whole_row):
        schema_editor.execute(statement, params=None)


def drop_coverage_triggers(apps, schema_editor) -> None:
    for statement in coverage_reverse_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


# --- identity columns that never change (a twin's talent, a talent's user) ---------------------------

# Moving a twin to another talent would show one person's likeness under another person's signed consent
# and send the royalty to the wrong person; pointing a talent at another login would let that login sign
# as them. Both are fixed at creation; a different person is a different row.
IMMUTABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("licensing_digitaltwin", "talent_id"),
    ("licensing_talent", "user_id"),
)


def immutable_forward_sql(vendor: str) -> list[str]:
    """BEFORE UPDATE triggers refusing a change of an IMMUTABLE_COLUMNS value (idempotent). PostgreSQL:
    SQLSTATE 23001, an IntegrityError; SQLite: RAISE(ABORT), an IntegrityError too. SQLite drops them when a
    migration rebuilds the table: such a migration must end with RunPython(ensure_immutable_triggers)."""
    if vendor == "postgresql":
        sql = []
        for table, column in IMMUTABLE_COLUMNS:
            sql.append(f"""
            CREATE OR REPLACE FUNCTION {table}_{column}_fixed() RETURNS trigger AS $$
            BEGIN
              RAISE EXCEPTION '{table}.{column} cannot change after creation'
                USING ERRCODE = 'restrict_violation';
            END
            $$ LANGUAGE plpgsql;
            """)
            sql.append(f"CREATE OR REPLACE TRIGGER {table}_{column}_immutable BEFORE UPDATE OF {column} ON {table} "
                       f"FOR EACH ROW WHEN (OLD.{column} IS DISTINCT FROM NEW.{column}) "
                       f"EXECUTE FUNCTION {table}_{column}_fixed();")
        return sql
    if vendor == "sqlite":
        return [f"CREATE TRIGGER IF NOT EXISTS {table}_{column}_immutable BEFORE UPDATE OF {column} ON {table} "
                f"WHEN OLD.{column} IS NOT NEW.{column} "
                f"BEGIN SELECT RAISE(ABORT, '{table}.{column} cannot change after creation'); END;"
                for table, column in IMMUTABLE_COLUMNS]
    return []


def immutable_reverse_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [s for t, c in IMMUTABLE_COLUMNS for s in (f"DROP TRIGGER IF EXISTS {t}_{c}_immutable ON {t};",
                                                          f"DROP FUNCTION IF EXISTS {t}_{c}_fixed();")]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {t}_{c}_immutable;" for t, c in IMMUTABLE_COLUMNS]
    return []


def ensure_immutable_triggers(apps, schema_editor) -> None:
    for statement in immutable_forward_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def drop_immutable_triggers(apps, schema_editor) -> None:
    for statement in immutable_reverse_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)
