from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "safeguard.pupils"
    label = "pupils"
