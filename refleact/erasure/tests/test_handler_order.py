"""Handlers run in INSTALLED_APPS order, whatever imported their module first.

Erasing runs them in reverse (higher apps first): a module of a higher app that
imports another app's ``erasure.py`` early must not put that handler first, or
a client would be deleted before the trajectories that protect it.
"""

from __future__ import annotations

import importlib
import sys

from django.apps import apps

from refleact.erasure import registry


def test_handlers_follow_the_app_order_not_the_import_order():
    positions = {c.name: i for i, c in enumerate(apps.get_app_configs())}
    # Re-register dossiers' handler last, as an early import would first.
    importlib.reload(sys.modules["dossiers.erasure"])
    importlib.reload(sys.modules["clients.erasure"])

    names = [h.name for h in registry.handlers()]

    assert names.index("clients") < names.index("dossiers") < names.index("portal")
    assert positions["clients"] < positions["dossiers"] < positions["portal"]
