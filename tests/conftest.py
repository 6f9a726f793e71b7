"""Objects for the URL keywords, in the personas' school and in the other school."""

import pytest

from tests.routes import kwarg_objects, personal_objects


@pytest.fixture
def shared_here(school):
    return kwarg_objects(school)


@pytest.fixture
def ids_here(shared_here) -> dict[str, int]:
    return {kwarg: obj.pk for kwarg, obj in shared_here.items()}


@pytest.fixture
def ids_for(shared_here):
    """ids_for(user): the shared objects, plus the user's own alert and draft."""

    def make(user) -> dict[str, int]:
        objects = {**shared_here, **personal_objects(user, shared_here)}
        return {kwarg: obj.pk for kwarg, obj in objects.items()}

    return make


@pytest.fixture
def ids_elsewhere(other_school) -> dict[str, int]:
    return {kwarg: obj.pk for kwarg, obj in kwarg_objects(other_school).items()}
