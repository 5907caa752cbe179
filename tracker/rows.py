"""Rows of a few joined models read with SQL built once per process, for the per-request hot paths.

Building and compiling an ORM query costs several times what running it does (~500 µs against ~60 µs
for a token lookup, measured for issue 12), and authentication runs on every request. A JoinedReader
writes its SELECT from the models' metadata once, then each call only executes it and turns the row
into model instances with the same database converters the ORM would apply.

Each call looks the connection up once (`connections[DEFAULT_DB_ALIAS]`), as the ORM does, and hands that
on: every attribute read through `django.db.connection` looks the connection up again through its
context-aware proxy, ~7k instructions each, and a check-in POST read it ~12 times here.
"""

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, signals
from django.db.models.base import ModelState


class JoinedReader:
    """`SELECT <every column of each model> FROM <first> <joins> WHERE <where>`, as model instances.

    `models` are (model, alias) pairs in the order their columns are selected, or (model, alias, names)
    to read only those fields (the others are deferred: Django reads one when it is first used);
    `joins` and `where` are SQL written with those aliases and %s placeholders. A model whose row is
    missing (the far side of a LEFT JOIN that found nothing) comes back as None.
    """

    def __init__(
        self,
        models: Sequence[tuple[type[Model], str] | tuple[type[Model], str, Sequence[str]]],
        *,
        joins: str,
        where: str,
    ) -> None:
        self.models = [(model, alias, *only) for model, alias, *only in models]
        self.joins = joins
        self.where = where
        self._built: dict[str, tuple[str, list]] = {}

    def _build(self, db: BaseDatabaseWrapper) -> tuple[str, list[tuple]]:
        quote = db.ops.quote_name
        columns, plan = [], []
        for model, alias, *only in self.models:
            fields = [field for field in model._meta.concrete_fields if not only or field.attname in only[0]]
            first = len(columns)
            columns += [f"{alias}.{quote(field.column)}" for field in fields]
            # Only the fields that have converters are touched per row (most have none).
            converted = []
            for position, field in enumerate(fields):
                expression = field.get_col(alias)
                field_converters = db.ops.get_db_converters(expression)
                field_converters += field.get_db_converters(db)
                if field_converters:
                    converted.append((first + position, expression, field_converters))
            pk_position = first + fields.index(model._meta.pk)
            attnames = [field.attname for field in fields]
            plan.append((model, first, len(columns), pk_position, converted, attnames, _init_observed(model)))
        first_model, first_alias, *_only = self.models[0]
        # Names from the models' metadata and SQL written in the code, never input; values are parameters.
        table = quote(first_model._meta.db_table)
        sql = f"SELECT {', '.join(columns)} FROM {table} {first_alias} {self.joins} WHERE {self.where}"  # noqa: S608
        return sql, plan

    def one(self, params: Sequence[Any]) -> list[Model | None] | None:
        """The instances of the first matching row (one per model, None for an unmatched LEFT JOIN)."""
        db = connections[DEFAULT_DB_ALIAS]
        built = self._built.get(db.vendor)
        if built is None:  # per vendor: quoting and converters differ between SQLite and PostgreSQL
            built = self._built[db.vendor] = self._build(db)
        sql, plan = built
        with db.cursor() as cursor:
            cursor.execute(sql, list(params))
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        instances: list[Model | None] = []
        for model, start, end, pk_position, converted, attnames, observed in plan:
            if values[pk_position] is None:  # no row on this side
                instances.append(None)
                continue
            for position, expression, field_converters in converted:
                value = values[position]
                for converter in field_converters:
                    value = converter(value, expression, db)
                values[position] = value
            instances.append(_loaded(model, attnames, values[start:end], alias=db.alias, observed=observed))
        return instances


def _init_observed(model: type[Model]) -> bool:
    return signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)


