"""Demo accounts: the practice owner and two coaches. Every name is invented.

Other apps' demo builders may look these accounts up by username (for example to
assign demo clients to a coach); the usernames are therefore part of the demo's
contract.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TextIO

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from refleact.accounts.models import Role, User


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    email: str
    role: str


@dataclass(frozen=True)
class NewLogin:
    username: str
    password: str
    role: str


OWNER_USERNAME = "eigenaar"
COACH_USERNAMES = ("coach.anna", "coach.bram")

DEMO_ACCOUNTS = (
    DemoAccount(
        OWNER_USERNAME, "Eva", "Hoekstra", "eigenaar@refleact.example", Role.OWNER
    ),
    DemoAccount(
        COACH_USERNAMES[0], "Anna", "de Wit", "anna@refleact.example", Role.COACH
    ),
    DemoAccount(
        COACH_USERNAMES[1], "Bram", "Veenstra", "bram@refleact.example", Role.COACH
    ),
)


def build(*, stdout: TextIO) -> list[NewLogin]:
    """Create the demo accounts that are missing; return the logins created now.

    An existing account is left exactly as it is (its password too), so a second
    run changes nothing.
    """
    created = []
    for account in DEMO_ACCOUNTS:
        password = _demo_account_create(account=account)
        if password is None:
            stdout.write(
                _("Account %(username)s exists; left unchanged.\n")
                % {"username": account.username}
            )
        else:
            created.append(NewLogin(account.username, password, account.role))
            stdout.write(
                _("Created account %(username)s.\n") % {"username": account.username}
            )
    return created


@transaction.atomic
def _demo_account_create(*, account: DemoAccount) -> str | None:
    """Create one demo account with a random password; return it, or None if it exists."""
    if User.objects.filter(username=account.username).exists():
        return None
    # Random per clone: a demo database copied somewhere is not open to a known
    # password. Shown once; `manage.py changepassword` sets a new one.
    password = secrets.token_urlsafe(12)
    user = User(
        username=account.username,
        first_name=account.first_name,
        last_name=account.last_name,
        email=account.email,
        is_staff=True,
        is_superuser=account.role == Role.OWNER,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    # get_or_create: the data migration made the groups, but a flushed database
    # (a transactional test, `manage.py flush`) no longer has them.
    group, _created = Group.objects.get_or_create(name=account.role)
    user.groups.add(group)
    return password
