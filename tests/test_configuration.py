"""Start-up refuses a missing or malformed configuration with one clear line."""

from __future__ import annotations

import secrets

import pytest

from refleact.localenv import new_key
from tests.conftest import clean_env, run

NO_LOCAL_ENV = {"REFLEACT_SKIP_LOCAL_ENV": "1"}
SECRET = secrets.token_urlsafe(50)


def production_env(tmp_path, **overrides: str) -> dict[str, str]:
    """Every production variable set to a valid value, databases in tmp_path."""
    variables = {
        **NO_LOCAL_ENV,
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "refleact.example",
        "FIELD_ENCRYPTION_KEYS": f"{new_key()},{new_key()}",
        "BLIND_INDEX_KEY": new_key(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data.sqlite3'}",
        "KEYSTORE_DATABASE_URL": f"sqlite:///{tmp_path / 'keys.sqlite3'}",
        "SEALED_FILES_DIR": str(tmp_path / "sealed"),
    }
    variables.update(overrides)
    return clean_env(**{k: v for k, v in variables.items() if v is not None})


def assert_one_line_refusal(result, *, naming: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Refleact refuses to start: ")
    assert naming in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "command",
    [["check"], ["migrate"], ["runserver", "--noreload", "127.0.0.1:8765"]],
)
def test_manage_py_refuses_without_configuration(command):
    result = run(["manage.py", *command], env=clean_env(**NO_LOCAL_ENV))

    assert_one_line_refusal(result, naming="DJANGO_SECRET_KEY")
    assert "generate one with" in result.stderr
    assert result.stdout == ""


def test_wsgi_import_refuses_without_configuration():
    result = run(["-c", "import refleact.wsgi"], env=clean_env(**NO_LOCAL_ENV))

    assert_one_line_refusal(result, naming="DJANGO_SECRET_KEY")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("FIELD_ENCRYPTION_KEYS", None),
        ("FIELD_ENCRYPTION_KEYS", "not-a-key"),
        # A valid key followed by a truncated one: every listed key is checked.
        ("FIELD_ENCRYPTION_KEYS", f"{new_key()},{new_key()[:20]}"),
        ("BLIND_INDEX_KEY", None),
        ("BLIND_INDEX_KEY", "c2hvcnQ="),
        ("DJANGO_SECRET_KEY", "too-short"),
    ],
)
def test_check_refuses_a_missing_or_malformed_key(tmp_path, variable, value):
    result = run(
        ["manage.py", "check"], env=production_env(tmp_path, **{variable: value})
    )

    assert_one_line_refusal(result, naming=variable)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "nonsense-geheim"),
        ("DATABASE_URL", "postgres://refleact:geheim@db.example:notaport/refleact"),
        ("DATABASE_URL", "mysql://refleact:geheim@db.example/refleact"),
        ("KEYSTORE_DATABASE_URL", "postgres://refleact:geheim@db.example:x/keys"),
        ("EMAIL_URL", "smtp://mail:geheim@mail.example:notaport"),
        ("EMAIL_URL", "pigeon://mail:geheim@loft.example"),
        ("EMAIL_URL", "smtp://"),
        ("DATABASE_URL", "postgres:/refleact:geheim@db.example/refleact"),
        ("DATABASE_URL", "postgres://"),
        ("DATABASE_URL", ""),
        ("DATABASE_URL", "sqlite://"),
        ("DATABASE_URL", "sqlite:///relatief/geheim.sqlite3"),
        ("DATABASE_URL", "postgres://u:geheim@db.example/refleact?conn_max_age=abc"),
    ],
)
def test_check_refuses_a_malformed_url_without_repeating_it(tmp_path, variable, value):
    result = run(
        ["manage.py", "check"], env=production_env(tmp_path, **{variable: value})
    )

    assert_one_line_refusal(result, naming=variable)
    assert "geheim" not in result.stderr + result.stdout


def test_debug_does_not_excuse_missing_encryption_keys(tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="true", FIELD_ENCRYPTION_KEYS=None)

    result = run(["manage.py", "check"], env=env)

    assert_one_line_refusal(result, naming="FIELD_ENCRYPTION_KEYS")


