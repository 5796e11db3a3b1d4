"""The access log: who did what to which client's data, and when (NEN 7513 style).

Rows say only ids: the model, the primary key and the key holder (which
identifies the client without naming them), never field values. A row goes after
its declared retention (refleact/audit/inventory.py, ``audit_events_purge``); its
IP address goes earlier, when its holder is erased (refleact/audit/erasure.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refleact.inventory.declarations import personal


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LIST = "list", _("listed")
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        DOWNLOAD = "download", _("downloaded")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    model = models.CharField(_("model"), max_length=64)
    object_id = models.CharField(_("object"), max_length=64)
    # The key holder of the object (a client or organisation), so the owner can
    # filter the log per client without joining or decrypting anything.
    holder_id = models.UUIDField(_("holder"), null=True, db_index=True)
    ip_address = personal(models.GenericIPAddressField(_("IP address"), null=True))

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            # Serves the owner's per-client view: holder first, newest first.
            models.Index(fields=["holder_id", "-at"], name="audit_holder_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.model} {self.object_id}"
