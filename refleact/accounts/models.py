"""Users: the practice owner, coaches and (with the portal) clients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.utils.translation import gettext_lazy as _

from refleact.crypto.blind import BlindIndexField
from refleact.crypto.fields import EncryptedCharField, EncryptedEmailField
from refleact.crypto.holders import PRACTICE_HOLDER_ID
from refleact.crypto.models import EncryptedModel, EncryptedQuerySet, HolderIdField


class Role:
    OWNER = "owner"
    COACH = "coach"


class RefleactUserManager(UserManager.from_queryset(EncryptedQuerySet)):
    pass


class User(EncryptedModel, AbstractUser):
    """A login. The username is a login handle; names and e-mail are sealed.

    Staff accounts are sealed with the practice key (they are the practice's own
    people); client logins, added with the portal, are sealed with the client's key.
    """

    first_name = EncryptedCharField(_("first name"), max_length=150, blank=True)
    last_name = EncryptedCharField(_("last name"), max_length=150, blank=True)
    email = EncryptedEmailField(_("email address"), blank=True)
    email_index = BlindIndexField(source="email", bits=8)
    holder_id = HolderIdField(default=PRACTICE_HOLDER_ID)

    objects = RefleactUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        # The name on screen; the username where no name was entered.
        return self.get_full_name() or self.username

    def _in_group(self, name: str) -> bool:
        cache = self.__dict__.setdefault("_group_names", None)
        if cache is None:
            cache = self.__dict__["_group_names"] = set(
                self.groups.values_list("name", flat=True)
            )
        return name in cache

    @property
    def is_owner(self) -> bool:
        """The practice owner sees everything: a superuser or a member of 'owner'."""
        return self.is_active and (self.is_superuser or self._in_group(Role.OWNER))

    @property
    def is_coach(self) -> bool:
        """A coach is an active staff member of the group 'coach'."""
        return self.is_active and self.is_staff and self._in_group(Role.COACH)

    @property
    def works_in_practice(self) -> bool:
        """Owner or coach: may use the coach's admin at all."""
        return self.is_owner or self.is_coach
