"""What every benchmark shares: the machine, test images, process lifetimes, the two stacks, a lean HTTP client,
/proc readings and the report (a table and a JSON blob).

Benchmarks start `pixelmill` exactly as an operator would (subprocesses of the CLI), on 127.0.0.1 only:
the embedded mode in a temporary working directory, or the production stack on a PostgreSQL schema, a Redis
queue name and a blob directory of the run's own, all removed at the end. Every child runs in its own process
group and is stopped (SIGTERM, then SIGKILL) when the script ends, fails, times out or is interrupted; a
child whose parent dies anyway gets SIGTERM from the kernel (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

PIXELMILL = Path(sys.executable).with_name("pixelmill")
POSTGRES_URL = os.environ.get("PIXELMILL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PIXELMILL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
PASSWORD = "bench password 123"
CHEAP_ARGON2 = {  # logins are not what is measured
    "PIXELMILL_ARGON2_TIME_COST": "1",
    "PIXELMILL_ARGON2_MEMORY_COST": "1024",
    "PIXELMILL_ARGON2_PARALLELISM": "1",
}
NO_RATE_LIMITS = {  # raised, not switched off: the checks still run on every request, as in production
    "PIXELMILL_RATE_LIMIT_SUBMIT_BURST": "1000000000",
    "PIXELMILL_RATE_LIMIT_SUBMIT_SUSTAINED": "1000000000",
    "PIXELMILL_RATE_LIMIT_AUTH": "1000000",
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """An expected failure: printed as one line, exit code 1."""


# ----------------------------------------------------------------------------------------------- machine & output


def machine(postgres: bool = False, redis: bool = False) -> dict[str, Any]:
    """Cores, CPU, Python, Pillow and (when used) PostgreSQL and Redis versions."""
    import PIL
    from PIL import features

    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pillow": PIL.__version__,
        "libjpeg_turbo": features.version("libjpeg_turbo"),
        "load_1m": float(Path("/proc/loadavg").read_text().split()[0]),
        "idle_before": idle_share(1.0),  # others' work on a shared machine is measured too: see it here
    }
    if postgres:
        info["postgresql"] = postgres_version()
    if redis:
        info["redis"] = redis_version()
    return info


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs so far."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return fields[3] + fields[4], sum(fields[:8])  # idle + iowait; user..steal


def idle_share(seconds: float = 1.0) -> float:
    """The share of the machine's CPU time that was idle over the next `seconds`."""
    idle, total = _cpu_times()
    time.sleep(seconds)
    idle_after, total_after = _cpu_times()
    return round((idle_after - idle) / max(1, total_after - total), 3)


def wait_for_quiet(max_wait: float, idle_needed: float = 0.85) -> float:
    """Wait (up to max_wait seconds) until the machine is mostly idle, so that others' work is not measured too.
    Returns the idle share last seen; says so when the machine never quietened."""
    began = time.monotonic()
    while True:
        idle = idle_share(1.0)
        if idle >= idle_needed or time.monotonic() - began >= max_wait:
            if idle < idle_needed and max_wait > 0:
                print(f"note: the machine is busy ({100 * (1 - idle):.0f}% CPU used by others); measuring anyway",
                      flush=True)  # fmt: skip
            return idle


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def postgres_version() -> str:
    import psycopg

    with psycopg.connect(libpq_url(POSTGRES_URL), connect_timeout=5) as connection:
        return str(connection.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]


def redis_version() -> str:
    import redis

    with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5) as client:
        return str(client.info("server")["redis_version"])


def print_machine(info: dict[str, Any]) -> None:
    print("machine: " + ", ".join(f"{key} {value}" for key, value in info.items()), flush=True)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A plain text table of the rows' columns."""
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    lines = ["  ".join(column.rjust(width) for column, width in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.2f}"
    return str(value)


def emit_json(name: str, payload: dict[str, Any], out: str | None) -> None:
    """The JSON blob on stdout (one line after a `JSON ` marker) and, if asked, into a file."""
    blob = {"benchmark": name, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **payload}
    text = json.dumps(blob, sort_keys=False, default=str)
    print("JSON " + text, flush=True)
    if out:
        Path(out).write_text(json.dumps(blob, indent=2, default=str) + "\n")


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of unsorted values; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return float(ordered[int(rank) - 1])


def latency_summary(seconds: Sequence[float]) -> dict[str, float | None]:
    """p50/p95/p99/max in milliseconds."""
    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 2)

    return {
        "p50_ms": ms(percentile(seconds, 50)),
        "p95_ms": ms(percentile(seconds, 95)),
        "p99_ms": ms(percentile(seconds, 99)),
        "max_ms": ms(max(seconds) if seconds else None),
    }


