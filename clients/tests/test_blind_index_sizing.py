"""The clients' blind indexes are 12 bits, and a rebuild moves 8-bit digests to them.

Sizing and leakage: clients.models.BLIND_INDEX_BITS, refleact/crypto/README.md.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from clients.models import BLIND_INDEX_BITS, Client
from refleact.crypto import blind, blindstore
from refleact.keystore.models import BlindIndexEntry
from refleact.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def test_client_digests_are_three_hex_characters():
    client = ClientFactory(first_name="Zoë", last_name="Vindbaar")
    assert BLIND_INDEX_BITS == 12
    for index in ("email_index", "name_index"):
        digests = blind.stored(client, index)
        assert digests and all(len(d) == BLIND_INDEX_BITS // 4 for d in digests)


def test_rebuild_replaces_the_digests_of_an_earlier_size(capsys):
    client = ClientFactory(
        first_name="Zoë", last_name="Vindbaar", email="zoe@voorbeeld.nl"
    )
    sources = {"email_index": "zoe@voorbeeld.nl", "name_index": "Zoë Vindbaar"}
    # As an installation from before the change: each digest cut to 8 bits.
    BlindIndexEntry.objects.using("keystore").filter(row_id=client.pk).delete()
    blindstore.entries_write(
        [
            (
                blind.index_field(Client, name).index_name(),
                client.pk,
                client.holder_id,
                {d[:2] for d in blind.index_field(Client, name).digests_for(text)},
            )
            for name, text in sources.items()
        ]
    )
    everyone = Client.objects.all()
    assert not blind.search(everyone, "email_index", "zoe@voorbeeld.nl").exists()

    call_command("blind_indexes_rebuild")

    assert list(blind.search(everyone, "email_index", "zoe@voorbeeld.nl")) == [client]
    assert list(blind.search(everyone, "name_index", "vindbaar")) == [client]
    for name, text in sources.items():
        wanted = set(blind.index_field(Client, name).digests_for(text))
        assert blind.stored(client, name) == wanted  # the 8-bit ones are gone
