"""The Dutch catalog: complete, compiled, and used by the admin; English still works.

locale/nl/LC_MESSAGES/django.po is the project's Dutch catalog; django.mo is its
compiled form and is committed (CI machines need not have gettext). After adding
or changing a user-facing string:

    DJANGO_SETTINGS_MODULE=refleact.settings_test python manage.py makemessages \
        -l nl --ignore=venv --ignore=.venv --ignore=test-artifacts --ignore=bench \
        --ignore="*/tests/*" --ignore=tests
    (translate the new and fuzzy entries)
    DJANGO_SETTINGS_MODULE=refleact.settings_test python manage.py compilemessages \
        -l nl --ignore=venv --ignore=.venv --ignore="refleact/keystore/*"
"""

from __future__ import annotations

import ast
import gettext
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import (
    AccessAttempt,
    AccessAttemptExpiration,
    AccessFailureLog,
    AccessLog,
)
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from clients.models import Client
from dossiers.models import Trajectory
from refleact.accounts.lockout import login_name_digest
from refleact.crypto.fields import ERASED
from refleact.testing.factories import (
    AppointmentFactory,
    ClientFactory,
    DossierEntryFactory,
    EvaluationFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    OrganisationFactory,
    TrajectoryFactory,
)
from refleact.testing.personas import make_user
from tests.security.urlwalk import admin_patterns

BASE_DIR = Path(__file__).resolve().parent.parent
PO_FILE = BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
# Kept by hand: Dutch for Django's admin scripts where Django's own catalog has none.
JS_PO_FILE = PO_FILE.with_name("djangojs.po")
MAKEMESSAGES_IGNORE = ["venv", ".venv", "test-artifacts", "bench", "*/tests/*", "tests"]


# -- a tiny .po parser (polib is not a dependency) -----------------------------------


@dataclass
class PoEntry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def parse_po(text: str) -> list[PoEntry]:
    """Return the catalog's entries, header and obsolete (#~) entries left out."""
    entries: list[PoEntry] = []
    current: dict[str, str] = {}
    flags: set[str] = set()
    key = None

    def flush():
        nonlocal current, flags
        if current.get("msgid"):
            entries.append(
                PoEntry(
                    msgid=current["msgid"],
                    msgctxt=current.get("msgctxt"),
                    msgid_plural=current.get("msgid_plural"),
                    msgstr=[
                        v for k, v in sorted(current.items()) if k.startswith("msgstr")
                    ],
                    flags=flags,
                )
            )
        current, flags = {}, set()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if any(k.startswith("msgstr") for k in current):
                flush()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        if key in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in current):
            flush()
        current[key] = ast.literal_eval(value)
    flush()
    return entries


def _untranslated(entries: list[PoEntry]) -> list[str]:
    return [
        e.msgid
        for e in entries
        if "fuzzy" in e.flags or not e.msgstr or not all(s.strip() for s in e.msgstr)
    ]


@pytest.fixture(scope="module", params=[PO_FILE, JS_PO_FILE], ids=lambda p: p.name)
def po_file(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def catalog(po_file) -> list[PoEntry]:
    return parse_po(po_file.read_text(encoding="utf-8"))


# -- the catalog itself ---------------------------------------------------------------


def test_parser_reads_multiline_plural_and_fuzzy_entries():
    entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        '#, python-format\nmsgid "one %(n)s"\nmsgid_plural "many "\n"%(n)s"\n'
        'msgstr[0] "een %(n)s"\nmsgstr[1] ""\n\n'
        '#, fuzzy\nmsgid "a \\"b\\""\nmsgstr "c"\n'
        '#~ msgid "gone"\n#~ msgstr "weg"\n'
    )

    assert [e.msgid for e in entries] == ["one %(n)s", 'a "b"']
    assert entries[0].msgid_plural == "many %(n)s"
    assert entries[0].msgstr == ["een %(n)s", ""]
    assert _untranslated(entries) == ["one %(n)s", 'a "b"']


def test_every_msgid_has_a_dutch_translation(catalog, po_file):
    assert len(catalog) > (100 if po_file == PO_FILE else 5)
    assert _untranslated(catalog) == []


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def test_translations_keep_the_placeholders(catalog):
    wrong = [
        (e.msgid, s)
        for e in catalog
        for s in e.msgstr
        if Counter(_PLACEHOLDER.findall(s)) != Counter(_PLACEHOLDER.findall(e.msgid))
    ]
    assert wrong == []


