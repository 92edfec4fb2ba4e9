"""Load generation and measurement for bench/compare.py: servers as processes, wrk as the load, /proc as the meter."""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WRK_SCRIPT = """
local paths = {{{paths}}}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""


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

    def cpu_seconds(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime

    def rss_mb(self) -> float:
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]

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


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.runs)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(server: Server, paths: list[str], seconds: int, connections: int) -> Run:
    """Drive ``paths`` round-robin for ``seconds`` with ``connections`` keep-alive clients (2 wrk threads)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(paths=", ".join(f'"{p}"' for p in paths)))
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
    out = process.stdout.read() if process.stdout else ""
    os.unlink(script.name)
    server.rss_peak_mb = max(server.rss_peak_mb, peak)
    cpu = server.cpu_seconds() - before
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))

    def percentile(name: str) -> float:
        found = re.search(rf"^\s+{name}%\s+(\S+)", out, re.M)
        return _ms(found.group(1)) if found and requests else float("nan")

    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=percentile("50"),
        p99_ms=percentile("99"),
        cpu_ms=1000 * cpu / max(requests, 1),
        errors=errors,
    )
