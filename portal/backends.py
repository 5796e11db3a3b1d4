"""Log a client in by e-mail address and password.

The address is found through the client's blind index (refleact/crypto), never
through a plaintext login name. An unknown address costs one password hash too,
so timing does not tell whether it belongs to a client.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from portal import selectors


class ClientEmailBackend(ModelBackend):
    def authenticate(self, request, email=None, password=None, **kwargs):
        if email is None or password is None:
            return None
        account = selectors.account_find_by_email(email=email)
        user = account.user if account is not None else None
        if user is None or user.is_staff:
            get_user_model()().set_password(password)  # same cost as a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