def test_check_deploy_is_clean_with_production_values(tmp_path):
    result = run(["manage.py", "check", "--deploy"], env=production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_is_clean_behind_a_tls_proxy(tmp_path):
    env = production_env(
        tmp_path,
        DJANGO_BEHIND_TLS_PROXY="true",
        DJANGO_TRUSTED_PROXIES="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
    )

    result = run(["manage.py", "check", "--deploy"], env=env)

    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout


def test_production_settings_are_secure_by_default(tmp_path):
    code = (
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS >= 31536000)"
    )
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="refleact.settings")

    result = run(["-c", code], env=env)

    assert result.stdout.split() == ["False", "True", "True", "True", "True", "True"]


def _sqlite(path) -> str:
    return f"sqlite:///{path}"


@pytest.mark.parametrize(
    ("data", "keys"),
    [
        (_sqlite("{tmp}/data.sqlite3"), _sqlite("{tmp}/data.sqlite3")),
        (_sqlite("{tmp}/data.sqlite3"), _sqlite("{tmp}/sub/../data.sqlite3")),
        (_sqlite("{tmp}/data.sqlite3"), _sqlite("{tmp}/link.sqlite3")),
        (
            "postgres://refleact:geheim@localhost/refleact",
            "postgres://keys:geheim2@127.0.0.1:5432/refleact",
        ),
        (
            "postgres://refleact:geheim@db.example:5432/refleact",
            "postgres://keys:geheim2@DB.example/refleact",
        ),
    ],
)
def test_check_refuses_one_database_for_data_and_key_store(tmp_path, data, keys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.sqlite3").symlink_to(tmp_path / "data.sqlite3")
    env = production_env(
        tmp_path,
        DATABASE_URL=data.format(tmp=tmp_path),
        KEYSTORE_DATABASE_URL=keys.format(tmp=tmp_path),
    )

    result = run(["manage.py", "check", "--deploy"], env=env)

    assert_one_line_refusal(result, naming="KEYSTORE_DATABASE_URL")
    assert "DATABASE_URL" in result.stderr
    assert "geheim" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "keys",
    [
        "postgres://refleact:geheim@localhost/refleact_keys",
        "postgres://refleact:geheim@localhost:5433/refleact",
        "postgres://refleact:geheim@db.example/refleact",
    ],
)
def test_check_accepts_another_database_on_the_same_server(tmp_path, keys):
    env = production_env(
        tmp_path,
        DATABASE_URL="postgres://refleact:geheim@127.0.0.1:5432/refleact",
        KEYSTORE_DATABASE_URL=keys,
    )

    result = run(["manage.py", "check"], env=env)

    # No server runs here: the key store check warns that it cannot read it.
    assert "refuses to start" not in result.stderr
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("hosts", [None, "", " , "])
def test_check_refuses_no_allowed_hosts_with_debug_off(tmp_path, hosts):
    env = production_env(tmp_path, DJANGO_ALLOWED_HOSTS=hosts)

    result = run(["manage.py", "check", "--deploy"], env=env)

    assert_one_line_refusal(result, naming="DJANGO_ALLOWED_HOSTS")


def test_debug_needs_no_allowed_hosts(tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="true", DJANGO_ALLOWED_HOSTS=None)

    result = run(["manage.py", "check"], env=env)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "proxies", ["10.0.0.300", "proxy.example", "10.0.0.0/33", "127.0.0.1;10.0.0.2"]
)
def test_check_refuses_a_malformed_trusted_proxy(tmp_path, proxies):
    env = production_env(
        tmp_path, DJANGO_BEHIND_TLS_PROXY="true", DJANGO_TRUSTED_PROXIES=proxies
    )

    result = run(["manage.py", "check"], env=env)

    assert_one_line_refusal(result, naming="DJANGO_TRUSTED_PROXIES")


def test_check_refuses_a_tls_proxy_without_trusted_proxies(tmp_path):
    env = production_env(tmp_path, DJANGO_BEHIND_TLS_PROXY="true")

    result = run(["manage.py", "check", "--deploy"], env=env)

    assert_one_line_refusal(result, naming="DJANGO_TRUSTED_PROXIES")


def test_trusted_proxies_reach_the_client_address(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from refleact.audit.services import client_ip\n"
        "request = RequestFactory().get('/', REMOTE_ADDR='10.0.0.7',"
        " HTTP_X_FORWARDED_FOR='198.51.100.66, 127.0.0.1')\n"
        "print(client_ip(request))"
    )
    env = production_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="refleact.settings",
        DJANGO_BEHIND_TLS_PROXY="true",
        DJANGO_TRUSTED_PROXIES=" 127.0.0.1, 10.0.0.0/24 ",
    )

    result = run(["-c", code], env=env)

    assert result.stdout.split() == ["198.51.100.66"], result.stderr
