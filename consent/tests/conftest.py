from refleact.testing.personas import (  # noqa: F401  (fixtures)
    coach,
    coach_http,
    outsider,
    outsider_http,
    owner,
    owner_http,
)
