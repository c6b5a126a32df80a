from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "beacon.performance"
    label = "performance"
    verbose_name = "Performance"

    def ready(self):
        from beacon.bundle.importer import register

        from .bundle import PART

        register(PART)
