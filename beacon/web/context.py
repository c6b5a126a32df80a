from django.urls import reverse

from beacon.core import permissions as perm


def navigation(request):
    """The service navigation: only the areas the signed-in user may use."""
    user = request.user
    items = []
    if perm.can(user, perm.VIEW_DASHBOARDS):
        items.append(("Performance", reverse("web:performance"), "/performance/"))
    if perm.can(user, perm.VIEW_RISKS):
        items.append(("Risks", reverse("web:risks"), "/risks/"))
    if perm.can(user, perm.VIEW_RETURNS):
        items.append(("Returns", reverse("web:returns"), "/returns/"))
    items.append(("Reports", reverse("web:reports"), "/reports/"))
    if perm.can(user, perm.EXPORT_DATA):
        items.append(("Data", reverse("web:data"), "/data/"))
    if getattr(user, "is_staff", False):
        items.append(("Administration", reverse("admin:index"), "/admin/"))
    path = request.path
    if not user.is_authenticated:
        items = [i for i in items if i[0] == "Reports"]
    nav = [{"label": label, "url": url, "active": path.startswith(prefix)} for label, url, prefix in items]
    return {"nav_items": nav, "user_roles": sorted(perm.roles_of(user))}
