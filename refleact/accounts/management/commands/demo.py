"""`manage.py demo`: the newcomer's one command.

manage.py writes the local env file (fresh keys) before settings load; this
command migrates both databases, builds the demo data of every app that has a
builder, prints the logins and serves the app on 127.0.0.1:8000.
"""

from __future__ import annotations

import importlib
import importlib.util
import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refleact.accounts import demo as accounts_demo

# Each module has `build(*, stdout)`, idempotent; later builders may use the
# data of earlier ones (dossiers belong to clients, clients to coaches).
DEMO_MODULES = ("clients.demo", "dossiers.demo", "consent.demo", "portal.demo")
# What each database holds, said above its list of migrations.
DATABASES = {
    "default": gettext_lazy("the data"),
    "keystore": gettext_lazy("the key store, with the data keys"),
}
ADDRESS = "127.0.0.1:8000"


class Command(BaseCommand):
    help = gettext_lazy(
        "Migrate both databases, create the demo data and start the development "
        "server on 127.0.0.1:8000."
    )
    # migrate and runserver run the system checks themselves, once the tables exist.
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help=gettext_lazy("Do everything except start the development server."),
        )

    def handle(self, *args, no_serve: bool = False, **options) -> None:
        if not settings.DEBUG:
            # Invented clients and printed passwords belong on a developer's
            # machine, never in a production database.
            raise CommandError(
                _(
                    "demo runs only with DJANGO_DEBUG=true (as written to .env.local "
                    "on a fresh clone): it adds invented clients and accounts."
                )
            )
        for database, what in DATABASES.items():
            self.stdout.write(
                self.style.MIGRATE_HEADING(
                    _("Database %(alias)s (%(what)s):")
                    % {"alias": database, "what": what}
                )
            )
            call_command(
                "migrate",
                database=database,
                interactive=False,
                verbosity=options["verbosity"],
                stdout=self.stdout,
            )
        # Rows made before the blind indexes moved to the key store have no
        # digests there yet: without them search and the duplicate check miss
        # those rows. Idempotent, and quick on a demo's rows.
        call_command("blind_indexes_rebuild", stdout=io.StringIO())
        new_logins = accounts_demo.build(stdout=self.stdout)
        client_logins = []
        for name in DEMO_MODULES:
            if _module_exists(name):
                # A builder may return client logins it made: (e-mail, password).
                made = importlib.import_module(name).build(stdout=self.stdout)
                client_logins.extend(made or [])
        self._print_logins(new_logins, serving=not no_serve)
        self._print_client_logins(client_logins)
        if not no_serve:
            # No auto-reloader: it would run this whole command again in a child
            # process. `manage.py runserver` reloads for development work.
            call_command("runserver", ADDRESS, use_reloader=False)

    def _print_client_logins(self, logins: list[tuple[str, str]]) -> None:
        if not logins:
            return
        url = f"http://{ADDRESS}/portal/"
        self.stdout.write(
            self.style.SUCCESS(
                _("Log into the client portal at %(url)s with:") % {"url": url}
            )
        )
        for email, password in logins:
            self.stdout.write(f"  client  {email}  {password}")

    def _print_logins(
        self, new_logins: list[accounts_demo.NewLogin], *, serving: bool
    ) -> None:
        url = f"http://{ADDRESS}/admin/"
        if not serving:
            self.stdout.write(
                _(
                    "The app is not started (--no-serve): start it with python "
                    "manage.py runserver, then log in at %(url)s."
                )
                % {"url": url}
            )
        if not new_logins:
            self.stdout.write(
                _(
                    "The demo accounts exist already; their passwords are unchanged "
                    "(they are shown only on the first run). Log in at %(url)s, or "
                    "set a new password with: python manage.py changepassword "
                    "USERNAME"
                )
                % {"url": url}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(_("Log in at %(url)s with:") % {"url": url})
        )
        for login in new_logins:
            self.stdout.write(
                f"  {login.role:6}  {login.username:12}  {login.password}"
            )
        self.stdout.write(
            _("These passwords are shown only now; a second run leaves them unchanged.")
        )


def _module_exists(name: str) -> bool:
    """True if the module can be imported; an error inside an existing one is raised."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False  # the parent package itself is absent