# ------------------------------------------------------------------------------------------------------- images


def photo_jpeg(width: int, height: int, seed: int = 0, target_bytes: int | None = None) -> bytes:
    """A deterministic, photo-like JPEG (gradients, shapes, grain), its quality chosen to land near target_bytes.

    Synthetic so the repository carries no photos; grain is what makes real photos cost what they cost to code.
    """
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    small = (max(1, width // 4), max(1, height // 4))
    horizontal = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270))).resize(small)
    vertical = Image.radial_gradient("L").resize(small)
    third = Image.linear_gradient("L").transpose(Image.Transpose.TRANSPOSE).resize(small)
    base = Image.merge("RGB", (horizontal, vertical, third))
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x0, y0 = rng.randrange(small[0]), rng.randrange(small[1])
        x1, y1 = x0 + rng.randrange(1, max(2, small[0] // 3)), y0 + rng.randrange(1, max(2, small[1] // 3))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    image = base.filter(ImageFilter.GaussianBlur(2)).resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 28).convert("RGB")
    image = Image.blend(image, grain, 0.2)
    if target_bytes is None:
        return _jpeg(image, 85)
    low, high, best = 20, 95, _jpeg(image, 85)
    while low <= high:  # the highest quality that stays under the target, or the lowest tried
        quality = (low + high) // 2
        data = _jpeg(image, quality)
        if len(data) <= target_bytes:
            best, low = data, quality + 1
        else:
            best = data if len(best) > target_bytes else best
            high = quality - 1
    return best


def _jpeg(image: Any, quality: int) -> bytes:
    out = BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------- /proc readings


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process so far (its own threads, not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14 and 15 of stat(5)


def status_kib(pid: int, key: str) -> int | None:
    """A `kB` line of /proc/<pid>/status (VmHWM, VmRSS), or None if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_rss(pid: int) -> bool:
    """Start VmHWM afresh (clear_refs 5); False where the kernel does not allow it."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """Direct children of a process."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(child) for child in (task / "children").read_text().split()]
    return found


def mib(kib: int | None) -> float | None:
    return None if kib is None else round(kib / 1024, 1)


# ---------------------------------------------------------------------------------------------- process lifetimes

_PR_SET_PDEATHSIG = 1
try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: the signal handlers and atexit still stop every child
    _prctl = None


def _die_with_parent() -> None:
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


@dataclass
class Child:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        """Still running. Never reaps: while the leader is unreaped its pid, and so its group id, stays ours."""
        if self.popen.returncode is not None:
            return False
        try:
            return os.waitid(os.P_PID, self.popen.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
        except ChildProcessError:
            return False

    def tail(self, lines: int = 25) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM to the whole group (a taskiq supervisor and its workers), SIGKILL after the grace to whatever
        of the group is left. Signals go only to a group whose leader is not yet reaped (running, or a zombie
        holding its pid), so they cannot reach a later process that happens to reuse the number."""
        if self.popen.returncode is not None:
            return
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            deadline = time.monotonic() + grace
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)  # stragglers of the group, and the leader if it lingers
        self.popen.wait()


_CHILDREN: list[Child] = []


def start(name: str, args: Sequence[str], *, cwd: Path, env: dict[str, str], log_dir: Path) -> Child:
    """A child in its own process group (Ctrl-C reaches only us; we stop it), logging to <log_dir>/<name>.log."""
    log = log_dir / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(
            list(args), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=_die_with_parent,
        )  # fmt: skip
    child = Child(name, popen, log)
    _CHILDREN.append(child)
    return child


def stop_all(grace: float = 15.0) -> None:
    while _CHILDREN:
        _CHILDREN.pop().stop(grace)


@contextlib.contextmanager
def guarded(max_seconds: float) -> Iterator[None]:
    """The script's run: SIGTERM/SIGHUP act like Ctrl-C, a hard stop after max_seconds (+60 s for the clean-up),
    and every child is stopped on the way out whatever happened."""

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    def overrun(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"the benchmark ran over its {max_seconds:.0f} s bound")

    # SIGINT too: a shell starts a background job with it ignored, and `kill -INT` must still stop the run cleanly.
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    previous[signal.SIGALRM] = signal.signal(signal.SIGALRM, overrun)
    signal.alarm(int(max_seconds) + 60)
    atexit.register(stop_all, 2.0)
    try:
        yield
    finally:
        signal.alarm(0)
        stop_all()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def child_signals() -> None:
    """In a forked helper (a multiprocessing pool): the parent handles Ctrl-C and SIGTERM and ends the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)


def run_main(main: Any) -> None:
    """Exit codes: 0 done, 1 failed (one line on stderr), 130 interrupted."""
    try:
        code = main()
    except KeyboardInterrupt:
        print("interrupted: every process this benchmark started is stopped", file=sys.stderr)
        code = 130
    except (BenchError, TimeoutError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        code = 1
    sys.exit(code or 0)


# ---------------------------------------------------------------------------------------------------- the stacks


def parse_env(pairs: Sequence[str]) -> dict[str, str]:
    """NAME=VALUE pairs from the command line."""
    env = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise BenchError(f"--env wants NAME=VALUE, not {pair!r}")
        env[name] = value
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def require_local(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in LOCAL_HOSTS:
        raise BenchError(f"benchmarks only target this machine; {url!r} is not on 127.0.0.1")


def libpq_url(url: str) -> str:
    """SQLAlchemy's postgresql+psycopg:// URL as psycopg itself takes it."""
    return "postgresql://" + url.split("://", 1)[1]


def clean_env() -> dict[str, str]:
    """This shell's environment without its PIXELMILL_* variables, which must not leak into a run."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PIXELMILL_")}


@dataclass
class Api:
    child: Child
    url: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


@dataclass
class Stack:
    """One Pixelmill deployment of this run's own: `embedded` (SQLite, in-process worker) or `production`."""

    kind: str
    root: Path
    env: dict[str, str]
    schema: str | None = None
    queue_name: str | None = None
    apis: list[Api] = field(default_factory=list)
    workers: list[Child] = field(default_factory=list)
    _connection: Any = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def database_url(self) -> str:
        return self.env["PIXELMILL_DATABASE_URL"]

    def pixelmill(self, *args: str, timeout: float = 120.0) -> str:
        """A one-shot command (migrate, credits grant); its error output on failure."""
        return self.pixelmill_all([list(args)], timeout)[0]

    def pixelmill_all(self, commands: Sequence[Sequence[str]], timeout: float = 120.0) -> list[str]:
        """One-shot commands run side by side (each is mostly Python start-up); their outputs."""
        children = [
            start(f"cli-{uuid4().hex[:8]}", [str(PIXELMILL), *args], cwd=self.root, env=self.env, log_dir=self.root)
            for args in commands
        ]
        outputs = []
        deadline = time.monotonic() + timeout
        for args, child in zip(commands, children, strict=True):
            while child.alive():
                if time.monotonic() > deadline:
                    raise BenchError(f"pixelmill {' '.join(args)} did not finish within {timeout:.0f} s")
                time.sleep(0.02)
            child.stop()  # reaps it (and anything it left in its group)
            _CHILDREN.remove(child)
            code = child.popen.returncode
            output = child.log.read_text(errors="replace").strip()
            if code != 0:
                raise BenchError(f"pixelmill {' '.join(args)} failed: {output}")
            outputs.append(output)
        return outputs

    def serve(self, timeout: float = 60.0) -> Api:
        """One more `pixelmill serve` on a free port, once /health/ready answers 200."""
        return self.serve_many(1, timeout)[0]

    def serve_many(self, count: int, timeout: float = 60.0) -> list[Api]:
        """`count` more `pixelmill serve` processes, started together, once each /health/ready answers 200."""
        import httpx

        apis = []
        for _ in range(count):
            port = free_port()
            child = start(
                f"{self.kind}-api-{port}", [str(PIXELMILL), "serve", "--port", str(port)],
                cwd=self.root, env=self.env, log_dir=self.root,
            )  # fmt: skip
            apis.append(Api(child, f"http://127.0.0.1:{port}"))
        deadline = time.monotonic() + timeout
        for api in apis:
            while True:
                if not api.child.alive():
                    raise BenchError(f"pixelmill serve exited with {api.child.popen.returncode}:\n{api.child.tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{api.url}/health/ready", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise BenchError(f"pixelmill serve is not ready after {timeout:.0f} s:\n{api.child.tail()}")
                time.sleep(0.05)
        self.apis += apis
        return apis

    def stop_apis(self) -> None:
        while self.apis:
            self.apis.pop().child.stop()

    def worker(self, processes: int) -> Child:
        """`pixelmill worker --workers N` (a taskiq supervisor and N worker processes)."""
        if self.kind != "production":
            raise BenchError("separate workers need the production stack")
        child = start(
            f"worker-{len(self.workers)}", [str(PIXELMILL), "worker", "--workers", str(processes)],
            cwd=self.root, env=self.env, log_dir=self.root,
        )  # fmt: skip
        self.workers.append(child)
        return child

    def stop_workers(self) -> None:
        while self.workers:
            self.workers.pop().stop()

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query on this stack's database (PostgreSQL schema or SQLite file)."""
        if self.kind == "production":
            import psycopg

            if self._connection is None:  # one connection for the run: a connect costs PostgreSQL a fork
                self._connection = psycopg.connect(
                    libpq_url(POSTGRES_URL), options=f"-csearch_path={self.schema}", autocommit=True
                )
            return list(self._connection.execute(query.replace("?", "%s"), params).fetchall())  # type: ignore[arg-type]
        import sqlite3

        path = self.database_url.split("///", 1)[1]
        connection = sqlite3.connect(Path(self.root, path) if not path.startswith("/") else path, timeout=30)
        try:
            return list(connection.execute(query, params).fetchall())
        finally:
            connection.close()


@contextlib.contextmanager
def stack(kind: str, extra: dict[str, str] | None = None, keep: bool = False) -> Iterator[Stack]:
    """A fresh deployment; everything it made (processes, schema, Redis keys, files) is gone afterwards."""
    root = Path(tempfile.mkdtemp(prefix=f"pixelmill-bench-{kind}-"))
    env = {
        **clean_env(),
        **CHEAP_ARGON2,
        **NO_RATE_LIMITS,
        "PIXELMILL_JWT_SECRET": secrets.token_urlsafe(48),
        "PIXELMILL_ACCESS_TOKEN_SECONDS": "7200",  # longer than any run
        "PIXELMILL_LOG_LEVEL": "WARNING",  # per-request INFO logs would be measured too
        "PIXELMILL_STORAGE_URL": f"file://{root / 'blobs'}",
    }
    schema = queue_name = None
    deployment: Stack | None = None
    try:
        if kind == "embedded":
            env["PIXELMILL_DATABASE_URL"] = f"sqlite+aiosqlite:///{root / 'var' / 'pixelmill.db'}"
            env["PIXELMILL_VAR_DIR"] = str(root / "var")
        elif kind == "production":
            require_local(POSTGRES_URL)
            require_local(REDIS_URL)
            schema = f"bench_{uuid4().hex}"
            _postgres(f'CREATE SCHEMA "{schema}"')
            queue_name = f"pixelmill-bench-{uuid4().hex}"
            env |= {
                # Staging: production's demands, with the sandbox gateway the webhook bench pays through.
                "PIXELMILL_ENV": "staging",
                "PIXELMILL_PAYMENT_GATEWAY": "sandbox",
                "PIXELMILL_PUBLIC_URL": "http://127.0.0.1",
                "PIXELMILL_DATABASE_URL": f"{POSTGRES_URL}?options=-csearch_path%3D{schema}",
                "PIXELMILL_BROKER_URL": REDIS_URL,
                "PIXELMILL_QUEUE_NAME": queue_name,
            }
        else:
            raise BenchError(f"unknown stack {kind!r}: embedded or production")
        env |= extra or {}
        deployment = Stack(kind, root, env, schema, queue_name)
        if kind == "production":
            deployment.pixelmill("migrate")
        yield deployment
    finally:
        stop_all()
        if deployment is not None:
            deployment.close()
        if schema:
            with contextlib.suppress(Exception):
                _postgres(f'DROP SCHEMA "{schema}" CASCADE')
        if queue_name:
            with contextlib.suppress(Exception):
                _forget_queue(queue_name)
        if keep:
            print(f"kept the run's files in {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def _postgres(statement: str) -> None:
    import psycopg

    try:
        with psycopg.connect(libpq_url(POSTGRES_URL), autocommit=True, connect_timeout=5) as connection:
            connection.execute(statement)  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        raise BenchError(f"PostgreSQL is unreachable at {POSTGRES_URL}: {str(exc).strip()}") from exc


def _forget_queue(queue_name: str) -> None:
    import redis

    with redis.Redis.from_url(REDIS_URL) as client:
        keys = list(client.scan_iter(match=f"{queue_name}*"))
        if keys:
            client.delete(*keys)


# --------------------------------------------------------------------------------------------------------- users


@dataclass
class User:
    email: str
    token: str


def new_users(deployment: Stack, api: Api, count: int, credits: int) -> list[User]:
    """Signed up over HTTP, given credits with `pixelmill credits grant`, logged in."""
    import httpx

    emails = [f"bench-{uuid4().hex[:12]}@example.com" for _ in range(count)]
    users = []
    with httpx.Client(base_url=api.url, timeout=30) as http:
        for email in emails:
            signed_up = http.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD})
            if signed_up.status_code != 201:
                raise BenchError(f"signup answered {signed_up.status_code}: {signed_up.text}")
        if credits > 0:
            for batch in range(0, count, 4):  # a few at a time: each is a Python start-up
                deployment.pixelmill_all([["credits", "grant", email, str(credits)] for email in emails[batch:batch + 4]])
        for email in emails:
            login = http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
            if login.status_code != 200:
                raise BenchError(f"login answered {login.status_code}: {login.text}")
            users.append(User(email, login.json()["access_token"]))
    return users


# ---------------------------------------------------------------------------------------------- a lean HTTP client


def multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> tuple[str, bytes]:
    """(content type, body) of a multipart/form-data request."""
    boundary = "pixelmill-bench-" + secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content_type, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def raw_request(
    method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    """A complete HTTP/1.1 request, ready to write to a keep-alive connection again and again."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Connection:
    """One keep-alive HTTP/1.1 connection, the load generator's only cost a write and a parse: the client must
    not be what a 2-core benchmark measures. Responses need a Content-Length (every JSON answer has one)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)

    async def send(self, request: bytes, timeout: float) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        try:
            async with asyncio.timeout(timeout):
                self.writer.write(request)
                head = await self.reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                close = False
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    lowered = name.strip().lower()
                    if lowered == b"content-length":
                        length = int(value)
                    elif lowered == b"connection" and value.strip().lower() == b"close":
                        close = True
                body = await self.reader.readexactly(length) if length else b""
        except BaseException:
            self.close()  # a half-read response poisons the connection: the next request opens a fresh one
            raise
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def use_uvloop() -> None:
    """The client's event loop: uvloop when installed (it is, with uvicorn[standard]), as the server uses."""
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


# ------------------------------------------------------------------------------------------------------ profiling


@contextlib.contextmanager
def profiling(pids: Sequence[int], out_dir: str | None, name: str, settle: float = 0.5) -> Iterator[None]:
    """py-spy (GIL holders only, so what is shown is Python CPU; a developer's tool, not a dependency: `pip install py-spy`) records the processes meanwhile,
    as collapsed stacks (`<name>-<pid>.txt`, for flamegraph.pl or speedscope) with a summary of the hottest
    functions printed afterwards."""
    if not out_dir:
        yield
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise BenchError("--profile needs py-spy: .venv/bin/pip install py-spy")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    recorders = []
    for pid in pids:
        out = Path(out_dir) / f"{name}-{pid}.txt"
        recorder = start(
            f"py-spy-{pid}", [spy, "record", "--pid", str(pid), "--rate", "250", "--format", "raw", "--gil",
                              "--output", str(out), "--nonblocking"],
            cwd=Path.cwd(), env=dict(os.environ), log_dir=Path(out_dir),
        )  # fmt: skip
        recorders.append((recorder, out))
    time.sleep(settle)  # py-spy attaches
    try:
        yield
    finally:
        for recorder, out in recorders:
            if recorder.alive():
                os.kill(recorder.pid, signal.SIGINT)  # py-spy writes its file on SIGINT
            deadline = time.monotonic() + 30
            while recorder.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            recorder.stop(1)
            _CHILDREN.remove(recorder)
            if out.exists():
                print(f"profile {out}:\n{hot_functions(out)}", flush=True)


def hot_functions(collapsed: Path, top: int = 25) -> str:
    """The functions most often on the stack (inclusive share) and at its top (self share) in py-spy's output."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        total += samples
        frames = [frame.split(" (")[0] + " " + frame.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1]
                  for frame in stack.split(";")]  # fmt: skip
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + samples
        own[frames[-1]] = own.get(frames[-1], 0) + samples
    if not total:
        return "  (no samples)"
    lines = [f"  {total} samples; inclusive:"]
    lines += [f"  {100 * n / total:5.1f}%  {f}" for f, n in sorted(inclusive.items(), key=lambda i: -i[1])[:top]]
    lines.append("  self:")
    lines += [f"  {100 * n / total:5.1f}%  {f}" for f, n in sorted(own.items(), key=lambda i: -i[1])[:top]]
    return "\n".join(lines)
