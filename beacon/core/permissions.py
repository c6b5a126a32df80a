"""Roles and what each may do: the one place the web pages and the API ask.

Roles are Django groups. A data owner's directorates are
:class:`~beacon.core.models.DirectorateAssignment` rows; a risk owner's risks are
:class:`~beacon.risk.models.RiskAssignment` rows (read here through the user's
``risk_assignments``, without importing the risk app). Administrators are Django staff users
(the admin site manages users, groups and assignments).

=====================  =============================================================
Role                   May
=====================  =============================================================
Performance lead       everything on performance: read, open periods, review returns,
                       close a year, enter any return, import and export bundles,
                       build, preview and publish the QPR
Data owner             read dashboards; enter, save and submit the returns of their
                       assigned directorates, and nothing else
Risk manager           read dashboards; everything on the risk register: add risks,
                       re-rate any risk, record action progress, prepare editions
Risk owner             read dashboards and the register; re-rate the risks assigned to
                       them and record progress on their actions
Reader                 read dashboards and the register, download exports, compare
                       published editions
Democratic services    everything on governance: bodies, people and roles, meetings,
officer (clerk)        agendas, papers, packs and their dispatch, minutes and their
                       approval, the cycle's placements; read exempt items
Member                 read meetings and decisions, exempt items and the members' pack
Public (not signed in) the home page, sign-in, published reports and their open
                       data; meetings, papers, minutes and decisions not exempt
Administrator          the Django admin (users, roles, assignments, tokens); the audit
                       view
=====================  =============================================================

The performance lead and the risk manager (and administrators, Django staff) also see the
audit view (``VIEW_AUDIT``: every recorded change, who made it, when and why, and its CSV file).

The lead and the risk manager also manage the accounts of their own area on the users page
(``MANAGE_USERS``; ``GRANTS``: data owners and their directorates, risk owners and their
risks); only an administrator gives any other role.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

LEAD = "Performance lead"
DATA_OWNER = "Data owner"
RISK_MANAGER = "Risk manager"
RISK_OWNER = "Risk owner"
READER = "Reader"
CLERK = "Democratic services officer"
MEMBER = "Member"
ROLES = (LEAD, DATA_OWNER, RISK_MANAGER, RISK_OWNER, READER, CLERK, MEMBER)

# action -> roles allowed (directorate-scoped actions are checked further in `can`)
VIEW_DASHBOARDS = "view_dashboards"
EXPORT_DATA = "export_data"
IMPORT_DATA = "import_data"
OPEN_PERIOD = "open_period"
REVIEW_RETURN = "review_return"
CLOSE_YEAR = "close_year"
VIEW_RETURNS = "view_returns"  # the returns area: lead and data owners
VIEW_RETURN = "view_return"  # one directorate's return
EDIT_RETURN = "edit_return"  # enter, save and submit one directorate's return
PUBLISH_REPORT = "publish_report"  # build, preview and publish a QPR edition
COMPARE_REPORT = "compare_report"  # see what changed in the data since an edition was published
VIEW_RISKS = "view_risks"  # the register, risk pages and editions
MANAGE_RISKS = "manage_risks"  # add risks, lifecycle operations, prepare editions
UPDATE_RISK = "update_risk"  # re-rate one risk and record progress on its actions
MANAGE_USERS = "manage_users"  # add and edit the users of one's own area (see GRANTS)
MANAGE_MEETINGS = "manage_meetings"  # bodies, meetings, agendas, papers, packs and minutes
VIEW_EXEMPT = "view_exempt"  # exempt items and the members' pack
VIEW_AUDIT = "view_audit"  # the audit view: every recorded change, and its CSV file
CHANGE_TARGET = "change_target"  # change a KPI's target or floor standard, with its reason and approval

RULES: dict[str, tuple[str, ...]] = {
    VIEW_DASHBOARDS: (LEAD, DATA_OWNER, RISK_MANAGER, RISK_OWNER, READER),
    EXPORT_DATA: (LEAD, READER),
    IMPORT_DATA: (LEAD,),
    OPEN_PERIOD: (LEAD,),
    REVIEW_RETURN: (LEAD,),
    CLOSE_YEAR: (LEAD,),
    VIEW_RETURNS: (LEAD, DATA_OWNER),
    VIEW_RETURN: (LEAD, DATA_OWNER),
    EDIT_RETURN: (LEAD, DATA_OWNER),
    PUBLISH_REPORT: (LEAD,),
    COMPARE_REPORT: (LEAD, READER),
    VIEW_RISKS: (LEAD, DATA_OWNER, RISK_MANAGER, RISK_OWNER, READER),
    MANAGE_RISKS: (RISK_MANAGER,),
    UPDATE_RISK: (RISK_MANAGER, RISK_OWNER),
    MANAGE_USERS: (LEAD, RISK_MANAGER),
    MANAGE_MEETINGS: (CLERK,),
    VIEW_EXEMPT: (CLERK, MEMBER),
    VIEW_AUDIT: (LEAD, RISK_MANAGER),
    CHANGE_TARGET: (LEAD,),
}
SCOPED = {VIEW_RETURN, EDIT_RETURN}
STAFF_TOO = {VIEW_AUDIT}  # actions administrators (Django staff) may take whatever their roles


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_beacon_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._beacon_roles = cached
    return cached


def directorate_ids(user) -> set[int]:
    """The directorates a data owner is assigned to."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_beacon_directorates", None)
    if cached is None:
        cached = set(user.directorate_assignments.values_list("directorate_id", flat=True))
        user._beacon_directorates = cached
    return cached


