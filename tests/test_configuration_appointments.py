"""Start-up refuses a video-call server or grace period that cannot work."""

from __future__ import annotations

import pytest

from tests.conftest import run
from tests.test_configuration import assert_one_line_refusal, production_env


@pytest.mark.parametrize(
    "value",
    [
        "http://meet.jit.si/",
        "meet.jit.si",
        "javascript:alert(1)",
        "https://",
        "https://meet.jit.si/?room=",
        "https://user:geheim@meet.example/",
    ],
)
def test_check_refuses_a_video_call_server_that_is_not_https(tmp_path, value):
    env = production_env(tmp_path, VIDEO_CALL_BASE_URL=value)

    result = run(["manage.py", "check"], env=env)

    assert_one_line_refusal(result, naming="VIDEO_CALL_BASE_URL")
    assert "geheim" not in result.stderr + result.stdout


@pytest.mark.parametrize("value", ["-1", "thirty"])
def test_check_refuses_a_grace_period_that_is_not_a_number_of_days(tmp_path, value):
    env = production_env(tmp_path, RETENTION_GRACE_DAYS=value)

    result = run(["manage.py", "check"], env=env)

    assert_one_line_refusal(result, naming="RETENTION_GRACE_DAYS")


def test_the_configured_server_and_grace_period_are_used(tmp_path):
    env = production_env(
        tmp_path,
        VIDEO_CALL_BASE_URL="https://video.example.nl/praktijk",
        RETENTION_GRACE_DAYS="14",
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        " print(s.VIDEO_CALL_BASE_URL, s.RETENTION_GRACE_DAYS)"
    )

    result = run(
        ["-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "refleact.settings"}
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://video.example.nl/praktijk/", "14"]
