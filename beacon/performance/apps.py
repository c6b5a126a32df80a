from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "beacon.performance"
    label = "performance"
    verbose_name = "Performance"

    def ready(self):
        from beacon.bundle.importer import register

        from .bundle import PART
        from .bundle.benchmarks import PART as BENCHMARKS

        register(PART)
        register(BENCHMARKS)  # after the performance part: its files name KPIs
