"""Field-level encryption for Refleact: see refleact/crypto/README.md."""
