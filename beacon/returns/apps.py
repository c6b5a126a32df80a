from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "beacon.returns"
    label = "returns"
    verbose_name = "Quarterly returns"
