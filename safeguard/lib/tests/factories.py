"""The base of every model factory: calling one is typed as the model it makes."""

from typing import TYPE_CHECKING, Any

import factory
from django.db import models


class ModelFactory[M: models.Model](factory.django.DjangoModelFactory[M]):
    """`PupilFactory()` makes a `Pupil`; factory_boy's metaclass returns it, but the
    class's own `__new__` says otherwise, so this tells the type checker the truth."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # Only the type checker reads this: factory_boy's metaclass builds the model instead.
        def __new__(cls, *args: Any, **kwargs: Any) -> M: ...  # type: ignore[misc]
