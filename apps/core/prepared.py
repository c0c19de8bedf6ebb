"""Querysets compiled to SQL once per process, run again with other values.

Django compiles a queryset to SQL every time it runs it; for the small lookups a
request makes on every post (the token and its officer, the room and its
operation) compiling took several times longer than running the query. A
`PreparedQuery` builds its queryset once with stand-in values, keeps the SQL and
where each stand-in went among the parameters, and afterwards only puts the real
values in those places, runs the SQL and makes the model instances the way
Django's own iterator does (select_related included). The queryset stays the one
statement of the rule: the SQL is compiled from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators


class _Standin:
    """A value no real call passes; found again among the compiled parameters."""

    def __init__(self, index: int, kind: type) -> None:
        self.index = index
        self.value: Any = (
            -(7_310_000_000 + index) if kind is int else f"\x1fprepared-standin-{index}\x1f"
        )


class _Compiled:
    def __init__(self, queryset: QuerySet, standins: list[_Standin], alias: str) -> None:
        if (
            queryset._iterable_class is not ModelIterable
            or getattr(queryset, "_known_related_objects", None)
            or queryset.query.annotation_select
        ):
            raise ValueError("a prepared query makes model instances of a plain queryset")
        compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots: list[tuple[int, int]] = []  # (parameter position, argument index)
        wanted = {s.value: s.index for s in standins}
        for position, value in enumerate(self.params):
            if isinstance(value, int | str) and value in wanted:
                self.slots.append((position, wanted[value]))
        if {index for _, index in self.slots} != set(range(len(standins))):
            raise ValueError("every argument must reach the SQL as a parameter of its own")
        self.compiler = compiler
        klass_info = compiler.klass_info
        self.model = klass_info["model"]
        select_fields = klass_info["select_fields"]
        self.start, self.end = select_fields[0], select_fields[-1] + 1
        self.init_list = [f[0].target.attname for f in compiler.select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, compiler.select, alias)  # type: ignore[call-arg]


class PreparedQuery[M: Model]:
    """`build(*args)` returns a queryset of model instances; calling this runs it.

    Each argument (an int or a str) must appear in the SQL as a parameter of its
    own, which `build` is checked for when first compiled.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], *kinds: type) -> None:
        self.build = build
        self.kinds = kinds
        self.compiled: dict[str, _Compiled] = {}

    def _compiled(self, alias: str) -> _Compiled:
        compiled = self.compiled.get(alias)
        if compiled is None:
            standins = [_Standin(i, kind) for i, kind in enumerate(self.kinds)]
            queryset = self.build(*(s.value for s in standins))
            compiled = self.compiled[alias] = _Compiled(queryset, standins, alias)
        return compiled

    def __call__(self, *args: int | str) -> list[M]:
        if len(args) != len(self.kinds):
            raise TypeError(f"expected {len(self.kinds)} arguments, got {len(args)}")
        alias = DEFAULT_DB_ALIAS  # one database (settings.DATABASES)
        compiled = self._compiled(alias)
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = args[index]
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        out = []
        for row in compiled.compiler.results_iter(results=[rows]):
            obj = compiled.model.from_db(
                alias, compiled.init_list, row[compiled.start : compiled.end]
            )
            for populator in compiled.populators:
                populator.populate(row, obj)
            out.append(obj)
        return out

    def first(self, *args: int | str) -> M | None:
        found = self(*args)
        return found[0] if found else None
