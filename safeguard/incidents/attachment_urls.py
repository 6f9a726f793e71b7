"""URLs for attachment (joined into incidents/urls.py)."""

urlpatterns: list = []
