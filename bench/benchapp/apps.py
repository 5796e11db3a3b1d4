from django.apps import AppConfig


class BenchAppConfig(AppConfig):
    """Bench-only models: installed by bench/settings.py alone, never by the product."""

    name = "bench.benchapp"
    label = "benchapp"
    default_auto_field = "django.db.models.BigAutoField"
