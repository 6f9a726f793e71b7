"""URLs for action (joined into incidents/urls.py)."""

urlpatterns: list = []
