from django.contrib.auth.views import LogoutView
from django.urls import path

from .views import account, auth, dashboards, data, reports, returns, risks

app_name = "web"

urlpatterns = [
    path("", dashboards.home, name="home"),
    path("sign-in/", auth.ThrottledLoginView.as_view(), name="login"),
    path("sign-out/", LogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("performance/", dashboards.performance_index, name="performance"),
    path("performance/<str:slug>/", dashboards.overview, name="overview"),
    path("performance/<str:slug>/directorates/<str:code>/", dashboards.directorate, name="directorate"),
    path("kpis/<str:code>/", dashboards.kpi, name="kpi"),
    path("activity/<str:code>/", dashboards.indicator, name="indicator"),
    path("returns/", returns.index, name="returns"),
    path("returns/close-year/", returns.close_year, name="close_year"),
    path("returns/<str:slug>/", returns.period, name="returns_period"),
    path("returns/<str:slug>/<str:code>/", returns.detail, name="return"),
    path("risks/", risks.register, name="risks"),
    path("risks/editions/", risks.editions, name="risk_editions"),
    path("risks/editions/<int:pk>/", risks.edition, name="risk_edition"),
    path("risks/editions/<int:pk>/register.<str:fmt>", risks.edition_file, name="risk_edition_file"),
    path("risks/editions/preview.<str:fmt>", risks.edition_preview, name="risk_edition_preview"),
    path("risks/<str:risk_id>/", risks.risk, name="risk"),
    path("reports/", reports.index, name="reports"),
    path("reports/compare/", reports.compare, name="report_compare"),
    path("reports/<str:slug>/", reports.detail, name="report"),
    path("reports/<str:slug>/build/", reports.build, name="report_build"),
    path("reports/<str:slug>/preview.<str:fmt>", reports.preview, name="report_preview"),
    path("reports/<str:slug>/qpr.<str:fmt>", reports.download, name="report_file"),
    path("data/", data.index, name="data"),
    path("data/export/bundle.<str:fmt>", data.export, name="export"),
]
