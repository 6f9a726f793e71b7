"""URLs for correction (joined into incidents/urls.py)."""

urlpatterns: list = []
