"""Objects for the URL keywords, in the personas' school and in the other school."""

import pytest

from tests.routes import kwarg_objects


@pytest.fixture
def ids_here(school) -> dict[str, int]:
    return {kwarg: obj.pk for kwarg, obj in kwarg_objects(school).items()}


@pytest.fixture
def ids_elsewhere(other_school) -> dict[str, int]:
    return {kwarg: obj.pk for kwarg, obj in kwarg_objects(other_school).items()}
