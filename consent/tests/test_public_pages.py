"""The public pages: the policy (current and earlier versions) and the transparency
page, generated from the inventory, in Dutch and in English, without a login."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from consent.models import PolicyVersion
from refleact.inventory import declarations as inventory

pytestmark = pytest.mark.django_db(databases="__all__")


def test_policy_page_shows_the_seed_policy_without_login(client):
    response = client.get(reverse("consent:policy"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Privacybeleid Refleact" in body
    assert "Delen met anderen" in body
    assert "Call Now Button" not in body  # the scraped web-page junk stays out
    assert "<script" not in body and 'style="' not in body


def test_a_new_version_becomes_current_on_its_date_and_the_old_one_is_listed():
    from django.test import Client

    http = Client()
    today = timezone.localdate()
    PolicyVersion.objects.create(
        version=2,
        language="nl",
        effective_on=today + timedelta(days=1),
        text="# Versie twee",
    )
    assert "Versie twee" not in http.get(reverse("consent:policy")).content.decode()
    with time_machine.travel(today + timedelta(days=1, hours=12)):
        body = http.get(reverse("consent:policy")).content.decode()
        assert "Versie twee" in body
        assert reverse("consent:policy_version", args=[1]) in body
        earlier = http.get(reverse("consent:policy_version", args=[1]))
        assert "Privacybeleid Refleact" in earlier.content.decode()
    assert http.get(reverse("consent:policy_version", args=[2])).status_code == 404


def test_policy_markdown_is_sanitised():
    PolicyVersion.objects.create(
        version=2,
        language="nl",
        effective_on=date(2020, 1, 1),
        text='# Kop\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b onclick="x">b</b>',
    )
    from django.test import Client

    body = Client().get(reverse("consent:policy")).content.decode()
    assert "<script" not in body and "javascript:" not in body and "onclick" not in body


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_public_pages_refuse_writes(client, method):
    for name in ("consent:policy", "consent:transparency"):
        assert getattr(client, method)(reverse(name)).status_code == 405


def _group_names(language):
    from django.utils import translation

    from consent import register

    with translation.override(language):
        return [
            (g.kind, g.purpose, g.basis, g.retention) for g in register.field_groups()
        ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_transparency_page_lists_every_declared_group(client, language):
    body = client.get(
        reverse("consent:transparency"), {"lang": language}
    ).content.decode()
    from html import unescape

    body = unescape(body)
    for kind, purpose, basis, retention in _group_names(language):
        assert kind in body and purpose in body and basis in body and retention in body


def test_dutch_and_english_transparency_pages_differ(client):
    nl = client.get(reverse("consent:transparency")).content.decode()
    en = client.get(reverse("consent:transparency"), {"lang": "en"}).content.decode()
    assert 'lang="nl"' in nl and "Uw rechten" in nl
    assert 'lang="en"' in en and "Your rights" in en


def test_a_new_declaration_appears_on_the_page_and_in_the_register(
    client, owner_http, monkeypatch
):
    monkeypatch.setattr(inventory, "_REGISTRY", dict(inventory._REGISTRY))
    inventory.declare(
        "clients.Client",
        "kind",
        purpose="Tell private persons from contact persons (test declaration).",
        basis=inventory.Basis.AGREEMENT,
        category=inventory.Category.IDENTIFICATION,
        retention="As long as the test runs.",
        end=inventory.End.DELETE,
    )
    for http, url in (
        (client, reverse("consent:transparency")),
        (owner_http, reverse("admin:consent_register")),
    ):
        body = http.get(url).content.decode()
        assert "Tell private persons from contact persons (test declaration)." in body


def test_the_login_page_links_to_the_transparency_page_and_the_policy(client):
    page = client.get(reverse("admin:login"))

    assert page.status_code == 200
    content = page.content.decode()
    assert f'href="{reverse("consent:transparency")}"' in content
    assert f'href="{reverse("consent:policy")}"' in content