def test_the_compiled_catalog_matches_the_po_file(catalog, po_file):
    # A .po edited without compilemessages would change nothing on screen.
    with po_file.with_suffix(".mo").open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for e in catalog:
        if e.msgid_plural is None:
            got = [
                compiled.pgettext(e.msgctxt, e.msgid)
                if e.msgctxt
                else compiled.gettext(e.msgid)
            ]
        else:
            got = [compiled.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
        if got != e.msgstr:
            stale.append(e.msgid)
    assert stale == []


def test_the_catalog_has_every_string_of_the_source(tmp_path, settings, monkeypatch):
    """Extract the strings again into a copy of the catalog: nothing may be new."""
    tools = ("xgettext", "msgmerge", "msguniq")
    assert all(map(shutil.which, tools)), "gettext is missing: bash scripts/setup"
    skip = shutil.ignore_patterns(
        *MAKEMESSAGES_IGNORE, ".git", ".*cache", ".env*", "*.sqlite3", "locale", "var"
    )
    tree = tmp_path / "tree"
    shutil.copytree(BASE_DIR, tree, ignore=skip)
    locale = tmp_path / "locale"
    (locale / "nl" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO_FILE, locale / "nl" / "LC_MESSAGES" / "django.po")
    settings.LOCALE_PATHS = [str(locale)]  # never the real catalog
    monkeypatch.chdir(tree)

    call_command(
        "makemessages", locale=["nl"], ignore_patterns=MAKEMESSAGES_IGNORE, verbosity=0
    )

    regenerated = parse_po(
        (locale / "nl" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    )
    assert len(regenerated) > 100
    assert _untranslated(regenerated) == [], "run makemessages and translate these"


# -- the catalog in use -------------------------------------------------------------


def test_model_names_choices_and_the_erased_marker_in_dutch():
    with translation.override("nl"):
        assert str(Client._meta.verbose_name) == "cliënt"
        assert str(Client._meta.verbose_name_plural) == "cliënten"
        assert str(Trajectory.Status.CLOSED.label) == "afgesloten"
        assert str(ERASED) == "gewist"


def test_english_is_still_english():
    with translation.override("en"):
        assert str(Client._meta.verbose_name) == "client"
        assert str(Trajectory.Status.CLOSED.label) == "closed"
        assert str(ERASED) == "erased"


@pytest.mark.django_db(databases="__all__")
@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("nl", "Cliënten", "Clients"), ("en", "Clients", "Cliënten")],
)
def test_admin_index_speaks_the_requested_language(
    owner_http, language, shown, not_shown
):
    # override() puts back the thread's language, which LocaleMiddleware changes.
    with translation.override(language):
        page = owner_http.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language)

    content = page.content.decode()
    assert page.status_code == 200
    assert f'lang="{language}"' in content
    assert shown in content
    assert not_shown not in content


# -- no English on the admin's pages under Dutch ---------------------------------------

# Words that are English and never Dutch. Left out on purpose: words both languages
# use ("is", "in", "of", "die", "Filter", "Coach", "Browser", "Status", "Pagina"
# loanwords, "e-mail"). A page in Dutch shows none of these outside the allow-list.
ENGLISH_WORDS = frozenset(
    """
    the and with for to by this that these those your you are was were has have
    not from which when where what who will would should can could may must
    choose chosen select selected remove add added change changed changes delete
    deleted save saved search history recent actions action view edit none yes
    all any only today now yesterday tomorrow date time user users group groups
    password permission permissions owner attempt attempts access failure
    failures expires expiration locked logout login log out name names show hide
    clear close cancel available click type box arrow here there please enter
    first last next previous page home site welcome documentation theme toggle
    current invoice invoices client clients trajectory trajectories appointment
    appointments evaluation evaluations entry entries organisation organisations
    quote quotes data unknown required field fields
    """.split()
)
# Proper names and terms that stay as they are in Dutch.
ALLOWED = frozenset({"Refleact", "IBAN", "Jitsi", "BIT", "URL", "IP", "HTTP", "PDF"})
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# E-mail addresses, URLs and paths; and "<unknown>", which django-axes stores as
# the user agent of a request that sent none (data, not the interface's words).
# Also an authenticator key shown for typing in ("N7UQ CJ6M ... TO5T"): random
# base32 groups of four, which now and then spell an English word.
_SKIPPED_TEXT = re.compile(
    r"\S+@\S+|https?://\S+|/[\w./-]*|<unknown>|(?:\b[A-Z2-7]{4}\b\s*){4,}"
)
_NOT_INTERFACE = ("script", "style", "template", "textarea")
_SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-label")


