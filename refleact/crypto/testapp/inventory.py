"""Declarations for the test-only models (they must pass the inventory check too)."""

from refleact.inventory.declarations import Basis, Category, End, declare

_TEST = dict(
    purpose="Test-only model of the encryption layer.",
    basis=Basis.AGREEMENT,
    category=Category.CONTENT,
    retention="The test run.",
    end=End.DELETE,
)
declare("crypto_testapp.Person", ["first_name", "last_name", "email", "born"], **_TEST)
declare("crypto_testapp.Note", ["title", "body", "extra", "attachment"], **_TEST)
