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
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from clients.models import Client
from dossiers.models import Trajectory
from refleact.crypto.fields import ERASED

BASE_DIR = Path(__file__).resolve().parent.parent
PO_FILE = BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
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


@pytest.fixture(scope="module")
def catalog() -> list[PoEntry]:
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


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


def test_every_msgid_has_a_dutch_translation(catalog):
    assert len(catalog) > 100
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


def test_the_compiled_catalog_matches_the_po_file(catalog):
    # A .po edited without compilemessages would change nothing on screen.
    with MO_FILE.open("rb") as fp:
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


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq")),
    reason="gettext is not installed",
)
def test_the_catalog_has_every_string_of_the_source(tmp_path, settings, monkeypatch):
    """Extract the strings again into a copy of the catalog: nothing may be new."""
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
