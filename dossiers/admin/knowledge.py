"""Knowledge cases: pseudonymised content kept for knowledge building, read-only.

Policy: "gepseudonimiseerd wanneer de inhoud ten dienste van kennisopbouw/
professionalisering van de coach wordt gesteld". The coach who wrote a case and
the owner read it (``knowledge_cases_for_user``); nobody changes it, and every
page is recorded in the access log (``PracticeModelAdmin``).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from dossiers import selectors
from dossiers.models import KnowledgeCase, KnowledgeItem
from refleact.practiceadmin import PracticeInline, PracticeModelAdmin


class _ReadOnly:
    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class KnowledgeItemInline(_ReadOnly, PracticeInline):
    model = KnowledgeItem
    fields = readonly_fields = ("source", "texts", "attachment")
    show_change_link = False

    @admin.display(description=_("content"))
    def texts(self, obj: KnowledgeItem):
        content = obj.content if isinstance(obj.content, dict) else {}
        return format_html_join(
            "\n", "<p>{}</p>", ((value,) for value in content.values())
        )


@admin.register(KnowledgeCase)
class KnowledgeCaseAdmin(_ReadOnly, PracticeModelAdmin):
    selector = selectors.knowledge_cases_for_user
    list_display = ("pseudonym", "kind", "closed_in", "coach")
    list_filter = ("kind",)
    fields = readonly_fields = ("pseudonym", "kind", "closed_in", "coach")
    inlines = [KnowledgeItemInline]
    actions = None
