from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """The data inventory: every personal field's purpose, basis, retention and end."""

    name = "refleact.inventory"
    label = "inventory"
    verbose_name = "Data inventory"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from refleact.inventory import checks  # noqa: F401  (registers the check)

        autodiscover_modules("inventory")
