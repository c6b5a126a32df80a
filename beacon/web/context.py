from django.conf import settings
from django.urls import reverse

from beacon.core import permissions as perm

from .middleware import session_expires_in


def duration_words(seconds: int) -> str:
    """``8 hours``, ``30 minutes``, ``1 hour 30 minutes``: how long, for people."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes = (rest + 59) // 60
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def navigation(request):
    """The service navigation: only the areas the signed-in user may use; and how long the
    session has left (the timeout warning, ``web/session.js``)."""
    user = request.user
    items = []
    if perm.can(user, perm.VIEW_DASHBOARDS):
        items.append(("Performance", reverse("web:performance"), "/performance/"))
    if perm.can(user, perm.VIEW_RISKS):
        items.append(("Risks", reverse("web:risks"), "/risks/"))
    if perm.can(user, perm.VIEW_RETURNS):
        items.append(("Returns", reverse("web:returns"), "/returns/"))
    items.append(("Reports", reverse("web:reports"), "/reports/"))
    items.append(("Meetings", reverse("web:meetings"), "/meetings/"))  # public: exempt items only for members and clerks
    if perm.can(user, perm.EXPORT_DATA):
        items.append(("Data", reverse("web:data"), "/data/"))
    items.append(("Search", reverse("web:search"), "/search/"))  # it finds only what the person may see
    if perm.can(user, perm.MANAGE_USERS):
        items.append(("Users", reverse("web:users"), "/users/"))
    if perm.can(user, perm.VIEW_AUDIT):
        items.append(("Audit", reverse("web:audit"), "/audit/"))
    if user.is_authenticated:
        items.append(("Your account", reverse("web:account"), "/account/"))
    if getattr(user, "is_staff", False):
        items.append(("Administration", reverse("admin:index"), "/admin/"))
    path = request.path
    if not user.is_authenticated:
        items = [i for i in items if i[0] in ("Reports", "Meetings", "Search")]
    nav = [{"label": label, "url": url, "active": path.startswith(prefix)} for label, url, prefix in items]
    expires_in = session_expires_in(request)
    warning = min(settings.BEACON_SESSION_WARNING_SECONDS, settings.SESSION_COOKIE_AGE)
    return {
        "nav_items": nav,
        "user_roles": sorted(perm.roles_of(user)),
        "session_expires_in": expires_in,
        "session_warning": warning,
        "session_warning_words": duration_words(warning),
        "session_length": duration_words(settings.SESSION_COOKIE_AGE),
    }
