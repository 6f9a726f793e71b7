"""Files browsers fetch on their own, outside any page: a missing one is a 404 in the console."""

import pytest


@pytest.mark.parametrize("path", ["/favicon.ico", "/static/favicon.svg"])
def test_the_favicon_is_served_to_anyone(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
