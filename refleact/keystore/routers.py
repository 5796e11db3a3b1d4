"""Send the key store's models, and django-axes' login records, to the key store.

Login records (``axes``) store a keyed digest of the typed login name (an e-mail
address) beside the address and browser it came from: with ``BLIND_INDEX_KEY`` a
guess confirms "this address tried to log in". They live with the blind indexes
in the key store, whose backups are the short-lived ones, so the data database and
its backups hold none (refleact/crypto/README.md, "Login records").
"""

KEYSTORE_ALIAS = "keystore"
# The apps whose tables exist only in the key store's database.
KEYSTORE_APPS = frozenset({"keystore", "axes"})


def _in_keystore(app_label: str) -> bool:
    return app_label in KEYSTORE_APPS


class KeystoreRouter:
    def db_for_read(self, model, **hints):
        return KEYSTORE_ALIAS if _in_keystore(model._meta.app_label) else "default"

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        # No foreign key crosses the two databases: rows carry holder ids instead.
        return _in_keystore(obj1._meta.app_label) == _in_keystore(obj2._meta.app_label)

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return _in_keystore(app_label) == (db == KEYSTORE_ALIAS)
