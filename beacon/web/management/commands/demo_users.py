"""Create the demo sign-ins: one user per role. Only for the demo database (``beacon demo``
calls this); never run it on a real installation."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from beacon.core.models import Directorate, DirectorateAssignment
from beacon.core.permissions import CLERK, DATA_OWNER, LEAD, MEMBER, READER, RISK_MANAGER, RISK_OWNER, ensure_groups
from beacon.risk.models import RiskAssignment

# username, role, directorate codes (data owners) or risk ids (risk owners), password
DEMO_USERS = [
    ("lead", LEAD, [], "beacon-lead-demo"),
    ("owner-cs", DATA_OWNER, ["CS"], "beacon-owner-demo"),
    ("owner-cype", DATA_OWNER, ["CYPE"], "beacon-owner-demo"),
    ("riskmanager", RISK_MANAGER, [], "beacon-risk-demo"),
    ("riskowner", RISK_OWNER, ["CRR0001", "CRR0002"], "beacon-risk-demo"),
    ("reader", READER, [], "beacon-reader-demo"),
    ("clerk", CLERK, [], "beacon-clerk-demo"),
    ("member", MEMBER, [], "beacon-member-demo"),
    ("admin", None, [], "beacon-admin-demo"),
]


class Command(BaseCommand):
    help = "Create the demo users (one per role) and print their sign-ins. Demo databases only."

    def handle(self, *args, **options):
        ensure_groups()
        User = get_user_model()
        lines = []
        for username, role, codes, password in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.is_staff = user.is_superuser = username == "admin"
            user.save()
            if role:
                user.groups.set([Group.objects.get(name=role)])
            scoped = []
            for code in codes:
                if role == RISK_OWNER:
                    from beacon.risk.models import Risk

                    risk = Risk.objects.filter(risk_id=code).first()
                    if risk is not None:
                        RiskAssignment.objects.get_or_create(user=user, risk=risk)
                        scoped.append(code)
                    continue
                d = Directorate.objects.filter(code=code).first()
                if d is not None:
                    DirectorateAssignment.objects.get_or_create(user=user, directorate=d)
                    scoped.append(code)
            label = role or "Administrator (Django admin)"
            if scoped:
                label += f" for {', '.join(scoped)}"
            lines.append(f"  {username:<12} {password:<20} {label}")
        self.stdout.write("Demo sign-ins (demo only):")
        self.stdout.write(f"  {'username':<12} {'password':<20} role")
        for line in lines:
            self.stdout.write(line)
