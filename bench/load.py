"""Load generation and measurement: servers as processes, wrk as the load, /proc as the meter (used by
bench/compare.py); run as a script, the mix of a busy day on both stores, p99 against p50.

python bench/load.py [--clients 32] [--seconds 10]: builds the demo into PostGIS (BENCH_PG, default
postgresql://postgres@127.0.0.1:5432) and an embedded DuckDB file, and drives each store's server with wrk
(``--clients`` connections) round-robin over a mix of lists, tiles, exports, statistics and pages (the paths of
tests/test_concurrency.py): from a cold start, then warm, then while a rebuild runs and is swapped in. Each store is
served twice: as shipped (the bounded queue in front of the store, semap.api.admission) and with the queue opened
wide (SEMAP_WORK_AT_ONCE=1000, the time-out 10 minutes), the peer. It reports p50, p99, p99/p50, requests a
second and the 503s (what the queue refused instead of making a request wait).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
import psycopg

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WRK_SCRIPT = """
local paths = {{{paths}}}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""
# The same, counting 503s (a response() callback costs wrk CPU: only where the refusals are the point).
WRK_COUNTING = (
    WRK_SCRIPT
    + """
local threads = {{}}
setup = function(thread) table.insert(threads, thread) end
init = function() refused = 0 end
response = function(status) if status == 503 then refused = refused + 1 end end
done = function()
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("refused") end
  io.write("503 " .. total .. "\\n")
end
"""
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str]
    url: str = ""
    process: subprocess.Popen[bytes] | None = None
    rss_idle_mb: float = 0.0
    rss_peak_mb: float = 0.0

    def start(self, probe: str, cwd: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        command = [*self.command, "--port", str(port), "--log-level", "warning", "--no-access-log"]
        log = open(tempfile.gettempdir() + f"/bench-{self.name}.log", "wb")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(command, env={**os.environ, **self.env}, cwd=cwd, stdout=log, stderr=log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {log.name}")
            try:
                if httpx.get(self.url + probe, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"{self.name} did not answer {probe} within 120 s")
        self.rss_idle_mb = self.rss_mb()

    def pids(self) -> list[int]:
        """The server and its workers (uvicorn --workers: child processes), recursively."""
        assert self.process is not None
        found, pending = [], [self.process.pid]
        while pending:
            pid = pending.pop()
            found.append(pid)
            with contextlib.suppress(OSError):  # gone meanwhile
                pending += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return found

    def cpu_seconds(self) -> float:
        total = 0.0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
        return total

    def rss_mb(self) -> float:
        """Resident memory of the server and its workers together."""
        total = 0.0
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
        return total

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # still busy with a long tile: it is only a benchmark server
                self.process.kill()
                self.process.wait()


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # server CPU per request
    errors: int
    refused: int = 0  # answered 503 (the queue's time-out, or a full database)


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.runs)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(
    server: Server,
    paths: list[str],
    seconds: int,
    connections: int,
    count_refused: bool = False,
    until: Callable[[], bool] | None = None,
) -> Run:
    """Drive ``paths`` round-robin for ``seconds`` with ``connections`` keep-alive clients (2 wrk threads), or
    until ``until()`` says so (wrk reports what it measured when interrupted)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            (WRK_COUNTING if count_refused else WRK_SCRIPT).format(
                paths=", ".join(f'"{quote(p, safe="/?=&,:.")}"' for p in paths)
            )
        )
    before = server.cpu_seconds()
    # A 60 s timeout: a 1M-point tile at z12 takes seconds, and must count as slow, not as lost.
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "--latency",
        "-s",
        script.name,
        server.url,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = server.rss_mb()
    while process.poll() is None:
        time.sleep(0.5)
        peak = max(peak, server.rss_mb())
        if until is not None and until():
            process.send_signal(signal.SIGINT)
            until = None
    out = process.stdout.read() if process.stdout else ""
    os.unlink(script.name)
    server.rss_peak_mb = max(server.rss_peak_mb, peak)
    cpu = server.cpu_seconds() - before
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    refused = sum(int(n) for n in re.findall(r"^503 (\d+)$", out, re.M))  # counted by the script's done()

    def percentile(name: str) -> float:
        found = re.search(rf"^\s+{name}%\s+(\S+)", out, re.M)
        return _ms(found.group(1)) if found and requests else float("nan")

    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=percentile("50"),
        p99_ms=percentile("99"),
        cpu_ms=1000 * cpu / max(requests, 1),
        errors=errors,
        refused=refused,
    )


# --- the mix on both stores (python bench/load.py) -----------------------------------------------------------------
REPO = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "semap_bench_load"
sys.path.insert(0, str(REPO))
from tests.test_concurrency import LOAD_PATHS as MIX  # noqa: E402 - lists, tiles, exports, stats, pages: the tests' mix

WIDE_OPEN = {"SEMAP_WORK_AT_ONCE": "1000", "SEMAP_QUEUE_TIMEOUT_S": "600"}


def _semap(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    command = [str(REPO / ".venv" / "bin" / "semap"), *args]
    return subprocess.run(command, env={**os.environ, **env}, cwd=REPO, capture_output=True, check=True)


def _stores(scratch: Path) -> dict[str, dict[str, str]]:
    """The demo built into PostGIS and into an embedded file; each store's environment."""
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    stores = {
        "duckdb": {"SEMAP_DATABASE_URL": f"duckdb:///{scratch / 'semap.duckdb'}"},
        "postgis": {"SEMAP_DATABASE_URL": f"{PG}/{DATABASE}"},
    }
    for name, env in stores.items():
        started = time.monotonic()
        _semap("build", env=env)
        print(f"built {name} in {time.monotonic() - started:.0f} s", flush=True)
    return stores


def _phases(server: Server, env: dict[str, str], clients: int, seconds: int) -> dict[str, Run]:
    """A cold start (the server just started: every answer computed once), warm, and during a rebuild."""
    runs = {"cold": wrk(server, list(MIX), seconds, clients, count_refused=True)}
    runs["warm"] = wrk(server, list(MIX), seconds, clients, count_refused=True)
    build_env = {k: v for k, v in env.items() if k.startswith("SEMAP_")}
    before = httpx.get(server.url + "/api/v1/meta", timeout=60).json()["meta"].get("loaded_at")
    rebuild = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "semap"), "build"],
        env={**os.environ, **build_env},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    finished: list[float] = []

    def swapped_a_while_ago() -> bool:  # the rebuild, its swap, and ``seconds`` of serving its data
        if not finished and rebuild.poll() is not None:
            finished.append(time.monotonic())
        return bool(finished) and time.monotonic() - finished[0] >= seconds

    runs["rebuild"] = wrk(server, list(MIX), 900, clients, count_refused=True, until=swapped_a_while_ago)
    assert rebuild.wait(timeout=900) == 0, "the rebuild failed"
    after = httpx.get(server.url + "/api/v1/meta", timeout=60).json()["meta"].get("loaded_at")
    assert after != before, "the rebuild's data were not served"
    return runs


