"""Send the key store's models to their own database alias, everything else to default."""

KEYSTORE_ALIAS = "keystore"


class KeystoreRouter:
    def db_for_read(self, model, **hints):
        return KEYSTORE_ALIAS if model._meta.app_label == "keystore" else "default"

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        # No foreign key crosses the two databases: rows carry holder ids instead.
        return (obj1._meta.app_label == "keystore") == (
            obj2._meta.app_label == "keystore"
        )

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return (app_label == "keystore") == (db == KEYSTORE_ALIAS)
