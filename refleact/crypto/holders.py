"""Key holders: whose data key seals a row.

Every client and every organisation is a holder with a data key of its own, so
destroying that one key erases the holder everywhere at once, old backups
included. The practice is a holder too: its key seals what must outlive a
client (pseudonymised knowledge content, contact records kept with consent,
invoice billing data kept under the legal duty).
"""

import uuid

# Fixed, so every process and every backup agrees on the practice's holder id.
PRACTICE_HOLDER_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