def mix(clients: int, seconds: int) -> str:
    os.environ.setdefault("SEMAP_GEODATA_MIRROR", str(REPO.parent / "shared" / "geodata"))
    uvicorn = [str(REPO / ".venv" / "bin" / "uvicorn"), "semap.api.app:create_app", "--factory"]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        stores = _stores(Path(scratch))
        for store, env in stores.items():
            serving = {k: v for k, v in env.items() if k.startswith("SEMAP_")}
            for variant, extra in (("queued", {}), ("wide open", WIDE_OPEN)):
                server = Server(f"{store}-{variant}", uvicorn, {**serving, **extra})
                server.start("/healthz", REPO)
                try:
                    for phase, run in _phases(server, env, clients, seconds).items():
                        rows.append((store, variant, phase, run))
                        print(
                            f"  {store} {variant} {phase}: p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms", flush=True
                        )
                finally:
                    server.stop()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    lines = [
        f"The mix, {clients} clients (wrk), {seconds} s per phase ({os.cpu_count()} cores, wrk on the same machine)",
        "",
        "| store | queue | phase | req/s | p50 | p99 | p99/p50 | 503s | other errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for store, variant, phase, run in rows:
        lines.append(
            f"| {store} | {variant} | {phase} | {run.rps:,.0f} | {run.p50_ms:.1f} ms | {run.p99_ms:.1f} ms | "
            f"{run.p99_ms / run.p50_ms:.1f} | {run.refused} | {run.errors - run.refused} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    print(mix(args.clients, args.seconds))


if __name__ == "__main__":
    sys.exit(main())
