from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "safeguard.incidents"
    label = "incidents"

    def ready(self) -> None:
        from django.urls import register_converter

        from safeguard.incidents.links import IncidentKeyConverter

        # `<incident:incident_id>`: addresses carry an opaque key, never the id (links.py).
        # Registered before any URL module is imported, as every incident URL uses it.
        register_converter(IncidentKeyConverter, "incident")
