"""URLs for recording (joined into incidents/urls.py)."""

urlpatterns: list = []
