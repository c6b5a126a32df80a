from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "beacon.returns"
    label = "returns"
    verbose_name = "Quarterly returns"

    def ready(self):
        from beacon.core.notifications import register_source

        from . import reminders

        register_source(reminders.SOURCE, reminders.reminders)
