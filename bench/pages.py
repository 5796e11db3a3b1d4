"""Benchmark: the cockpit's and the portal's pages at 1,000 and 10,000 clients.

    python bench/pages.py [--sizes 1000,10000] [--requests 20] [--rounds 2]
                          [--reuse DIR] [--coaches C] [--search-coach 5000]

For each size a database pair is seeded with ``manage.py seed_scale`` (N clients
over N/200 coaches, 30 entries per coaching trajectory; see that command), on
SQLite files, or on PostgreSQL when ``DATABASE_URL`` names a PostgreSQL server:
then the databases ``<name>_<size>`` and ``<name>_<size>_keys`` on it, created
and dropped here. ``--reuse DIR`` keeps the seeded databases (SQLite files in
``DIR/<size>/``, or the PostgreSQL databases, with a marker in DIR) and seeds
only a size not seeded yet, so a second run measures at once.

Every page is requested through Django's test client (``refleact.settings_test``:
two-factor login off, nothing else changed), logged in as a coach of the client
measured, as the owner, or (the portal) as that client: the client list, that
list searched by e-mail, by a name token and by a part of a name, the client
page, a trajectory page with 30 entries, the dashboard, the access log filtered
by the client, the portal's home and dossier pages and its JSON export.

Per page and size: the median and 95th percentile of ``--requests`` timed
requests after three for warm-up (key cache warm, as in a running process); the
queries on each alias (``default``/``keystore``) of one request with the key
cache emptied first; and the crypto share: over five requests under cProfile,
the time spent in refleact.crypto, refleact.keystore and the ``cryptography``,
``hmac`` and ``hashlib`` code they call (own time of those functions), over the
whole profiled time. Sizes are measured in ``--rounds`` alternating rounds (one
process per round and size), each taking its share of the requests, so a burst
of load from other work on the machine falls on both sizes alike.

The last lines are ``name: value``: ``max_query_growth`` (the largest difference
in queries, both aliases, between the two sizes over all pages; goal 0),
``max_median_ratio`` (largest median at the large size over the small; goal at
most 1.5), ``max_crypto_share`` (goal at most 0.20) and ``seed_seconds_10k``
(the seeding time of the large size, as recorded when it was seeded).

``--search-cap M`` (default 500) is ``SEARCH_OPEN_ROWS_MAX`` while the sizes
are compared: above a coach's 200 clients and below the owner's 1,000, so at
both sizes the coach's search opens the rows the coach may see and the owner's
runs the blind indexes' exact lookups. With the configured 2,000 the owner would
take the first path at 1,000 and the second at 10,000, and the figures would
compare two kinds of search, not two sizes. What the first path costs with more
rows is what ``--search-coach`` measures.

``--search-coach N`` adds a database where one coach has N clients and measures
that coach's searches with ``SEARCH_OPEN_ROWS_MAX`` as configured and raised
above N (what the in-memory search would cost if it were not bounded).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 3
PROFILED = 5
CRYPTO_PATHS = (
    os.sep + os.path.join("refleact", "crypto") + os.sep,
    os.sep + os.path.join("refleact", "keystore") + os.sep,
    os.sep + "cryptography" + os.sep,
    os.sep + "hmac.py",
)
CRYPTO_BUILTINS = ("AESGCM", "_hashlib", "openssl", "HMAC", "hmac")
UNIQUE_SURNAME = "Zonderland"  # a real surname, not in seed_scale's list


# -- databases -----------------------------------------------------------------
def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


def _environment(
    size: int, label: str, workdir: Path, search_cap: int | None = None
) -> dict:
    where = workdir / label
    where.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "refleact.settings_test",
        "ERASURE_JOURNAL_PATH": str(where / "erasures.jsonl"),
        "SEALED_FILES_DIR": str(where / "sealed"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    if search_cap is not None:
        env["SEARCH_OPEN_ROWS_MAX"] = str(search_cap)
    pg = _postgres_url()
    if pg:
        name = pg.rsplit("/", 1)[1].split("?")[0]
        stem = pg.rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{stem}/{name}_{label}"
        env["KEYSTORE_DATABASE_URL"] = f"{stem}/{name}_{label}_keys"
    else:
        env["DATABASE_URL"] = f"sqlite:///{where / 'data.sqlite3'}"
        env["KEYSTORE_DATABASE_URL"] = f"sqlite:///{where / 'keystore.sqlite3'}"
    return env


def _databases_create(env: dict) -> None:
    if _postgres_url():
        for key in ("DATABASE_URL", "KEYSTORE_DATABASE_URL"):
            name = env[key].rsplit("/", 1)[1]
            _pg_admin(env[key], f'DROP DATABASE IF EXISTS "{name}"')
            _pg_admin(env[key], f'CREATE DATABASE "{name}"')


def _databases_drop(env: dict) -> None:
    if _postgres_url():
        for key in ("DATABASE_URL", "KEYSTORE_DATABASE_URL"):
            name = env[key].rsplit("/", 1)[1]
            _pg_admin(env[key], f'DROP DATABASE IF EXISTS "{name}"')


def _child(env: dict, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# -- inside a child: seed ------------------------------------------------------
def _child_seed(clients: int, coaches: int | None) -> dict:
    from django.core.management import call_command

    for alias in ("default", "keystore"):
        call_command("migrate", database=alias, verbosity=0)
    started = time.perf_counter()
    extra = {"coaches": coaches} if coaches else {}
    call_command("seed_scale", clients=clients, stdout=sys.stderr, **extra)
    return {"seed_seconds": time.perf_counter() - started}


# -- inside a child: measure ---------------------------------------------------
def _is_crypto(func) -> bool:
    filename, _line, name = func
    if filename == "~":
        return any(mark in name for mark in CRYPTO_BUILTINS)
    return any(part in filename for part in CRYPTO_PATHS)


def _crypto_share(profile: cProfile.Profile) -> tuple[float, float]:
    stats = pstats.Stats(profile).stats
    total = sum(row[2] for row in stats.values())
    crypto = sum(row[2] for func, row in stats.items() if _is_crypto(func))
    return crypto, total


def _personas(search_coach: bool):
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client as HttpClient
    from django.utils import timezone

    from clients import services as client_services
    from clients.models import Client
    from dossiers.models import Trajectory
    from portal import services as portal_services
    from portal.models import PortalAccount
    from refleact.testing.personas import portal_login

    users = get_user_model().objects
    owner = users.get(username="scale-owner")
    # The same shape of client at every size: a private person (no
    # organisation) whose coaching trajectory is active. seed_scale turns the
    # statuses of a client's three trajectories round together, so this fixes
    # all three, and with them what the client and trajectory pages show. The
    # coach is that client's (seed_scale gives every coach the same number of clients).
    trajectory = (
        Trajectory.objects.filter(
            client__organisation__isnull=True,
            client__coaches__username__startswith="scale-",
            kind=Trajectory.Kind.COACHING,
            status=Trajectory.Status.ACTIVE,
        )
        .order_by("pk")
        .first()
    )
    client = Client.objects.get(pk=trajectory.client_id)
    coach = client.coaches.filter(groups__name="coach").order_by("username").first()
    if str(client.last_name) != UNIQUE_SURNAME:
        # seed_scale draws surnames from a short list, so a surname is shared by
        # ten times as many clients at 10,000 as at 1,000, and a search for it
        # lists ten times as many rows: a longer answer, not a slower search.
        # The measured client gets a surname of their own, so each search
        # finds the same clients at both sizes (bench/README.md has what a
        # shared surname costs).
        client.last_name = UNIQUE_SURNAME
        client_services.client_save(actor=owner, client=client)
    account = PortalAccount.objects.filter(client=client).first()
    if account is None:
        with transaction.atomic():
            account = portal_services.account_invite(
                actor=coach, client=client, send_email=False
            )
        account.activated_at = timezone.now()
        account.save()

    def staff(user):
        http = HttpClient()
        http.force_login(user)
        return http

    def portal():
        return portal_login(account)

    return owner, coach, client, trajectory, staff, portal


def _pages(search_coach: bool):
    from django.urls import reverse

    owner, coach, client, trajectory, staff, portal = _personas(search_coach)
    changelist = reverse("admin:clients_client_changelist")
    terms = {
        "email": str(client.email),
        "name_token": str(client.last_name).split()[-1],
        "name_part": str(client.last_name).split()[-1][1:-1],
    }

    def searched(user, term):
        http = staff(user)
        http.get(changelist, {"q": term})  # into the list's sealed cookie
        return http

    pages = []
    for who, user in (("coach", coach), ("owner", owner)):
        pages += [
            (f"{who} client list", lambda u=user: staff(u), changelist),
            *(
                (
                    f"{who} search {kind}",
                    lambda u=user, t=term: searched(u, t),
                    changelist,
                )
                for kind, term in terms.items()
            ),
        ]
        if search_coach:
            continue
        pages += [
            (
                f"{who} client page",
                lambda u=user: staff(u),
                reverse("admin:clients_client_change", args=[client.pk]),
            ),
            (
                f"{who} trajectory page",
                lambda u=user: staff(u),
                reverse("admin:dossiers_trajectory_change", args=[trajectory.pk]),
            ),
            (f"{who} dashboard", lambda u=user: staff(u), reverse("admin:dashboard")),
        ]
    if not search_coach:
        pages += [
            (
                "owner audit log of client",
                lambda: staff(owner),
                reverse("admin:audit_auditevent_changelist")
                + f"?holder_id={client.holder_id}",
            ),
            ("portal home", portal, reverse("portal:home")),
            ("portal dossier", portal, reverse("portal:dossier")),
            ("portal json export", portal, reverse("portal:export", args=["json"])),
        ]
    return pages


def _get(http, url):
    response = http.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    if response.status_code != 200:
        raise SystemExit(f"{url}: status {response.status_code}")
    return response


def _child_measure(requests: int, count: bool, search_coach: bool) -> dict:
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from refleact.crypto import keyring

    for alias in ("default", "keystore"):  # a reused database may lag the code
        call_command("migrate", database=alias, verbosity=0)
    results = {}
    for name, login, url in _pages(search_coach):
        http = login()
        try:
            for _ in range(WARMUP):
                _get(http, url)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported, not hidden
            # A page that fails is named in the report and left out of the figures.
            results[name] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
            continue
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            _get(http, url)
            times.append(time.perf_counter() - started)
        row = {"times": times}
        if count:
            keyring.clear_cache()
            with (
                CaptureQueriesContext(connections["default"]) as data,
                CaptureQueriesContext(connections["keystore"]) as keys,
            ):
                _get(http, url)
            row["queries"] = [len(data), len(keys)]
            profile = cProfile.Profile()
            for _ in range(PROFILED):
                profile.enable()
                _get(http, url)
                profile.disable()
            row["crypto"] = _crypto_share(profile)
        results[name] = row
    return results


# -- the parent ----------------------------------------------------------------
def _size_name(label: str) -> str:
    """Return "10k" for "10000", "1k" for "1000", the label itself otherwise."""
    return (
        f"{int(label) // 1000}k"
        if label.isdigit() and int(label) % 1000 == 0
        else label
    )


def _median_p95(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _prepare(
    label, clients, coaches, workdir, reuse, search_cap=None
) -> tuple[dict, float | None]:
    env = _environment(clients, label, workdir, search_cap)
    marker = workdir / label / "seeded.json"
    if reuse and marker.exists():
        return env, json.loads(marker.read_text()).get("seed_seconds")
    _databases_create(env)
    print(f"seeding {clients} clients ({label}) ...", flush=True)
    seeded = _child(env, "seed", str(clients), str(coaches or 0))
    marker.write_text(json.dumps(seeded))
    return env, seeded["seed_seconds"]


def _report(label, merged) -> None:
    print(f"\n== {label} ==")
    print(f"{'page':34} {'median ms':>10} {'p95 ms':>8} {'queries':>9} {'crypto':>7}")
    for name, row in merged.items():
        if "error" in row:
            print(f"{name:34} FAILED {row['error']}")
            continue
        median, p95 = _median_p95(row["times"])
        queries = "/".join(map(str, row.get("queries", ["-"])))
        crypto = row.get("crypto")
        share = f"{crypto[0] / crypto[1]:.3f}" if crypto else "-"
        print(
            f"{name:34} {median * 1000:10.1f} {p95 * 1000:8.1f} {queries:>9} {share:>7}"
        )


def _measure(envs: dict, args, search_coach: bool = False, extra_env=None) -> dict:
    merged = {label: {} for label in envs}
    per_round = max(1, -(-args.requests // args.rounds))
    for round_ in range(args.rounds):
        for label, env in envs.items():
            env = {**env, **(extra_env or {})}
            flags = [
                str(per_round),
                "1" if round_ == 0 else "0",
                "1" if search_coach else "0",
            ]
            print(f"round {round_ + 1}: measuring {label} ...", flush=True)
            result = _child(env, "measure", *flags)
            for name, row in result.items():
                if "error" in row:
                    merged[label][name] = row
                    continue
                into = merged[label].setdefault(name, {"times": []})
                into["times"] += row["times"]
                for key in ("queries", "crypto"):
                    if key in row:
                        into[key] = row[key]
    return merged


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--coaches", type=int, default=None)
    parser.add_argument("--reuse", type=Path, default=None)
    parser.add_argument("--search-coach", type=int, default=0)
    parser.add_argument("--search-cap", type=int, default=500)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings

        settings.DEBUG = False
        kind, *rest = args.child
        if kind == "seed":
            clients, coaches = int(rest[0]), int(rest[1]) or None
            print(json.dumps(_child_seed(clients, coaches)))
        else:
            requests, count, search_coach = int(rest[0]), rest[1] == "1", rest[2] == "1"
            print(json.dumps(_child_measure(requests, count, search_coach)))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s]
    workdir = args.reuse or Path(tempfile.mkdtemp(prefix="refleact-bench-pages-"))
    workdir.mkdir(parents=True, exist_ok=True)
    backend = "PostgreSQL" if _postgres_url() else "SQLite"
    print(f"bench/pages.py on {backend}, sizes {sizes}, data in {workdir}")
    print(f"SEARCH_OPEN_ROWS_MAX={args.search_cap} for the sizes compared")
    envs, seed_seconds = {}, {}
    try:
        for size in sizes:
            label = f"{size}" if args.coaches is None else f"{size}c{args.coaches}"
            envs[label], seed_seconds[label] = _prepare(
                label, size, args.coaches, workdir, args.reuse, args.search_cap
            )
        merged = _measure(envs, args) if envs else {}
        for label in merged:
            _report(f"{label} clients", merged[label])
        if args.search_coach:
            label = f"{args.search_coach}c1"
            env, _s = _prepare(label, args.search_coach, 1, workdir, args.reuse)
            envs[label] = env
            one = {label: env}
            capped = _measure(one, args, search_coach=True)[label]
            _report(
                f"one coach with {args.search_coach} clients, cap as configured", capped
            )
            opened = _measure(
                one,
                args,
                search_coach=True,
                extra_env={"SEARCH_OPEN_ROWS_MAX": str(args.search_coach * 2)},
            )[label]
            _report(f"the same, SEARCH_OPEN_ROWS_MAX={args.search_coach * 2}", opened)
    finally:
        if not args.reuse:
            for env in envs.values():
                _databases_drop(env)
            shutil.rmtree(workdir, ignore_errors=True)

    labels = list(merged)
    print()
    if not labels:
        return
    if len(labels) >= 2:
        small, large = merged[labels[0]], merged[labels[-1]]
        failed = {p for p in {*small, *large} if "error" in small.get(p, {"error": 1})}
        failed |= {p for p in large if "error" in large[p]}
        if failed:
            print(f"left out (failed): {', '.join(sorted(failed))}")
        small = {p: row for p, row in small.items() if p not in failed}
        growth = max(
            abs(sum(large[p]["queries"]) - sum(small[p]["queries"])) for p in small
        )
        ratios = {
            p: _median_p95(large[p]["times"])[0] / _median_p95(small[p]["times"])[0]
            for p in small
        }
        ratio = max(ratios.values())
        print(f"largest median ratio: {max(ratios, key=ratios.get)}")
        print(f"max_query_growth: {growth}")
        print(f"max_median_ratio: {ratio:.2f}")
    share = max(
        row["crypto"][0] / row["crypto"][1]
        for label in labels
        for row in merged[label].values()
        if "error" not in row
    )
    print(f"max_crypto_share: {share:.3f}")
    big = seed_seconds.get(labels[-1])
    if big is not None:
        print(f"seed_seconds_{_size_name(labels[-1])}: {big:.1f}")


if __name__ == "__main__":
    main()
