"""The system check fails on a holder's rows that no erasure handler covers."""

from types import SimpleNamespace

from django.db import models
from django.test.utils import isolate_apps

from clients.models import Client, Organisation
from refleact.crypto.fields import EncryptedCharField
from refleact.crypto.models import EncryptedModel, HolderIdField
from refleact.erasure.checks import check_erasure


def app_with(*model_classes):
    return SimpleNamespace(get_models=lambda: list(model_classes))


@isolate_apps("clients")
def test_foreign_key_to_a_client_without_handler_fails_the_check():
    class Hobby(models.Model):  # noqa: DJ008
        client = models.ForeignKey(Client, on_delete=models.CASCADE)

        class Meta:
            app_label = "clients"

    errors = check_erasure(app_configs=[app_with(Hobby)])
    assert [(e.id, e.msg.split(" ")[0]) for e in errors] == [
        ("erasure.E001", "clients.Hobby")
    ]


@isolate_apps("clients")
def test_foreign_key_to_an_organisation_or_a_holder_id_fails_too():
    class Contract(models.Model):  # noqa: DJ008
        organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)

        class Meta:
            app_label = "clients"

    class Secret(EncryptedModel):
        holder_id = HolderIdField()
        text = EncryptedCharField(max_length=10)

        class Meta:
            app_label = "clients"

    class Unrelated(models.Model):  # noqa: DJ008
        label = models.CharField(max_length=10)

        class Meta:
            app_label = "clients"

    errors = check_erasure(app_configs=[app_with(Contract, Secret, Unrelated)])
    assert sorted(e.msg.split(" ")[0] for e in errors) == [
        "clients.Contract",
        "clients.Secret",
    ]


def test_the_project_covers_every_holder_model():
    assert check_erasure(app_configs=None) == []
