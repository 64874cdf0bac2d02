"""`make bench`: every scenario of issue 4 through a real gunicorn, each next to
its database floor measured in the same run. See bench/README.md."""
import os
import platform
import sys
import threading
import time
from statistics import median

from app.auth.service import create_token
from app.db import Database
from tests.support import running_gunicorn

from . import workloads
from .database import bench_database, connect
from .http_client import BenchError, Client
from .report import Result, print_table
from .seed import company_versions, seed_fund, settle

SAMPLES = int(os.environ.get("BENCH_SAMPLES", "250"))
WARMUP = 30
THROUGHPUT_CLIENTS = 8
THROUGHPUT_SECONDS = 5.0
SORT_ORDERS = ("exit_moic_desc", "planned_reserves_desc", "name_asc")


def timings_ms(call, samples=SAMPLES, warmup=WARMUP) -> list[float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def seed_all(conn) -> dict:
    started = time.perf_counter()
    funds = {
        "latest_100": seed_fund(conn, 100, "Latest 100"),
        "latest_1000": seed_fund(conn, 1000, "Latest 1,000"),
        "list_1000": seed_fund(conn, 1000, "List 1,000"),
        "list_100000": seed_fund(conn, 100_000, "List 100,000"),
        "post_http": seed_fund(conn, 1000, "POST via HTTP"),
        "post_floor": seed_fund(conn, 1000, "POST floor"),
    }
    settle(conn)
    print(f"seeded 104,100 companies in 6 funds in {time.perf_counter() - started:.1f} s",
          flush=True)
    return funds


def run_scenarios(base_url, token, url, funds) -> list[Result]:
    client = Client(base_url, token)
    floor = connect(url)  # autocommit: every BEGIN and COMMIT is the floor's own
    results = []
    try:
        for size, target in ((50, 10.0), (1, 5.0)):
            http_rotation = workloads.BatchRotation(company_versions(floor, funds["post_http"]), size)
            floor_rotation = workloads.BatchRotation(company_versions(floor, funds["post_floor"]), size)
            results.append(Result(
                f"POST batch of {size}",
                timings_ms(workloads.http_post(client, funds["post_http"], http_rotation)),
                timings_ms(workloads.floor_post(floor, funds["post_floor"], floor_rotation)),
                target_ms=target, target_ratio=3.0 if size == 50 else None))

        for count, target in ((100, 5.0), (1000, 25.0)):
            fund_id = funds[f"latest_{count}"]
            results.append(Result(
                f"GET latest, {count:,} companies",
                timings_ms(workloads.http_get(client, f"/api/funds/{fund_id}/allocations/latest",
                                              b'"company_id"', count)),
                timings_ms(workloads.floor_latest(floor, fund_id, count)),
                target_ms=target))

        for sort_by in SORT_ORDERS:
            pages = {}
            for count in (1000, 100_000):
                fund_id = funds[f"list_{count}"]
                path = f"/api/funds/{fund_id}/companies?limit=200&sortBy={sort_by}"
                pages[count] = Result(
                    f"GET companies {sort_by}, {count:,}",
                    timings_ms(workloads.http_get(client, path, b'"fund_id"', 200)),
                    timings_ms(workloads.floor_list(floor, fund_id, sort_by, 200)),
                    target_ms=10.0 if count == 100_000 else None)
            pages[100_000].versus = pages[1000]
            results.extend([pages[1000], pages[100_000]])
    finally:
        client.close()
        floor.close()
    return results


def healthz_median_ms(base_url) -> float:
    """The fixed cost of one request through the stack, without the database."""
    client = Client(base_url)
    try:
        return median(timings_ms(lambda: client.get("/healthz")))
    finally:
        client.close()


def requests_per_second(base_url, token, fund_id) -> float:
    """GET latest (100 companies) from THROUGHPUT_CLIENTS threads at once."""
    path = f"/api/funds/{fund_id}/allocations/latest"
    done, failures = [0] * THROUGHPUT_CLIENTS, []
    deadline = time.perf_counter() + THROUGHPUT_SECONDS

    def client_loop(index):
        client = Client(base_url, token)
        call = workloads.http_get(client, path, b'"company_id"', 100)
        try:
            while time.perf_counter() < deadline:
                call()
                done[index] += 1
        except Exception as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(THROUGHPUT_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise BenchError(f"throughput run: {failures[0]}")
    return sum(done) / (time.perf_counter() - started)


def writer_token(url) -> str:
    database = Database(url, max_size=1)
    try:
        _token_id, token = create_token(database, user_id=1, role="writer", fund_ids=None,
                                        expires_in_days=1)
        return token
    finally:
        database.close()


def server_version(url) -> str:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW server_version")
            return cur.fetchone()[0]
    finally:
        conn.close()


def main() -> int:
    started = time.perf_counter()
    try:
        with bench_database() as url:
            conn = connect(url)
            try:
                funds = seed_all(conn)
            finally:
                conn.close()
            token = writer_token(url)
            # Production settings: authentication on (one token lookup per
            # request); the rate limit raised so that it never trips.
            with running_gunicorn(url, workers=2, env={"AUTH_MODE": "on"}) as base_url:
                results = run_scenarios(base_url, token, url, funds)
                rps = requests_per_second(base_url, token, funds["latest_100"])
                fixed_ms = healthz_median_ms(base_url)
            version = server_version(url)
    except BenchError as exc:
        print(f"bench FAILED: {exc}", file=sys.stderr)
        return 1
    print_table(results, samples=SAMPLES)
    print(f"\nGET latest (100 companies), {THROUGHPUT_CLIENTS} concurrent clients "
          f"(threads): {rps:,.0f} requests/s")
    print(f"GET /healthz (HTTP + Flask + gunicorn, no database): median {fixed_ms:.2f} ms")
    print(f"\nPostgreSQL {version}; gunicorn 2 sync workers, authentication on; "
          f"Python {platform.python_version()}; "
          f"{os.cpu_count()} CPUs shared by the client, gunicorn and PostgreSQL; "
          f"whole run {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
