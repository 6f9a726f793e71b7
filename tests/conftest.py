"""Objects for the URL keywords, in the personas' school and in the other school."""

import pytest

from tests.routes import kwarg_objects, personal_objects, url_values


@pytest.fixture
def shared_here(school):
    return kwarg_objects(school)


@pytest.fixture
def ids_here(shared_here) -> dict[str, object]:
    return url_values(shared_here)


@pytest.fixture
def ids_for(shared_here):
    """ids_for(user): the shared objects, plus the user's own alert and draft."""

    def make(user) -> dict[str, object]:
        return url_values({**shared_here, **personal_objects(user, shared_here)})

    return make


@pytest.fixture
def ids_elsewhere(other_school) -> dict[str, object]:
    return url_values(kwarg_objects(other_school))
