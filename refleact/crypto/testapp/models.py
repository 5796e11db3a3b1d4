"""Test-only models: exercise every encrypted field kind and both blind-index kinds."""

import uuid

from django.db import models

from refleact.crypto.blind import BlindIndexField
from refleact.crypto.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedEmailField,
    EncryptedJSONField,
    EncryptedTextField,
)
from refleact.crypto.filefield import EncryptedFileField
from refleact.crypto.models import EncryptedModel, HolderIdField


class Person(EncryptedModel):
    holder_id = HolderIdField(default=uuid.uuid4)
    first_name = EncryptedCharField(max_length=50)
    last_name = EncryptedCharField(max_length=50)
    email = EncryptedEmailField(blank=True)
    born = EncryptedDateField(null=True, blank=True)
    email_index = BlindIndexField(source="email", unique_plaintext=True)
    name_index = BlindIndexField(
        source=("first_name", "last_name"), kind=BlindIndexField.TOKENS
    )


class Note(EncryptedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    title = EncryptedCharField(max_length=100)
    body = EncryptedTextField(blank=True)
    extra = EncryptedJSONField(null=True, blank=True)
    attachment = EncryptedFileField()
