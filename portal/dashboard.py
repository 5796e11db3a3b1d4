"""Open requests on the coach's dashboard, by deadline (registered in PortalConfig)."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import selectors
from portal.models import PortalRequest
from refleact.dashboard import Deadline


def request_deadlines(*, user, now: datetime) -> list[Deadline]:
    """Return a deadline per open request of the clients this user may see."""
    today = timezone.localdate(now)
    rows = selectors.requests_for_user(user=user).filter(
        status=PortalRequest.Status.OPEN
    )
    found = []
    for row in rows.order_by("due_on")[:100]:
        days = (row.due_on - today).days
        if days < 0:
            left = _("OVERDUE by %(days)d days") % {"days": -days}
        else:
            left = ngettext("%(days)d day left", "%(days)d days left", days) % {
                "days": days
            }
        found.append(
            Deadline(
                due=timezone.make_aware(datetime.combine(row.due_on, time(17))),
                label=_("Request: %(kind)s (%(left)s)")
                % {"kind": row.get_kind_display(), "left": left},
                url=reverse("admin:portal_portalrequest_change", args=[row.pk]),
                overdue=days < 0,
            )
        )
    return found
