"""School scoping: no query on a school's rows can forget which school it is for.

Every model that belongs to a school inherits `SchoolOwned`. Its `objects`
manager refuses to run a query until `.for_school(school)` (or
`.for_schools(...)`) has been applied, raising `UnscopedQueryError` instead of
quietly returning every school's rows. Django's own machinery (related
managers, uniqueness checks, the admin) uses the plain `unscoped` manager,
which project code may only name in the few places listed in
`safeguard/lib/tests/test_scoping.py`.
"""

from collections.abc import Iterable
from typing import Any, Self, TypeVar

from django.db import models


class UnscopedQueryError(RuntimeError):
    """Raised when a school-owned table is queried without naming the school."""


_M = TypeVar("_M", bound=models.Model)


class SchoolScopedQuerySet(models.QuerySet[_M]):
    _is_scoped = False

    def _clone(self) -> Self:
        # django-stubs leaves Django's private QuerySet._clone undeclared.
        clone: Self = super()._clone()  # type: ignore[misc]
        clone._is_scoped = self._is_scoped
        return clone

    def for_school(self, school: Any) -> Self:
        if school is None:
            raise UnscopedQueryError(f"{self.model.__name__}: for_school(None)")
        qs = self.filter(school=school)
        qs._is_scoped = True
        return qs

    def for_schools(self, schools: Iterable[Any]) -> Self:
        qs = self.filter(school__in=list(schools))
        qs._is_scoped = True
        return qs

    def _as_scoped(self) -> Self:
        """Mark a queryset whose filter already confines it (for subclasses' named scopes)."""
        qs = self.all()
        qs._is_scoped = True
        return qs

    def _guard(self) -> None:
        if not self._is_scoped:
            raise UnscopedQueryError(
                f"{self.model.__name__} was queried without .for_school(); "
                "every query on a school's records must name the school."
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._guard()
        super()._fetch_all()

    def count(self) -> int:
        if self._result_cache is None:
            self._guard()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._guard()
        return super().exists()

    def iterator(self, *args: Any, **kwargs: Any) -> Any:
        self._guard()
        return super().iterator(*args, **kwargs)

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._guard()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._guard()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._guard()
        return super().delete()

    def in_bulk(self, *args: Any, **kwargs: Any) -> dict[Any, Any]:
        self._guard()
        return super().in_bulk(*args, **kwargs)

    def contains(self, obj: Any) -> bool:
        self._guard()
        return super().contains(obj)


SchoolScopedManager = models.Manager.from_queryset(SchoolScopedQuerySet)


class SchoolOwned(models.Model):
    """Abstract base for every row that belongs to one school."""

    school = models.ForeignKey("accounts.School", on_delete=models.PROTECT, related_name="+")

    # Declared first, so it is Django's default manager (used by related
    # managers, ModelForm uniqueness checks and the admin, which filter by
    # themselves). Project code uses `objects`.
    unscoped = models.Manager()
    objects = SchoolScopedManager()

    class Meta:
        abstract = True
