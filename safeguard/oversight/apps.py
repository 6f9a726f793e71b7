from django.apps import AppConfig


class OversightConfig(AppConfig):
    """The DSL's view over the school: the audit-trail screens and who_accessed.

    It reads every app below it and writes only audit events about its own reading.
    """

    name = "safeguard.oversight"
    label = "oversight"
