from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "beacon.risk"
    label = "risk"
    verbose_name = "Risk"

    def ready(self):
        from beacon.bundle.importer import register

        from .bundle import PART

        register(PART)

        from beacon.core.notifications import register_source

        from . import reminders

        register_source(reminders.SOURCE, reminders.reminders)
