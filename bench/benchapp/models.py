"""The same client and entry, three ways: plain fields, ours, and the peer package's.

Each client has an e-mail lookup and a name lookup: a plain index on the plain
models, blind indexes on ours (the peer cannot search). Entries carry what a
dossier entry does: a title, a text of about a hundred bytes, and a date.
"""

import uuid

from django.db import models
from encrypted_fields import fields as fernet

from refleact.crypto.blind import BlindIndexField
from refleact.crypto.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedEmailField,
    EncryptedTextField,
)
from refleact.crypto.models import EncryptedModel, HolderIdField


class PlainClient(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    holder_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=150, db_index=True)
    email = models.EmailField(db_index=True)

    def __str__(self) -> str:
        return str(self.pk)


class PlainEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    holder_id = models.UUIDField(db_index=True)
    client = models.ForeignKey(PlainClient, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    body = models.TextField()
    happened_on = models.DateField()

    def __str__(self) -> str:
        return str(self.pk)


class SealedClient(EncryptedModel):
    holder_id = HolderIdField(default=uuid.uuid4)
    first_name = EncryptedCharField(max_length=100)
    last_name = EncryptedCharField(max_length=150)
    email = EncryptedEmailField()
    email_index = BlindIndexField(source="email", unique_plaintext=True)
    name_index = BlindIndexField(
        source=("first_name", "last_name"), kind=BlindIndexField.TOKENS
    )

    def __str__(self) -> str:
        return str(self.pk)


class SealedEntry(EncryptedModel):
    client = models.ForeignKey(SealedClient, on_delete=models.CASCADE)
    title = EncryptedCharField(max_length=200)
    body = EncryptedTextField()
    happened_on = EncryptedDateField()

    def __str__(self) -> str:
        return str(self.pk)


class FernetClient(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    holder_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    first_name = fernet.EncryptedCharField(max_length=100)
    last_name = fernet.EncryptedCharField(max_length=150)
    email = fernet.EncryptedEmailField()

    def __str__(self) -> str:
        return str(self.pk)


class FernetEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    holder_id = models.UUIDField(db_index=True)
    client = models.ForeignKey(FernetClient, on_delete=models.CASCADE)
    title = fernet.EncryptedCharField(max_length=200)
    body = fernet.EncryptedTextField()
    happened_on = fernet.EncryptedDateField()

    def __str__(self) -> str:
        return str(self.pk)
