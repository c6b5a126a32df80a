from django.contrib.auth.views import LogoutView
from django.urls import path

from .views import account, auth, dashboards, data, reports, returns, risks
from .views import editions
from .views import jobs as jobs_views
from .views import return_upload
from .views import users as users_views
from .views import search as search_views
from .views import report_settings as report_settings_views
from .views import audit as audit_views
from .views import notifications as notifications_views

from .views import targets as targets_views

app_name = "web"

urlpatterns = [
    path("", dashboards.home, name="home"),
    path("sign-in/", auth.ThrottledLoginView.as_view(), name="login"),
    path("sign-out/", LogoutView.as_view(), name="logout"),
    path("account/", account.account, name="account"),
    path("account/password/", auth.PasswordChange.as_view(), name="password_change"),
    path("notifications/", notifications_views.index, name="notifications"),
    path("notifications/preferences/", notifications_views.preferences, name="notification_preferences"),
    path("password-reset/", auth.PasswordReset.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetSent.as_view(), name="password_reset_sent"),
    path("password-reset/<uidb64>/<token>/", auth.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", auth.PasswordResetComplete.as_view(), name="password_reset_complete"),
    path("session/", auth.session_status, name="session"),
    path("session/keep-alive/", auth.keep_alive, name="keep_alive"),
    path("users/", users_views.index, name="users"),
    path("users/add/", users_views.add, name="user_add"),
    path("users/<int:pk>/", users_views.edit, name="user_edit"),
    path("performance/", dashboards.performance_index, name="performance"),
    path("performance/<str:slug>/", dashboards.overview, name="overview"),
    path("performance/<str:slug>/directorates/<str:code>/", dashboards.directorate, name="directorate"),
    path("kpis/<str:code>/", dashboards.kpi, name="kpi"),
    path("kpis/<str:code>/targets/change/", targets_views.change, name="kpi_target_change"),
    path("activity/<str:code>/", dashboards.indicator, name="indicator"),
    path("returns/", returns.index, name="returns"),
    path("returns/close-year/", returns.close_year, name="close_year"),
    path("returns/<str:slug>/", returns.period, name="returns_period"),
    path("returns/<str:slug>/<str:code>/", returns.detail, name="return"),
    path("returns/<str:slug>/<str:code>/upload/", return_upload.upload, name="return_upload"),
    path("returns/<str:slug>/<str:code>/return.<str:fmt>", return_upload.template, name="return_template"),
    path("risks/", risks.register, name="risks"),
    path("risks/editions/", editions.editions, name="risk_editions"),
    path("risks/editions/<int:pk>/", editions.edition, name="risk_edition"),
    path("risks/editions/<int:pk>/supersede/", editions.edition_supersede, name="risk_edition_supersede"),
    path("risks/editions/<int:pk>/withdraw/", editions.edition_withdraw, name="risk_edition_withdraw"),
    path("risks/editions/<int:pk>/register.<str:fmt>", editions.edition_file, name="risk_edition_file"),
    path("risks/editions/preview.<str:fmt>", editions.edition_preview, name="risk_edition_preview"),
    path("risks/<str:risk_id>/", risks.risk, name="risk"),
    path("reports/", reports.index, name="reports"),
    path("reports/compare/", reports.compare, name="report_compare"),
    path("reports/<str:slug>/", reports.detail, name="report"),
    path("reports/<str:slug>/build/", reports.build, name="report_build"),
    path("reports/<str:slug>/settings/", report_settings_views.edit, name="report_settings"),
    path("reports/<str:slug>/preview.<str:fmt>", reports.preview, name="report_preview"),
    path("reports/<str:slug>/qpr.<str:fmt>", reports.download, name="report_file"),
    path("reports/<str:slug>/correct/", reports.correct, name="report_correct"),
    path("reports/<str:slug>/editions/<int:number>/", reports.edition_detail, name="report_edition"),
    path("reports/<str:slug>/editions/<int:number>/qpr.<str:fmt>", reports.download, name="report_edition_file"),
    path("jobs/<uuid:job_id>/", jobs_views.job, name="job"),
    path("search/", search_views.search, name="search"),
    path("data/", data.index, name="data"),
    path("data/export/bundle.<str:fmt>", data.export, name="export"),
    path("data/upload/<str:token>/", data.confirm, name="data_confirm"),
    path("audit/", audit_views.audit, name="audit"),
    path("audit/changes.csv", audit_views.changes_csv, name="audit_csv"),
]

from . import urls_clerk, urls_meetings, urls_minutes  # noqa: E402  (governance: meetings, the clerk's pages, minutes)

urlpatterns += urls_clerk.urlpatterns + urls_minutes.urlpatterns + urls_meetings.urlpatterns
