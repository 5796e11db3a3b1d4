"""The owner manages staff accounts in the admin; a coach cannot."""

from __future__ import annotations

import pytest
from django.urls import reverse

from refleact.accounts.models import User

pytestmark = pytest.mark.django_db(databases="__all__")


def test_owner_lists_and_opens_staff_accounts(client, superuser_owner, staff_coach):
    staff_coach.first_name = "Tess"
    staff_coach.save()
    client.force_login(superuser_owner)

    listing = client.get(reverse("admin:accounts_user_changelist"), {"q": "coach"})
    change = client.get(reverse("admin:accounts_user_change", args=[staff_coach.pk]))

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [staff_coach]
    assert change.status_code == 200
    assert 'value="Tess"' in change.content.decode()


def test_owner_adds_a_coach_account(client, superuser_owner):
    client.force_login(superuser_owner)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "coach.new",
            "password1": "a long enough password",
            "password2": "a long enough password",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(username="coach.new").check_password(
        "a long enough password"
    )


def test_coach_cannot_open_staff_accounts(client, staff_coach, superuser_owner):
    client.force_login(staff_coach)

    listing = client.get(reverse("admin:accounts_user_changelist"))
    change = client.get(
        reverse("admin:accounts_user_change", args=[superuser_owner.pk])
    )

    assert listing.status_code == 403
    assert change.status_code == 403


def test_owner_group_member_adds_a_coach_account(client, staff_coach):
    owner = User.objects.create_user(
        username="praktijkhouder", password="x" * 20, is_staff=True
    )
    from django.contrib.auth.models import Group

    owner.groups.add(Group.objects.get_or_create(name="owner")[0])
    client.force_login(owner)
    listing = client.get(reverse("admin:accounts_user_changelist"))
    assert listing.status_code == 200
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "coach.nieuw",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="coach.nieuw").exists()