def _loaded(
    model: type[Model], attnames: list[str], values: list[Any], *, alias: str, observed: bool
) -> Model:
    """What `model.from_db(alias, attnames, values)` returns (`values` in the order of `attnames`).

    Model.__init__ sends pre_init and post_init and walks the fields with setattr (~3 µs a model, three
    models on every authenticated request); when nothing listens to those signals (not `observed`),
    the attributes are set at once. A field left out stays deferred, as from_db leaves it.
    """
    if observed:
        return model.from_db(alias, attnames, values)
    instance = model.__new__(model)
    state = ModelState()
    state.adding = False
    state.db = alias
    instance._state = state
    instance.__dict__.update(zip(attnames, values, strict=True))
    return instance


class RowInserter:
    """`INSERT INTO <table> (<every concrete column but the auto primary key>) VALUES (...) RETURNING pk`.

    What `model(**values).save(force_insert=True)` does, with its SQL built once per vendor: the ORM
    built and compiled the INSERT of a check-in on every POST, ~500 µs against ~200 µs for running it
    (issue 12). No pre_save/post_save signals are sent: use it only for models nothing listens to.
    """

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self._built: dict[str, tuple[str, list]] = {}
        self._fields: list[tuple[str, str, bool, Any]] | None = None  # (name, attname, relation?, field)
        self._names: frozenset[str] = frozenset()  # the fields' names (set with _fields)
        self._observed = False  # something listens to the model's init signals (set with _fields)

    def _build(self, db: BaseDatabaseWrapper) -> tuple[str, list]:
        meta = self.model._meta
        quote = db.ops.quote_name
        fields = [
            field for field in meta.concrete_fields if field is not meta.auto_field and not field.generated
        ]
        columns = ", ".join(quote(field.column) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        # Names from the model's metadata, never input; values are parameters.
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
            f" RETURNING {quote(meta.pk.column)}"
        )
        return sql, fields

    def new(self, values: dict[str, Any]) -> Model:
        """What `model(**values)` builds, `values` keyed by field name (a relation's value an instance
        or None), unset fields at their defaults.

        Model.__init__ walks every field against the keywords and sets relations through their
        descriptors (~25 µs a check-in); when nothing listens to its signals, the attributes are set at
        once and the related instances cached as the descriptors cache them.
        """
        if self._fields is None:
            meta = self.model._meta
            self._fields = [
                (field.name, field.attname, field.is_relation, field)
                for field in meta.concrete_fields
                if not field.generated
            ]
            self._names = frozenset(name for name, *_rest in self._fields)
            self._observed = _init_observed(self.model)
        if self._observed:
            return self.model(**values)
        unknown = values.keys() - self._names
        if unknown:
            raise TypeError(f"{self.model.__name__} has no fields {sorted(unknown)}")
        instance = self.model.__new__(self.model)
        state = instance._state = ModelState()
        attributes, related = instance.__dict__, state.fields_cache
        for name, attname, is_relation, field in self._fields:
            if name not in values:
                attributes[attname] = field.get_default()
            elif is_relation:
                target = related[name] = values[name]
                attributes[attname] = None if target is None else target.pk
                if target is not None and state.db is None:  # as the descriptor decides it
                    state.db = router.db_for_write(self.model, instance=target)
            else:
                attributes[attname] = values[name]
        return instance

    def insert(self, instance: Model) -> None:
        """Insert `instance` (its primary key unset) and give it the new key, as save() would.

        Values go through each field's pre_save (auto_now, auto_now_add) and its database preparation
        as the ORM's do, as already prepared: they must be of the field's Python type, as `new` keeps
        them from a validated input (the ORM would first coerce "3" to 3, ~10 µs for every insert).
        """
        db = connections[DEFAULT_DB_ALIAS]
        built = self._built.get(db.vendor)
        if built is None:
            built = self._built[db.vendor] = self._build(db)
        sql, fields = built
        params = [
            field.get_db_prep_value(field.pre_save(instance, True), db, prepared=True) for field in fields
        ]
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            (pk,) = cursor.fetchone()
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = db.alias
