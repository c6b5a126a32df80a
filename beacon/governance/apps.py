from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "beacon.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self):
        from beacon.bundle.importer import register

        from .bundle import PART

        register(PART)

        from beacon.core.notifications import register_source

        from . import reminders

        register_source(reminders.SOURCE, reminders.reminders)
