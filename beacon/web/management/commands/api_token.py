import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from beacon.core import clock
from beacon.core import permissions as perm
from beacon.core.models import ApiToken


class Command(BaseCommand):
    help = ("Issue an API token for a user and print it (it is shown only once; only a hash is kept). "
            "The token is read only unless --scope read-write, and expires after --days days "
            "(BEACON_API_TOKEN_DAYS, 90 by default). A user with no role is refused: the token would allow nothing.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="a label to recognise the token by")
        parser.add_argument("--scope", choices=[ApiToken.READ, ApiToken.READ_WRITE], default=ApiToken.READ,
                            help="read: GET only (the default); read-write: what the user's role allows")
        parser.add_argument("--days", type=int, default=None,
                            help="days until the token expires (default BEACON_API_TOKEN_DAYS, 90)")
        parser.add_argument("--no-expiry", action="store_true",
                            help="a token that never expires (prefer --days and issue a new one when it ends)")

    def handle(self, username, name="", scope=ApiToken.READ, days=None, no_expiry=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if not user.is_active:
            raise CommandError(f"{username!r} is not active: a token would not work")
        if not perm.roles_of(user):
            raise CommandError(f"{username!r} has no role, so an API token would not allow anything: "
                               "give them a role in the admin first")
        if no_expiry and days is not None:
            raise CommandError("give --days or --no-expiry, not both")
        if days is not None and days < 1:
            raise CommandError("--days: at least 1")
        if no_expiry:
            expires = ApiToken.NEVER
        else:
            expires = clock.now() + dt.timedelta(days=days if days is not None else settings.BEACON_API_TOKEN_DAYS)
        _, token = ApiToken.issue(user, name, scope=scope, expires_at=expires)
        self.stdout.write(token)