class _VisibleText(HTMLParser):
    """Collect what a person sees or hears: text outside script/style, labels."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        # A textarea's text is data the practice typed (the policy's own text),
        # not the interface's words.
        if tag in _NOT_INTERFACE:
            self._hidden += 1
        attrs = dict(attrs)
        self.chunks += [attrs[a] for a in _SHOWN_ATTRIBUTES if attrs.get(a)]
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.chunks.append(attrs.get("value") or "")

    def handle_endtag(self, tag) -> None:
        if tag in _NOT_INTERFACE and self._hidden:
            self._hidden -= 1

    def handle_data(self, data) -> None:
        if not self._hidden and data.strip():
            self.chunks.append(data)


def english_in(texts) -> list[str]:
    """Return the texts that hold a word of ENGLISH_WORDS, allow-list left out."""
    found = []
    for text in texts:
        words = _WORD.findall(_SKIPPED_TEXT.sub(" ", text))
        if any(w.lower() in ENGLISH_WORDS and w not in ALLOWED for w in words):
            found.append(" ".join(text.split()))
    return found


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.chunks


def test_english_in_flags_english_and_passes_dutch():
    html = (
        '<h1 title="Recent actions">Cliënt wijzigen</h1><script>"Choose"</script>'
        '<input type="submit" value="Save"><p>Mail anna@example.nl, Refleact</p>'
        '<input placeholder="Search"><p>Het traject is gewijzigd.</p>'
    )
    assert english_in(visible_text(html)) == ["Recent actions", "Save", "Search"]


@pytest.fixture
def practice_in_use(db):
    """An owner and a coach with a small practice's rows, login records, and a
    change made through the admin (for the index page's recent actions)."""
    # A superuser, as `demo` makes the owner: every admin page is open to them.
    owner = make_user("eigenaar", role="owner")
    owner.is_superuser = True
    owner.save(update_fields=["is_superuser"])
    coach = make_user("coach", role="coach")
    organisation = OrganisationFactory()
    client = ClientFactory(organisation=organisation, coaches=[coach])
    trajectory = TrajectoryFactory(client=client, coach=coach)
    DossierEntryFactory(trajectory=trajectory)
    AppointmentFactory(trajectory=trajectory)
    EvaluationFactory(trajectory=trajectory)
    InvoiceLineFactory(invoice=InvoiceFactory(trajectory=trajectory))
    digest = login_name_digest(None, {"username": "coach"})
    attempt = AccessAttempt.objects.create(
        username=digest,
        ip_address="192.0.2.1",
        user_agent="Firefox",
        get_data="",
        post_data="",
        failures_since_start=3,
    )
    AccessAttemptExpiration.objects.create(
        access_attempt=attempt, expires_at=timezone.now()
    )
    AccessLog.objects.create(
        username=digest,
        ip_address="192.0.2.1",
        user_agent="Firefox",
        path_info="/admin/login/",
    )
    AccessFailureLog.objects.create(
        username=digest,
        ip_address="192.0.2.1",
        user_agent="Firefox",
        locked_out=True,
        path_info="/admin/login/",
    )
    http = HttpClient()
    http.force_login(owner)
    request = RequestFactory().post("/")
    request.user = owner
    for obj in (trajectory, client):  # as the admin logs a save
        admin.site._registry[type(obj)].log_change(
            request, obj, [{"changed": {"fields": ["status"]}}]
        )
    return http


def _admin_page_urls() -> list[str]:
    """Every admin page the owner can open, each object page for one row."""
    by_prefix = {
        f"admin:{m._meta.app_label}_{m._meta.model_name}_": m
        for m in admin.site._registry
    }
    urls = []
    for name, converters in admin_patterns():
        if name in ("admin:logout", "admin:autocomplete", "admin:jsi18n"):
            continue  # a POST, JSON, and the JS catalog (checked apart)
        if name == "admin:app_list":  # a regex pattern: no converters to read
            labels = sorted({m._meta.app_label for m in by_prefix.values()})
            urls += [reverse(name, args=[label]) for label in labels]
        elif not converters:
            urls.append(reverse(name))
        elif set(converters) <= {"object_id", "id"}:
            model = next((m for p, m in by_prefix.items() if name.startswith(p)), None)
            first = model and model._default_manager.order_by("pk").first()
            if first is not None:
                urls.append(reverse(name, args=[first.pk]))
    return urls


@pytest.mark.django_db(databases="__all__")
def test_no_admin_page_shows_english_under_dutch(practice_in_use):
    urls = _admin_page_urls()
    assert len(urls) > 40  # the walk reached the model pages
    english = {}
    with translation.override("nl"):
        for url in urls:
            response = practice_in_use.get(url, HTTP_ACCEPT_LANGUAGE="nl")
            if not response["Content-Type"].startswith("text/html"):
                continue
            # Some answer 403 (axes offers no add page) or 405 (a POST-only form).
            assert response.status_code < 500, url
            if response.status_code != 302:
                for text in english_in(visible_text(response.content.decode())):
                    english.setdefault(text, url)  # each text once, where first seen
        login = HttpClient().get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="nl")
        english_login = english_in(visible_text(login.content.decode()))
    assert english_login == []
    assert english == {}


