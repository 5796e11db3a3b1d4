from celery import shared_task

from refleact.keystore import services


@shared_task(name="keystore.orphan_keys_sweep")
def orphan_keys_sweep() -> int:
    """Destroy data keys that no row uses (left by rolled-back transactions)."""
    return services.orphan_keys_sweep()


@shared_task(name="keystore.orphan_files_sweep")
def orphan_files_sweep() -> int:
    """Delete stored attachment files that no row refers to."""
    return services.orphan_files_sweep()
