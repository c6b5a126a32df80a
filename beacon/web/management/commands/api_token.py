from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from beacon.core.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (it is shown only once; only a hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="a label to recognise the token by")

    def handle(self, username, name="", **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        _, token = ApiToken.issue(user, name)
        self.stdout.write(token)
