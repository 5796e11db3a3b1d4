from django.apps import AppConfig


class CryptoTestAppConfig(AppConfig):
    """Test-only models for the encryption layer; installed by the test settings only."""

    name = "refleact.crypto.testapp"
    label = "crypto_testapp"
    default_auto_field = "django.db.models.BigAutoField"
    # Not in the register of processing nor on the transparency page.
    test_only = True
