from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "beacon.performance"
    label = "performance"
    verbose_name = "Performance"
