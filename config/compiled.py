"""ORM queries compiled to SQL once per process and database, then run with fresh values.

The render gate runs the same few statements on every twin view, and the chat the same page query on every
turn; building and compiling them through the ORM cost more CPU than the database spent answering them (py-spy and in-process timing: ~2-4 ms of
Python per query against ~0.3 ms of PostgreSQL). A `CompiledQuery` keeps the ORM as the only author of
the SQL (vendor differences, FOR UPDATE OF, column lists, converters all stay Django's): it builds the
queryset once with sentinel values, remembers where each sentinel landed among the parameters, and from
then on only binds new values and executes. Results go through the compiler's own converters and related
populators, as a QuerySet's would; instances are built as Model.from_db builds them, minus its per-field
loop (`_instance`).

Only plain equality/range lookups on ints, strings, dates and datetimes are supported as parameters:
`_bind` fails loudly at first use if a sentinel cannot be found among the compiled parameters.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from django.db import connections, models
from django.db.models import Model, QuerySet, signals
from django.db.models.base import ModelState
from django.db.models.query import RelatedPopulator, get_related_populators
from django.db.transaction import TransactionManagementError


def _sentinel(kind: type, n: int) -> Any:
    # Values no real argument takes (ids near the top of a 32-bit column, NUL-prefixed strings, the year
    # 1001+n). Ints stay positive and inside that range, or Django compiles the lookup to "no rows".
    if kind is int:
        return 2_000_000_000 + n
    if kind is str:
        return f"\x00twinshop-sentinel-{n}"
    if kind is datetime:
        return datetime(1001 + n, 1, 1, tzinfo=UTC)
    if kind is date:
        return date(1001 + n, 1, 1)
    raise TypeError(f"unsupported parameter type {kind!r}")


def _builds_plainly(cls: type[Model]) -> bool:
    return cls.__init__ is Model.__init__ and cls.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]


def _instance(cls: type[Model], db: str, attnames: list[str], values: Any) -> Model:
    """`cls.from_db(db, attnames, values)`, four times faster: what Model.__init__ does for a fresh row from the
    database (each value into the instance's __dict__, a ModelState; a deferred field is simply absent), without
    its per-field loop over descriptors. A page of chat cards builds ~110 instances (4.4 -> 1.0 us each). Models
    with their own __init__ or from_db, and any pre_init/post_init receiver, get Django's own path."""
    if signals.pre_init.receivers or signals.post_init.receivers or not _builds_plainly(cls):
        return cls.from_db(db, attnames, values)
    obj = cls.__new__(cls)
    obj.__dict__.update(zip(attnames, values, strict=True))
    state = obj._state = ModelState()
    state.adding, state.db = False, db
    return obj


def _populate(populator: RelatedPopulator, row: Any, from_obj: Model) -> None:
    # RelatedPopulator.populate (Django 5.2) with _instance in place of from_db; its attributes are read as is.
    if populator.reorder_for_init:
        data = populator.reorder_for_init(row)
    else:
        data = row[populator.cols_start:populator.cols_end]
    obj = None
    if data[populator.pk_idx] is not None:
        obj = _instance(populator.model_cls, populator.db, populator.init_list, data)
        for child in populator.related_populators:
            _populate(child, row, obj)
    populator.local_setter(from_obj, obj)
    if obj is not None:
        populator.remote_setter(obj, from_obj)


class _Plan:
    __slots__ = ("sql", "params", "slots", "compiler", "for_update", "model_info", "converters")

    def __init__(self, sql, params, slots, compiler, for_update) -> None:  # type: ignore[no-untyped-def]
        self.sql, self.params, self.slots, self.compiler, self.for_update = sql, params, slots, compiler, for_update
        self.model_info = None
        self.converters = None

    def results(self, fetched: list[Any]) -> Any:
        """The fetched rows through the compiler's converters, as `compiler.results_iter` gives them; the list of
        converters is worked out once (results_iter walks every selected expression for it on each call)."""
        compiler = self.compiler
        if self.converters is None:
            fields = [s[0] for s in compiler.select[0:compiler.col_count]]
            self.converters = (compiler.get_converters(fields), compiler.has_composite_fields(fields), fields)
        converters, composite, fields = self.converters
        rows = compiler.apply_converters(fetched, converters) if converters else fetched
        return compiler.composite_fields_to_tuples(rows, fields) if composite else rows


class CompiledQuery:
    """`build(**values) -> QuerySet`, compiled once per database alias; `params` names each value's type."""

    def __init__(self, build: Callable[..., QuerySet], **params: type) -> None:
        self._build = build
        self._params = params
        self._plans: dict[str, _Plan] = {}
        self._lock = threading.Lock()

    def _plan(self, using: str, kind: str) -> _Plan:
        key = f"{using}:{kind}"
        plan = self._plans.get(key)
        if plan is None:
            with self._lock:
                plan = self._plans.get(key) or self._compile(using, kind)
                self._plans[key] = plan
        return plan

    def _compile(self, using: str, kind: str) -> _Plan:
        connection = connections[using]
        examples = {name: _sentinel(t, n) for n, (name, t) in enumerate(self._params.items())}
        query = self._build(**examples).query
        if kind == "exists":
            query = query.exists()
        compiler = query.get_compiler(using=using)
        for_update = query.select_for_update
        if for_update and not connection.in_atomic_block:
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        sql, params = compiler.as_sql()
        ops = connection.ops
        transforms: tuple[Callable[[Any], Any], ...] = (
            lambda v: v, ops.adapt_datetimefield_value, ops.adapt_datefield_value,
        )
        slots = []
        for name, example in examples.items():
            found = False
            for transform in transforms:
                try:
                    prepped = transform(example)
                except (TypeError, ValueError, AttributeError):
                    continue
                # PostgreSQL's backend hands psycopg some values wrapped (Int4 for a 32-bit column): keep the wrapper.
                positions = [i for i, p in enumerate(params) if isinstance(p, type(prepped)) and p == prepped]
                if positions:
                    slots += [(i, name, transform, type(params[i]) if type(params[i]) is not type(prepped) else None)
                              for i in positions]
                    found = True
                    break
            if not found:
                raise ValueError(f"parameter {name!r} not found in the compiled SQL: {sql}")
        return _Plan(sql, list(params), tuple(slots), compiler, for_update)

    def _execute(self, plan: _Plan, using: str, values: dict[str, Any]):  # type: ignore[no-untyped-def]
        if set(values) != set(self._params):
            raise TypeError(f"expected values for {sorted(self._params)}, got {sorted(values)}")
        connection = connections[using]
        if plan.for_update and not connection.in_atomic_block:
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(plan.params)
        for i, name, transform, wrap in plan.slots:
            value = transform(values[name])
            params[i] = wrap(value) if wrap is not None else value
        cursor = connection.cursor()
        cursor.execute(plan.sql, params)
        return cursor

    def exists(self, *, using: str = "default", **values: Any) -> bool:
        plan = self._plan(using, "exists")
        with self._execute(plan, using, values) as cursor:
            return cursor.fetchone() is not None

    def rows(self, *, using: str = "default", **values: Any) -> list[tuple]:
        """Rows of a values_list() query, converted as the QuerySet would."""
        plan = self._plan(using, "rows")
        with self._execute(plan, using, values) as cursor:
            fetched = cursor.fetchall()
        return [tuple(r) for r in plan.results(fetched)]

    def objects(self, *, using: str = "default", **values: Any) -> list[Model]:
        """Model instances (select_related ones attached), as iterating the QuerySet would give."""
        plan = self._plan(using, "objects")
        with self._execute(plan, using, values) as cursor:
            fetched = cursor.fetchall()
        compiler = plan.compiler
        if plan.model_info is None:
            select, klass_info = compiler.select, compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            plan.model_info = (klass_info["model"], start, end,
                               [f[0].target.attname for f in select[start:end]],
                               get_related_populators(klass_info, select, using), compiler.annotation_col_map)
        model_cls, start, end, init_list, populators, annotations = plan.model_info
        out = []
        for row in plan.results(fetched):
            obj = _instance(model_cls, using, init_list, row[start:end])
            for populator in populators:
                _populate(populator, row, obj)
            for attr, pos in (annotations or {}).items():
                setattr(obj, attr, row[pos])
            out.append(obj)
        return out


class CompiledInsert:
    """INSERT of the given fields of `model`, n rows per statement: the ORM's own SQL for n rows is compiled once
    per database and row count; each call only has that compiler prepare the values (`pre_save(add=True)`, so
    `auto_now_add` too, and `get_db_prep_save`) and lay them out (row by row, or column arrays for
    PostgreSQL's UNNEST form), then binds them.

    For append-only rows written on a hot path (the chat's turns): `bulk_create` rebuilt and recompiled the
    InsertQuery on every call, which cost more CPU than SQLite spent writing the rows. Nothing is returned (no
    primary keys); the objects are not marked as saved."""

    def __init__(self, model: type[Model], fields: tuple[str, ...]) -> None:
        self._model = model
        self._field_names = fields
        self._plans: dict[tuple[str, int], tuple[str, Any, list[Any]]] = {}

    def _plan(self, using: str, objs: list[Model]) -> tuple[str, Any, list[Any]]:
        key = (using, len(objs))
        plan = self._plans.get(key)
        if plan is None:
            from django.db.models.sql import InsertQuery

            fields = [self._model._meta.get_field(name) for name in self._field_names]
            query = InsertQuery(self._model)
            query.insert_values(fields, objs)
            compiler = query.get_compiler(using=using)
            statements = compiler.as_sql()
            if len(statements) != 1:  # a backend without multi-row inserts
                raise NotImplementedError(f"{connections[using].vendor} splits a {len(objs)}-row insert")
            query.objs = []  # the compiler is kept for its value preparation, not these first rows
            plan = self._plans[key] = (statements[0][0], compiler, fields)
        return plan

    def _returning_plan(self, using: str) -> tuple[str, Any, list[Any], list[str], str]:
        key = (using, 0)  # row count 0 never names a multi-row plan: this is the one-row INSERT ... RETURNING
        plan = self._plans.get(key)
        if plan is None:
            from django.db.models.sql import InsertQuery

            opts = self._model._meta
            fields = [opts.get_field(name) for name in self._field_names]
            # Every column is given, so the fast instance below needs no field defaults.
            missing = {f.attname for f in opts.concrete_fields if f is not opts.pk} - {f.attname for f in fields}
            if missing or not isinstance(opts.pk, models.AutoField):
                raise TypeError(f"create() needs every column but an auto primary key; missing {sorted(missing)}")
            connection = connections[using]
            query = InsertQuery(self._model)
            query.insert_values(fields, [self._new(using, {f.attname: None for f in fields})])
            compiler = query.get_compiler(using=using)
            compiler.returning_fields = [opts.pk]
            statements = compiler.as_sql()
            returned = connection.features.can_return_columns_from_insert
            if len(statements) != 1 or (returned and compiler.returning_params):
                raise NotImplementedError(f"{connection.vendor} needs its own INSERT ... RETURNING handling")
            query.objs = []
            plan = self._plans[key] = (statements[0][0], compiler, fields, [f.attname for f in fields],
                                       "returning" if returned else "lastrowid")
        return plan  # type: ignore[return-value]

    def _new(self, using: str, values: dict[str, Any]) -> Model:
        obj = _instance(self._model, using, [self._model._meta.pk.attname, *values], [None, *values.values()])
        obj._state.adding = True
        return obj

    def create(self, *, using: str = "default", **values: Any) -> Model:
        """One row, every column but the primary key given by field attname (`grant_id=`): the saved instance.

        What `Model.objects.create` does for a row nobody hooks, in one compiled statement. Models with
        pre_save/post_save receivers (whose contract the ORM keeps) go through the ORM."""
        model = self._model
        if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
            return model._default_manager.db_manager(using).create(**values)
        sql, compiler, fields, attnames, fetch = self._returning_plan(using)
        if set(values) != set(attnames):
            raise TypeError(f"expected values for {sorted(attnames)}, got {sorted(values)}")
        obj = self._new(using, {name: values[name] for name in attnames})
        params = [compiler.prepare_value(field, compiler.pre_save_val(field, obj)) for field in fields]
        _, param_rows = compiler.assemble_as_sql(fields, [params])
        connection = connections[using]
        opts = model._meta
        with connection.cursor() as cursor:
            cursor.execute(sql, param_rows[0])
            if fetch == "returning":
                pk = connection.ops.fetch_returned_insert_columns(cursor, ())[0]
            else:
                pk = connection.ops.last_insert_id(cursor, opts.db_table, opts.pk.column)
        obj.pk = pk
        obj._state.adding = False
        return obj

    def execute(self, objs: list[Model], *, using: str = "default") -> None:
        if not objs:
            return
        sql, compiler, fields = self._plan(using, objs)
        value_rows = [[compiler.prepare_value(field, compiler.pre_save_val(field, obj)) for field in fields]
                      for obj in objs]
        _, param_rows = compiler.assemble_as_sql(fields, value_rows)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [p for row in param_rows for p in row])
