"""An intervision case, recorded as an anonymous disclosure when it is exported.

Issue 10: an intervision case is "anonymous, recorded as such". Policy: "De
casus zal in dit geval altijd anoniem worden behandeld, waarbij persoonlijke
gegevens niet worden mee genomen in het overleg." The dossiers app calls this
through its registry (dossiers.extensions), inside the export's transaction.
"""

from __future__ import annotations

from consent import services
from consent.models import Disclosure
from refleact.inventory.declarations import Category

# Stored text, shown to the client in the portal: Dutch, like the case itself.
RECIPIENT = "collega-coach (intervisie)"


def disclosure_on_intervision(*, trajectory, actor, request=None) -> None:
    """Record the export of an anonymous case of this trajectory's client."""
    services.disclosure_record(
        actor=actor,
        client=trajectory.client,
        kind=Disclosure.Kind.INTERVISION,
        recipient=RECIPIENT,
        basis=Disclosure.Basis.ANONYMOUS,
        # What left is the dossier's content, scrubbed. (An empty list, which
        # the service allows for an anonymous basis, the model's full_clean
        # refuses: the field is not blank=True.)
        categories=[Category.CONTENT],
        request=request,
    )