_JS_CALL = re.compile(r"\bn?gettext\(\s*('(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\")")


@pytest.mark.django_db(databases="__all__")
def test_the_admin_scripts_find_every_string_in_the_dutch_js_catalog(owner_http):
    """The widgets' texts (the filter_horizontal help, the calendar) come from the
    JS catalog; a msgid missing there shows in English."""
    scripts = Path(admin.__file__).parent / "static" / "admin" / "js"
    used = {
        ast.literal_eval(match.group(1))
        for path in scripts.rglob("*.js")
        if "vendor" not in path.parts
        for match in _JS_CALL.finditer(path.read_text(encoding="utf-8"))
    }
    with translation.override("nl"):
        served = owner_http.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="nl")
    catalog = json.loads(
        re.search(r"const newcatalog = (\{.*?\});", served.content.decode(), re.S)[1]
    )
    assert len(used) > 40
    assert sorted(used - set(catalog)) == []


# -- the pages the walk above found in English, each held on its own ---------------


def _nl_page(http, url) -> str:
    with translation.override("nl"):
        response = http.get(url, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db(databases="__all__")
def test_role_groups_and_permissions_read_in_dutch(practice_in_use):
    owner_group = Group.objects.get(name="owner")

    listing = _nl_page(practice_in_use, reverse("admin:auth_group_changelist"))
    change = _nl_page(
        practice_in_use, reverse("admin:auth_group_change", args=[owner_group.pk])
    )

    assert "Eigenaar" in listing and ">owner<" not in listing
    assert 'name="name"' not in change  # the role checks read the stored name
    assert "Cliënten | cliënt | Mag cliënten toevoegen" in change
    assert "Can add client" not in change
    with translation.override("nl"):
        delete = practice_in_use.get(
            reverse("admin:auth_group_delete", args=[owner_group.pk])
        )
    assert delete.status_code == 403
    assert Group.objects.get(pk=owner_group.pk).name == "owner"


# axes' own words, and its rows' names (their __str__).
AXES_ENGLISH = (
    "access attempt",
    "access log",
    "access failure",
    "Attempt Time",
    "User Agent",
    "IP Address",
    "Logout Time",
    "Locked Out",
    "Form Data",
    "Meta Data",
    "Attempted Access",
    "Failed access",
    "Attempt Remaining",
    "Expires At",
    "Clean up expired",
    "Access lock out",
)


@pytest.mark.django_db(databases="__all__")
def test_login_records_read_in_dutch(practice_in_use):
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        first = model.objects.first()
        for url in (
            reverse(f"{base}_changelist"),
            reverse(f"{base}_change", args=[first.pk]),
            reverse(f"{base}_delete", args=[first.pk]),
        ):
            text = " ".join(visible_text(_nl_page(practice_in_use, url))).lower()
            assert [p for p in AXES_ENGLISH if p.lower() in text] == [], url
