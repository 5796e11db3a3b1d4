"""Errors of the encryption layer.

Messages name places (app, model, field, pk, key id), never values: they end up in
logs and error reports, which must not become a plaintext copy of the data.
"""


class CryptoError(Exception):
    """Base class of every encryption-layer error."""


class DecryptionError(CryptoError):
    """A stored value failed to open: tampered, moved to another row or column, or
    sealed under a key that is not in the key store.

    Reading such a value gives its ``unopenable.Unopenable`` marker instead; this
    is raised where code must not go on with it (``require_opened``, writing the
    marker anywhere but its own place) and for damaged attachment files.
    """


class KeyErased(CryptoError):
    """The data key was destroyed on purpose (a tombstone exists)."""


class KeyMissing(CryptoError):
    """The data key is neither in the key store nor tombstoned: an error, never 'erased'."""


class ErasedRowError(CryptoError):
    """A row whose data key was destroyed is read-only."""


class HolderChangeError(CryptoError, ValueError):
    """A row's holder_id cannot change once the row is saved: its values are sealed
    under that holder's key, and destroying that key must erase them."""


class EncryptedLookupError(CryptoError, TypeError):
    """An encrypted column cannot be compared in SQL; use its blind index."""
