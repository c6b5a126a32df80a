from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "beacon.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self):
        # key risk indicators (A): the bundle files, the trigger rules after a change of results,
        # and the daily run's source
        from beacon.bundle.importer import register
        from beacon.core.notifications import register_source
        from beacon.core.signals import results_changed

        from . import bundle_kri, risk_indicators

        register(bundle_kri.PART)
        results_changed.connect(risk_indicators.on_results_changed, dispatch_uid="risk-triggers")
        register_source("risk-triggers", risk_indicators.reminder_notices)
