"""The system check fails on undeclared personal data, and the project passes it."""

from types import SimpleNamespace

from django.db import models
from django.test.utils import isolate_apps

from refleact.crypto.fields import EncryptedCharField
from refleact.crypto.models import EncryptedModel
from refleact.inventory.checks import check_inventory
from refleact.inventory.declarations import Basis, declarations, personal


def app_with(*model_classes):
    return SimpleNamespace(get_models=lambda: list(model_classes))


@isolate_apps("clients")
def test_undeclared_encrypted_field_fails_the_check():
    class Hobby(EncryptedModel):
        description = EncryptedCharField(max_length=100)

        class Meta:
            app_label = "clients"

    errors = [
        e
        for e in check_inventory(app_configs=[app_with(Hobby)])
        if e.id == "inventory.E001"
    ]
    assert [e.msg.split(" ")[0] for e in errors] == ["clients.Hobby.description"]


@isolate_apps("clients")
def test_plain_field_marked_personal_must_be_declared_too():
    class Visit(models.Model):  # noqa: DJ008
        visitor_ip = personal(models.GenericIPAddressField())
        purpose = models.CharField(max_length=20)

        class Meta:
            app_label = "clients"

    errors = check_inventory(app_configs=[app_with(Visit)])
    assert [e.msg.split(" ")[0] for e in errors if e.id == "inventory.E001"] == [
        "clients.Visit.visitor_ip"
    ]


def test_the_project_declares_every_personal_field():
    assert check_inventory(app_configs=None) == []


def test_every_declaration_names_basis_retention_and_end():
    for declaration in declarations():
        assert declaration.purpose and declaration.retention
        assert declaration.basis in Basis.values
    client_fields = {d.field for d in declarations() if d.model == "clients.Client"}
    assert {"first_name", "last_name", "email", "phone"} <= client_fields
