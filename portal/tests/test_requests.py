"""Requests: deadline by calendar month, one extension with a reason, the answer."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal import deadlines, services
from portal.dashboard import request_deadlines
from portal.models import PortalRequest

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 2, 28), date(2026, 3, 28)),
    ],
)
def test_deadline_is_one_calendar_month(received, due):
    assert deadlines.request_due_on(received) == due


def test_extension_reaches_at_most_three_months_from_receipt():
    assert deadlines.request_extension_max(date(2026, 11, 30)) == date(2027, 2, 28)


def _received(account, day: date) -> PortalRequest:
    when = timezone.make_aware(
        datetime.combine(day, datetime.min.time().replace(hour=10))
    )
    return services.request_submit(account=account, kind="copy", text="", now=when)


def test_submitted_request_is_due_a_calendar_month_later(account_a):
    row = _received(account_a, date(2026, 1, 31))
    assert row.due_on == date(2026, 2, 28)


def test_extension_once_with_a_reason_that_the_client_sees(
    coach, account_a, http_a, mailoutbox, django_capture_on_commit_callbacks
):
    row = _received(account_a, date(2026, 1, 31))
    with pytest.raises(ValidationError):
        services.request_extend(
            actor=coach, portal_request=row, due_on=date(2026, 4, 30), reason=""
        )
    with pytest.raises(ValidationError):  # beyond two further months
        services.request_extend(
            actor=coach, portal_request=row, due_on=date(2026, 5, 1), reason="Veel werk"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_extend(
            actor=coach,
            portal_request=row,
            due_on=date(2026, 4, 30),
            reason="Archief ophalen",
        )
    with pytest.raises(ValidationError):  # once only
        services.request_extend(
            actor=coach, portal_request=row, due_on=date(2026, 4, 30), reason="Nog eens"
        )
    page = http_a.get(reverse("portal:request", args=[row.pk])).content.decode()
    assert "Archief ophalen" in page
    (message,) = mailoutbox
    assert "Archief" not in message.body


def test_answer_is_shown_to_the_client(coach, account_a, http_a):
    row = _received(account_a, timezone.localdate())
    services.request_answer(actor=coach, portal_request=row, answer="Hierbij uw kopie.")
    page = http_a.get(reverse("portal:request", args=[row.pk])).content.decode()
    assert "Hierbij uw kopie." in page


def test_request_form_refuses_an_empty_question(http_a):
    response = http_a.post(reverse("portal:requests"), {"kind": "question", "text": ""})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    response = http_a.post(reverse("portal:requests"), {"kind": "nonsense"})
    assert response.status_code == 200


def test_dashboard_flags_overdue_requests_for_the_coach_only(
    coach, outsider, account_a
):
    row = _received(account_a, date(2020, 1, 1))
    (deadline,) = request_deadlines(user=coach, now=timezone.now())
    assert deadline.overdue
    assert str(row.pk) in deadline.url
    assert request_deadlines(user=outsider, now=timezone.now()) == []


def test_coach_answers_in_the_admin(coach_http, account_a):
    row = _received(account_a, timezone.localdate())
    url = reverse("admin:portal_portalrequest_change", args=[row.pk])
    assert coach_http.get(url).status_code == 200
    response = coach_http.post(
        url, {"answer": "Zie bijlage.", "extension_reason": "", "new_due_on": ""}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "answered"


def test_outsider_coach_cannot_open_the_request(outsider_http, account_a):
    row = _received(account_a, timezone.localdate())
    url = reverse("admin:portal_portalrequest_change", args=[row.pk])
    assert outsider_http.get(url).status_code in (302, 404)
