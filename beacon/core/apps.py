from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "beacon.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        # the send-reminders job kind and its daily start by the worker loop (docs/notifications.md)
        from . import notifications  # noqa: F401
