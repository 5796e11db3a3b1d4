#!/usr/bin/env python3
"""Django's command-line utility for Refleact."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refleact.settings")
    from refleact import localenv

    if sys.argv[1:2] == ["demo"]:
        # The newcomer's way in: write fresh keys before settings are read.
        try:
            print(localenv.ensure_local_env())
        except localenv.ConfigurationError as exc:
            sys.stderr.write(f"Refleact refuses to start: {exc}\n")
            sys.exit(2)

    from django.conf import settings
    from django.core.management import execute_from_command_line

    # Reading one setting loads the module; a broken configuration stops here.
    settings.INSTALLED_APPS  # noqa: B018
    if sys.argv[1:2] not in (["help"], ["--help"], ["-h"], ["--version"], []):
        localenv.refuse_if_misconfigured()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
