from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`manage.py load_demo`): above every other app, imported by none."""

    name = "safeguard.demo"
    label = "demo"
    verbose_name = "Demo data"
