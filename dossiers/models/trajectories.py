"""Trajectories and what a coaching dossier holds.

Policy: "Tijdens coachingtrajecten vindt dossiervorming plaats. Deze bestaat uit
door de cliënt gegeven informatie, verdiepingsinformatie (relevante theorie) en
voortgangsinformatie opgesteld door de coach."
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from refleact.crypto.fields import EncryptedCharField, EncryptedTextField
from refleact.crypto.filefield import EncryptedFileField
from refleact.crypto.models import EncryptedModel
from refleact.videocall import is_https_url


class Trajectory(EncryptedModel):
    """A coaching, training or advice engagement, sealed with its client's key."""

    class Kind(models.TextChoices):
        COACHING = "coaching", _("coaching")
        TRAINING = "training", _("training")
        ADVICE = "advice", _("advice")

    class Status(models.TextChoices):
        INTAKE = "intake", _("intake")
        QUOTE = "quote", _("quote")
        PLANNED = "planned", _("planned")
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    class Retention(models.TextChoices):
        # Policy: "verwijderd, dan wel gepseudonimiseerd wanneer de inhoud ten
        # dienste van kennisopbouw/ professionalisering van de coach wordt gesteld".
        DELETE = "delete", _("delete personal data")
        PSEUDONYMISE = "pseudonymise", _("pseudonymise for knowledge building")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    organisation = models.ForeignKey(
        "clients.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trajectories",
        help_text=_(
            "For a training ordered by an organisation for several participants."
        ),
    )
    participants = models.ManyToManyField(
        "clients.Client",
        verbose_name=_("participants"),
        blank=True,
        related_name="trainings",
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=models.PROTECT,
        related_name="trajectories",
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    learning_question = EncryptedTextField(_("learning question"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.INTAKE,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    retention = models.CharField(
        _("at closing"), max_length=16, choices=Retention.choices, blank=True
    )
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, db_index=True
    )
    # Set at closing (closed_at's date + RETENTION_GRACE_DAYS): the retention sweep
    # acts from this day on; before it the coach may reopen the trajectory.
    retention_due_on = models.DateField(_("retention due on"), null=True, blank=True)
    # Set by the retention sweep once it carried out the choice: from then on the
    # trajectory cannot be reopened.
    retention_done_at = models.DateTimeField(
        _("retention carried out at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )
    last_activity_at = models.DateTimeField(
        _("last activity"), default=timezone.now, db_index=True, editable=False
    )

    class Meta:
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        ordering = ["-last_activity_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=False)
                | models.Q(organisation__isnull=False),
                name="trajectory_has_client_or_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(retention=""),
                name="closed_trajectory_has_retention",
            ),
        ]
        indexes = [
            # The dashboard's lists for the owner (issue 16): the active
            # trajectories by last activity, and the coming retention actions by
            # due date, read in index order and stopped at the list's length,
            # instead of sorting every trajectory of that status.
            models.Index(
                fields=["status", "last_activity_at"], name="trajectory_status_activity"
            ),
            models.Index(
                fields=["status", "retention_due_on", "id"],
                name="trajectory_status_due",
            ),
        ]

    def __str__(self) -> str:
        # For the screen only: the admin log and the access log store ids.
        who = self.client if self.client_id else self.organisation
        return f"{self.get_kind_display().capitalize()}: {who}"

    def clean(self) -> None:
        if self.client_id is None and self.organisation_id is None:
            raise ValidationError(_("Choose a client or an organisation."))
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date lies before the start date.")}
            )

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class StatusChange(models.Model):
    """When a trajectory moved to a status, and who moved it."""

    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Trajectory.Status.choices
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.changed_at), "DATETIME_FORMAT")
        return f"{self.get_status_display()} {when}"


class DossierEntry(EncryptedModel):
    """One piece of a coaching dossier."""

    class Kind(models.TextChoices):
        CLIENT_INFORMATION = "client_information", _("client information")
        THEORY = "theory", _("theory (Refleact's intellectual property)")
        PROGRESS = "progress", _("progress note")

    trajectory = models.ForeignKey(
        Trajectory,
        verbose_name=_("trajectory"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = EncryptedCharField(_("title"), max_length=200)
    body = EncryptedTextField(_("text"), blank=True)
    attachment = EncryptedFileField(_("attachment"))
    # Policy: theory stays Refleact's intellectual property; the client's portal
    # shows a theory entry's content only where the coach shared it with them
    # (portal/snapshot.py ``withheld``). Other kinds are the client's anyway.
    shared_with_client = models.BooleanField(
        _("shared with the client"),
        default=False,
        help_text=_("Theory only: the client sees its text and attachment."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    class Meta:
        verbose_name = _("dossier entry")
        verbose_name_plural = _("dossier entries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.title)


class Appointment(EncryptedModel):
    trajectory = models.ForeignKey(
        Trajectory,
        verbose_name=_("trajectory"),
        on_delete=models.CASCADE,
        related_name="appointments",
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60
    )
    place = EncryptedCharField(_("place"), max_length=200, blank=True)
    video_link = EncryptedCharField(_("video link"), max_length=300, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    # Cancelled, not deleted, when its trajectory closes: reopening within the
    # grace period brings it back; the retention sweep removes it with the rest.
    cancelled_at = models.DateTimeField(
        _("cancelled at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at"]
        indexes = [
            # dossiers.dashboard.coming_appointments: the access filter names
            # the coach's trajectories, so the database reads only each one's
            # appointments of the week, not every appointment it ever had.
            models.Index(
                fields=["trajectory", "starts_at"], name="appointment_traj_starts"
            ),
        ]

    def __str__(self) -> str:
        # The locale's format (refleact/formats): lists and inline headers show it.
        return date_format(timezone.localtime(self.starts_at), "DATETIME_FORMAT")

    def clean(self) -> None:
        link = self.video_link
        # A value that cannot be opened (a marker, not a str) is kept as stored.
        if isinstance(link, str) and link and not is_https_url(link):
            raise ValidationError(
                {"video_link": _("Enter a video link that starts with https://.")}
            )

    @property
    def video_url(self) -> str:
        """Return the video link if it is safe to offer as a link, else ""."""
        link = self.video_link
        return link if is_https_url(link) else ""


class Evaluation(EncryptedModel):
    """Policy: "Refleact vraagt tijdens en na de begeleiding evaluerende informatie"."""

    class Moment(models.TextChoices):
        DURING = "during", _("during the trajectory")
        END = "end", _("at the end")

    trajectory = models.ForeignKey(
        Trajectory,
        verbose_name=_("trajectory"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    moment = models.CharField(_("moment"), max_length=8, choices=Moment.choices)
    # A training's evaluation may be asked of one participant: then it is theirs,
    # sealed under their own key (dossiers.services.evaluation_save), shown in
    # their portal, and erased with them; the organisation's key seals only what
    # is the organisation's.
    participant = models.ForeignKey(
        "clients.Client",
        verbose_name=_("participant"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_evaluations",
        help_text=_("For a training: the participant who answers it."),
    )
    # The questions are the practice's own, not personal data.
    questions = models.TextField(_("questions"), help_text=_("One question per line."))
    answers = EncryptedTextField(_("answers"), blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.requested_at), "DATE_FORMAT")
        return f"{self.get_moment_display()} {when}"

    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]
