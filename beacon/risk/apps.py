from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "beacon.risk"
    label = "risk"
    verbose_name = "Risk"
