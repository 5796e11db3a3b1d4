"""EncryptedFileField: an attachment whose key and metadata are sealed in the row."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator

from refleact.crypto.fields import ERASED, EncryptedJSONField
from refleact.crypto.files import SealedFile, SealedUploadedFile, seal_chunks


def upload_type_validator() -> FileExtensionValidator:
    """Refuse uploads whose type is not on the allow-list (SEALED_UPLOAD_EXTENSIONS).

    Every upload is served back only as a download (Content-Disposition:
    attachment, nosniff); the list keeps executables, scripts and HTML out of
    the dossier in the first place. The name is what is checked: the content is
    sealed while it streams in and is never interpreted.
    """
    return FileExtensionValidator(allowed_extensions=settings.SEALED_UPLOAD_EXTENSIONS)


class EncryptedFileField(EncryptedJSONField):
    """Holds a SealedFile (or None); the upload is sealed before the row is saved."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def from_plaintext(self, data: bytes):
        value = super().from_plaintext(data)
        return SealedFile.from_json(value) if value else None

    def to_plaintext(self, value) -> bytes:
        return super().to_plaintext(value.as_json())

    def to_python(self, value):
        return value

    def plaintext_to_string(self, value):
        # Serialisation names the file; its key never leaves the row.
        return value.filename

    def validate(self, value, model_instance) -> None:
        if value is None and not self.blank:
            super().validate(value, model_instance)

    def pre_save(self, model_instance, add):
        # An upload assigned in code (not through a form) is sealed here, streaming.
        # Read from __dict__: a value still sealed since loading stays unopened.
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, UploadedFile):
            self.save_form_data(model_instance, value)
        return super().pre_save(model_instance, add)

    def save_form_data(self, instance, data) -> None:
        if data is False:  # "clear" ticked
            setattr(instance, self.attname, None)
        elif isinstance(data, SealedUploadedFile):
            setattr(instance, self.attname, data.sealed)
        elif isinstance(data, UploadedFile):
            # Uploads through SealingUploadHandler arrive sealed; anything else
            # (a file built in code) is sealed here, streaming.
            setattr(
                instance,
                self.attname,
                seal_chunks(
                    data.chunks(), filename=data.name, content_type=data.content_type
                ),
            )

    def formfield(self, **kwargs):
        return forms.FileField(
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            validators=[upload_type_validator()],
        )

    def value_from_object(self, obj):
        value = super().value_from_object(obj)
        return None if value is ERASED else value
