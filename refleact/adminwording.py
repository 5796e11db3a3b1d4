"""The admin's own sentences, worded as Dutch is written.

Django's admin builds its messages and titles from one template per sentence
with the model's name put in: "De {name} ‘{obj}’ is met succes gewijzigd." and
"%s wijzigen". Dutch needs two things those templates cannot know:

- the article: "de cliënt", "de factuur", but "het traject", "het dossieritem".
  A compound takes the article of its last part (het dossier*item*, de
  factuur*regel*), and a phrase that of the noun before its first preposition
  ("het verloop van inlogpoging"); ``dutch_article`` applies that rule to the
  model's Dutch name, so a new model needs no entry unless its head noun is a
  het-word missing from ``NEUTER_HEADS``;
- a capital at the start of a title: "Cliënt wijzigen", not "cliënt wijzigen".

The admin site mixes ``WordingMixin`` into every ModelAdmin it registers. The
shorter Dutch sentences themselves ("is gewijzigd", without "met succes") are in
the project's catalog, which takes precedence over Django's.
"""

from __future__ import annotations

import re

from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_noop

# Dutch het-words that end the names of the practice's models (and of Django's
# and axes' models shown in the admin). A compound ending in one of these is a
# het-word too.
NEUTER_HEADS = (
    "traject",
    "item",
    "recht",
    "type",
    "verloop",
    "verzoek",
    "lek",
    "record",
    "bericht",
    "gesprek",
    "dossier",
    "document",
    "formulier",
    "contract",
    "logboek",
    "account",
    "adres",
    "bestand",
    "overzicht",
    "register",
    "verslag",
    "model",
    "beleid",
    "doel",
    "bewijs",
    "ontvangstbewijs",
    "nummer",
    "onderdeel",
    "moment",
)
# Django's admin sentences, letter for letter, so that makemessages keeps our
# shorter Dutch for them ("is gewijzigd" rather than "is met succes gewijzigd").
_DJANGO_SENTENCES = (
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop(
        "The {name} “{obj}” was added successfully. You may add another {name} "
        "below."
    ),
    gettext_noop(
        "The {name} “{obj}” was changed successfully. You may edit it again below."
    ),
    gettext_noop(
        "The {name} “{obj}” was changed successfully. You may add another {name} "
        "below."
    ),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("You may edit it again below."),
)
PREPOSITIONS = {"van", "in", "voor", "met", "op", "bij", "over", "uit", "naar"}


def dutch_head_noun(name: str) -> str:
    """Return the word of a Dutch noun phrase that decides its article."""
    words = str(name).lower().split()
    for index, word in enumerate(words):
        if word in PREPOSITIONS and index > 0:
            return words[index - 1]
    return words[-1] if words else ""


def dutch_article(name: str) -> str:
    """Return "het" or "de" for a Dutch noun phrase (singular)."""
    head = dutch_head_noun(name)
    return "het" if head.endswith(NEUTER_HEADS) else "de"


def _with_article(message: str, name: str) -> str:
    """Put the right article before name where Django's Dutch template put "De"."""
    if dutch_article(name) != "het":
        return message
    worded = re.sub(rf"^De {re.escape(str(name))}\b", f"Het {name}", str(message))
    # "U kunt deze hieronder ..." refers back to the object: "dit" for a het-word.
    worded = worded.replace(" U kunt deze hieronder", " U kunt dit hieronder")
    # Django's messages link the object (format_html): only words changed here.
    # Safe again: only Django's own words change here; the escaped link stays.
    return mark_safe(worded) if isinstance(message, SafeData) else worded  # noqa: S308  # nosec B308 B703


class WordingMixin:
    """Give admin messages their Dutch article and titles a capital."""

    def message_user(self, request, message, *args, **kwargs):
        if (get_language() or "").startswith("nl"):
            message = _with_article(message, self.model._meta.verbose_name)
        return super().message_user(request, message, *args, **kwargs)

    def _capitalised_title(self, response):
        context = getattr(response, "context_data", None)
        if context and context.get("title"):
            context["title"] = capfirst(str(context["title"]))
        return response

    def changeform_view(self, request, *args, **kwargs):
        return self._capitalised_title(
            super().changeform_view(request, *args, **kwargs)
        )

    def changelist_view(self, request, *args, **kwargs):
        return self._capitalised_title(
            super().changelist_view(request, *args, **kwargs)
        )

    def history_view(self, request, *args, **kwargs):
        return self._capitalised_title(super().history_view(request, *args, **kwargs))

    def delete_view(self, request, *args, **kwargs):
        return self._capitalised_title(super().delete_view(request, *args, **kwargs))
