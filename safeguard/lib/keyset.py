"""Keyset pagination: a page of a list in its order, found from the row at its edge.

A page number (`OFFSET 2450`) makes the database read and throw away every row before the
page, so deep pages of a long history get slower as the history grows. A keyset page asks
for the rows after (or before) the last row the reader saw, in the order of an index, so
every page costs the same. The lists link "Newer" and "Older" (or "Earlier" and "Later")
instead of numbering pages, and say how many rows there are only up to a bound
(`bounded_count`).

The order is two or more fields, all descending (newest first) or all ascending: values that
may repeat (a date, a time) and last a unique one that breaks ties (the id). `page_of`
filters with an extra `first <= value` beside the exact tie-breaking condition, so that
PostgreSQL can start its index scan at the edge instead of reading from the top.
"""

import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.http import urlencode


class Order:
    """The fields a list is sorted by, all descending (newest first) unless `ascending`; the
    last is unique (the id), so no two rows tie."""

    __slots__ = ("ascending", "fields")

    def __init__(self, *fields: str, ascending: bool = False) -> None:
        if len(fields) < 2:
            raise ValueError("an order needs a field that may repeat and a unique one")
        self.fields = fields
        self.ascending = ascending

    @property
    def first(self) -> str:
        return self.fields[0]

    def names(self, *, reverse: bool = False) -> list[str]:
        sign = "" if self.ascending != reverse else "-"
        return [f"{sign}{name}" for name in self.fields]

    def beyond(self, edge: tuple[Any, ...], *, reverse: bool = False) -> Q:
        """The rows after `edge` in this order (before it, with `reverse`)."""
        later = self.ascending != reverse
        op = "gt" if later else "lt"
        bound = "gte" if later else "lte"
        # (a > x) or (a = x and b > y) or (a = x and b = y and c > z) ...
        exactly: dict[str, Any] = {}
        after: list[Q] = []
        for name, value in zip(self.fields, edge, strict=True):
            after.append(Q(**exactly, **{f"{name}__{op}": value}))
            exactly[name] = value
        return Q(**{f"{self.first}__{bound}": edge[0]}) & reduce(operator.or_, after)


@dataclass
class Page[T: Model]:
    """One page of rows; `newer` and `older` are the edge rows to link from, if any."""

    rows: list[Any]
    newer: T | None = None
    older: T | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None

    @property
    def object_list(self) -> list[Any]:
        """The rows, by the name Django's paginator gives them."""
        return self.rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


def page_of[T: Model](
    rows: QuerySet[T],
    order: Order,
    *,
    size: int,
    after: tuple[Any, ...] | None = None,
    before: tuple[Any, ...] | None = None,
) -> Page[T]:
    """The `size` rows after `after` (the edge of the page before), or before `before` (the
    edge of the page after), or the first `size`. Newer/older say where links go."""
    edge = before if before is not None else after
    if edge is not None:
        rows = rows.filter(order.beyond(edge, reverse=before is not None))
    found = list(rows.order_by(*order.names(reverse=before is not None))[: size + 1])
    return _page(found, size=size, after=after, before=before)


def page_of_merged[T: Model](
    sources: Sequence[tuple[QuerySet[Any], Order]],
    rows: Callable[[list[Any]], QuerySet[T]],
    *,
    size: int,
    after: tuple[Any, ...] | None = None,
    before: tuple[Any, ...] | None = None,
) -> Page[T]:
    """A page of a list that several sources feed (a person's own records and those they
    were alerted to), as `page_of` pages one.

    Each source gives the keys of its next `size + 1` rows in the list's order, read
    through its own index (each `Order` names its own fields for the same values: the
    incident's `recorded_at` and `id`, or an alert's `incident__recorded_at` and
    `incident_id`, all in the same direction); the keys are merged, and `rows(ids)` then
    fetches the page's rows, with their joins, for just those ids. Nothing is joined or
    sorted beyond the page.
    """
    reverse = before is not None
    edge = before if reverse else after
    keys: set[tuple[Any, ...]] = set()
    for source, order in sources:
        if edge is not None:
            source = source.filter(order.beyond(edge, reverse=reverse))
        keys.update(
            source.order_by(*order.names(reverse=reverse))
            .values_list(*order.fields)
            .distinct()[: size + 1]
        )
    ascending = bool(sources) and sources[0][1].ascending
    ids = [key[-1] for key in sorted(keys, reverse=ascending == reverse)[: size + 1]]
    by_id = {row.pk: row for row in rows(ids)} if ids else {}
    return _page([by_id[pk] for pk in ids if pk in by_id], size=size, after=after, before=before)


def _page[T: Model](
    found: list[T],
    *,
    size: int,
    after: tuple[Any, ...] | None,
    before: tuple[Any, ...] | None,
) -> Page[T]:
    """The page from up to `size + 1` rows read away from the edge (backwards from `before`)."""
    if before is not None:
        shown = list(reversed(found[:size]))
        return Page(
            shown,
            newer=shown[0] if len(found) > size else None,
            older=shown[-1] if shown else None,
        )
    shown = found[:size]
    return Page(
        shown,
        newer=shown[0] if after is not None and shown else None,
        older=shown[-1] if len(found) > size else None,
    )


def bounded_count(rows: QuerySet[Any], limit: int) -> int:
    """How many rows there are, counting no further than `limit` (reads at most that many)."""
    return rows.order_by().values("pk")[:limit].count()


def bounded_count_of_ids(sources: Sequence[QuerySet[Any]], limit: int) -> int:
    """How many different ids the sources give together (each a `values_list` of one id
    column), counting no further than `limit`: only the ids are read, never their rows."""
    if not sources:
        return 0
    first, *others = [source.order_by() for source in sources]
    if not others:
        return first.distinct()[:limit].count()
    return first.union(*others).order_by()[:limit].count()


def links[T: Model](page: Page[T], edge_of: Callable[[T], str], query: str = "") -> dict[str, str]:
    """The addresses of the newer and older pages, for includes/keyset_pager.html: `query`
    ("status=new&": the filters to keep) then `before=` or `after=` the edge row's token."""
    found = {}
    if page.newer is not None:
        found["newer"] = f"?{query}{urlencode({'before': edge_of(page.newer)})}"
    if page.older is not None:
        found["older"] = f"?{query}{urlencode({'after': edge_of(page.older)})}"
    return found