def risk_ids(user) -> set[int]:
    """The risks a risk owner is assigned to (primary keys)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_beacon_risks", None)
    if cached is None:
        cached = set(user.risk_assignments.values_list("risk_id", flat=True))
        user._beacon_risks = cached
    return cached


def can(user, action: str, directorate=None, risk=None) -> bool:
    """May ``user`` do ``action`` (on ``directorate`` for the scoped return actions, on ``risk``
    for updating a risk)?"""
    if action not in RULES:
        raise ValueError(f"unknown action {action!r}")
    if action in STAFF_TOO and getattr(user, "is_staff", False) and user.is_active:
        return True
    roles = roles_of(user)
    if not roles & set(RULES[action]):
        return False
    if action == UPDATE_RISK and RISK_MANAGER not in roles:
        return risk is not None and risk.pk in risk_ids(user)
    if action in SCOPED and LEAD not in roles:
        if directorate is None:
            return False
        directorate_id = directorate if isinstance(directorate, int) else directorate.pk
        return directorate_id in directorate_ids(user)
    return True


def check(user, action: str, directorate=None, risk=None) -> None:
    if not can(user, action, directorate, risk):
        raise PermissionDenied(f"not allowed: {action}")


def require(action: str):
    """View decorator: anonymous users go to sign in; signed-in users without the right get 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check(request.user, action)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# The roles each manager may give and take away, on the users page: the lead manages data
# owners (and their directorates), the risk manager risk owners (and their risks). Nobody but an
# administrator gives any other role or makes an administrator.
GRANTS: dict[str, tuple[str, ...]] = {LEAD: (DATA_OWNER,), RISK_MANAGER: (RISK_OWNER,)}


def grantable_roles(user) -> set[str]:
    """The roles ``user`` may give and take away on the users page."""
    return {granted for role in roles_of(user) for granted in GRANTS.get(role, ())}


def may_manage(user, other) -> bool:
    """May ``user`` edit ``other`` on the users page? Only someone whose every role is one
    ``user`` may grant (or who has none), who is not an administrator, and not themselves: so a
    manager can never change the e-mail (and so the password) of anyone with more rights."""
    if not can(user, MANAGE_USERS) or other.pk == user.pk or other.is_staff or other.is_superuser:
        return False
    other_roles = set(other.groups.filter(name__in=ROLES).values_list("name", flat=True))
    return other_roles <= grantable_roles(user)


def ensure_groups() -> None:
    """Create the role groups (idempotent)."""
    from django.contrib.auth.models import Group

    for name in ROLES:
        Group.objects.get_or_create(name=name)
