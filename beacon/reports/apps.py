from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "beacon.reports"
    label = "reports"
    verbose_name = "Reports"
