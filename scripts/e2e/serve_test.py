#!/usr/bin/env python3
"""End-to-end test of the real `hotline serve` process: start, use over HTTP, SIGTERM, restart, SIGTERM.

Steps (each prints a PASS/FAIL line; the script exits 1 on the first failure, 0 when all pass):
  1. start `hotline serve --demo --port <free port> --database-url <url> --key-file <tmp>/data/hotline.key`
     (and FILES_DIRECTORY=<tmp>/data/files in its environment) in a fresh temporary working
     directory (key file, files directory and SQLite file all inside it) and wait, at most --start-timeout
     seconds, for "Hotline 12345 is running" on its output and for GET /health to answer "ok";
  2. sign in as agent / Hotline-2026 (POST /api/v1/auth/login), create a ticket (POST /api/v1/tickets with an
     Idempotency-Key), check a retry with the same key replays the same ticket, read it back
     (GET /api/v1/tickets/{id});
  3. SIGTERM: the server must exit with status 0 within --stop-timeout seconds;
  4. start again on the same database and key file, again with --demo (it must neither reseed nor fail), sign in
     again, check the ticket from step 2 is there with the same number, title and content, that a retry of the
     step-2 request with the same Idempotency-Key still replays it (keys are stored in the database), and that
     the staff page GET /login answers 200 with HTML;
  5. SIGTERM again: clean exit (status 0).
  3a. (before step 3) the 110 linkage with a simulated 110 platform (peer110.py, a real HTTP server in this
     process): an admin subscribes it to the tickets the demo's 110 account records and to escalations; the
     platform diverts a call (a retry replays it, an unknown item is a 400); the first delivery is refused on
     purpose (503) and must come again; the ticket's creation and dispatch arrive signed and in order; an agent
     escalates a ticket to 110 and the platform acknowledges and answers through the API, closing that loop;
  5a. (after step 5) a crash mid-delivery: the platform holds a delivery unanswered, the server is killed
     (SIGKILL) and started again; the same delivery (same id) must arrive once the claim's lease runs out.
  3d. (before step 3) trust: /metrics answers loopback but not a forwarded client; an integration account's
     password does not sign in (its key does); a 2 MB body is refused 413 before it is read; every API answer is
     no-store; the files the server made are 0600 (folders 0700); `hotline audit checkpoint` and `hotline audit verify`
     on the live database; on SQLite, `hotline backup` while the server runs, `hotline restore` of it into a new
     place (its chain verified), and a restore of a doctored backup refused.
  8. (last) a database administrator closes a ticket in its row alone (sqlite3 / psql): `hotline audit verify` exits 2
     and names the ticket.
Every wait is bounded; the server is killed (SIGKILL) whenever a step fails, and the temporary directory (with
the server's logs) is then kept and its path printed; after a pass it is removed (unless --keep). Only the standard library is used
(plus `psql` when --create-postgres-db is given).

Usage:
  # SQLite (default): a fresh file in a temporary directory
  python3 scripts/e2e/serve_test.py --binary .build/debug/hotline

  # PostgreSQL, an existing EMPTY database of your own:
  python3 scripts/e2e/serve_test.py --binary .build/debug/hotline \\
      --database-url postgres://postgres:postgres@127.0.0.1:5432/hotline_serve_test

  # PostgreSQL, let the script DROP (if it exists) and CREATE the database NAME first, through psql on the
  # server of --postgres-admin-url (default postgres://postgres:postgres@127.0.0.1:5432/postgres); the
  # database URL becomes the admin URL with its database name replaced by NAME:
  python3 scripts/e2e/serve_test.py --binary .build/debug/hotline --create-postgres-db hotline_serve_test

Other options: --start-timeout SECONDS (420), --stop-timeout SECONDS (30), --keep (keep the temporary directory).
"""
import argparse, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer110 import Peer110  # noqa: E402

PASSWORD = "Hotline-2026"
RUNNING = "Hotline 12345 is running"
SEEDING = "seeding the demo city"


class StepFailed(Exception):
    pass


def redact(text):
    """Hides the password of any user:password@ in a URL."""
    return re.sub(r"//([^:/@\s]+):[^@\s]*@", r"//\1:***@", text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `hotline serve` child process whose merged stdout/stderr is collected by a reader thread."""

    def __init__(self, binary, workdir, port, database_url, key_file, env, label):
        self.label = label
        self.lines = []
        self.lock = threading.Lock()
        self.running = threading.Event()
        self.log_path = os.path.join(workdir, f"server-{label}.log")
        self.command = [binary, "serve", "--demo", "--port", str(port), "--database-url", database_url,
                        "--key-file", key_file]
        self.process = subprocess.Popen(self.command, cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        with open(self.log_path, "wb") as log:
            for raw in iter(self.process.stdout.readline, b""):
                log.write(raw)
                log.flush()
                line = raw.decode("utf-8", "replace").rstrip("\n")
                with self.lock:
                    self.lines.append(line)
                if RUNNING in line:
                    self.running.set()

    def output(self, last=60):
        """The end of the server's output; when it crashed, the lines before Swift's backtrace and the crash line."""
        if self.process.poll() is not None:
            self.reader.join(timeout=5)
        with self.lock:
            lines = [redact(line) for line in self.lines]
        crash = next((i for i, line in enumerate(lines) if line.startswith(("*** Signal", "*** Program crashed", "💣"))), None)
        if crash is None:
            shown, note = lines[-last:], ""
        else:
            shown = lines[max(0, crash - last):crash]
            shown += [line for line in lines[crash:crash + 5] if "crashed" in line]
            note = f"; the backtrace after it is in the log"
        head = f"--- server output ({self.label}: {len(shown)} of {len(lines)} lines{note}; full log {self.log_path}) ---"
        return "\n".join([head, *shown, "--- end of server output ---"])

    def text(self):
        with self.lock:
            return "\n".join(self.lines)

    def exit_description(self):
        code = self.process.poll()
        if code is None:
            return "still running"
        if code < 0:
            return f"killed by signal {signal.Signals(-code).name} (shell status {128 - code})"
        return f"exit status {code}"

    def kill(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


class Test:
    def __init__(self, args):
        self.args = args
        self.workdir = tempfile.mkdtemp(prefix="hotline-serve-test-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database_url = args.database_url or os.path.join(self.workdir, "data", "hotline.sqlite")
        os.makedirs(os.path.join(self.workdir, "data"), exist_ok=True)
        # The key file has a flag (--key-file); files.directory only a configuration key, given as FILES_DIRECTORY.
        self.key_file = os.path.join(self.workdir, "data", "hotline.key")
        # The relay retries within a second or two and takes over a dead node's claim after 12 s (defaults: 5 s, 120 s;
        # a claim must outlast a whole batch of posts, here one wave of 10 at most 2 s each).
        self.env = dict(os.environ, CRYPTO_KEY_FILE=self.key_file, FILES_DIRECTORY=os.path.join(self.workdir, "data", "files"),
                        RELAY_FIRST_RETRY_SECONDS="1", RELAY_MAX_RETRY_SECONDS="2", RELAY_BATCH_SIZE="10", RELAY_CONCURRENCY="10",
                        RELAY_TIMEOUT_SECONDS="2", RELAY_LEASE_SECONDS="12")
        # Nothing from the caller's environment may point the server elsewhere.
        for key in ("DB_URL", "CRYPTO_KEY", "HTTP_PORT", "HTTP_HOST"):
            self.env.pop(key, None)
        self.server = None
        self.ticket = None
        self.request_body = None
        self.idempotency_key = f"serve-test-{os.getpid()}-{int(time.time())}"
        self.results = []
        self.police_key = None
        self.open311_key = None
        self.subcenter_key = None
        self.peer = None

    # ---- HTTP ----
    def http(self, method, path, body=None, token=None, headers=None, timeout=15):
        data = None
        request_headers = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            request_headers["Content-Type"] = "application/json"
        if token:
            request_headers["Authorization"] = "Bearer " + token
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=request_headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode("utf-8", "replace")

    def json_call(self, method, path, body=None, token=None, headers=None, expect=(200,)):
        status, _, text = self.http(method, path, body, token, headers)
        if status not in expect:
            raise StepFailed(f"{method} {path} answered {status} (expected {'/'.join(map(str, expect))}): {text[:800]}")
        try:
            return status, json.loads(text)
        except ValueError:
            raise StepFailed(f"{method} {path} answered {status} with no JSON: {text[:800]}")

    def login(self, username="agent"):
        _, answer = self.json_call("POST", "/api/v1/auth/login", {"username": username, "password": PASSWORD})
        token = answer.get("token")
        if not token:
            raise StepFailed(f"login as {username} gave no token: {answer}")
        return token

    # ---- process ----
    def start(self, label):
        self.server = Server(self.args.binary, self.workdir, self.port, self.database_url, self.key_file, self.env, label)
        deadline = time.monotonic() + self.args.start_timeout
        while not self.server.running.is_set():
            if self.server.process.poll() is not None:
                raise StepFailed(f"the server exited before it was running ({self.server.exit_description()})")
            if time.monotonic() > deadline:
                raise StepFailed(f"no \"{RUNNING}\" within {self.args.start_timeout:.0f} s")
            self.server.running.wait(0.2)
        last_error = None
        while True:
            if self.server.process.poll() is not None:
                raise StepFailed(f"the server exited after printing \"{RUNNING}\" ({self.server.exit_description()})"
                                 + (f"; last /health error: {last_error}" if last_error else ""))
            try:
                status, _, text = self.http("GET", "/health", timeout=2)
                if status == 200 and text.strip() == "ok":
                    break
                last_error = f"{status} {text[:200]!r}"
            except Exception as error:  # connection refused while it binds, etc.
                last_error = repr(error)
            if time.monotonic() > deadline:
                raise StepFailed(f"GET /health did not answer \"ok\" within {self.args.start_timeout:.0f} s (last: {last_error})")
            time.sleep(0.2)
        # Still alive a moment later (a crash right after start-up must not slip through).
        time.sleep(1.0)
        if self.server.process.poll() is not None:
            raise StepFailed(f"the server exited right after answering /health ({self.server.exit_description()})")

    def stop(self):
        process = self.server.process
        if process.poll() is not None:
            raise StepFailed(f"the server was no longer running before SIGTERM ({self.server.exit_description()})")
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=self.args.stop_timeout)
        except subprocess.TimeoutExpired:
            raise StepFailed(f"the server did not exit within {self.args.stop_timeout:.0f} s of SIGTERM")
        elapsed = time.monotonic() - started
        self.server.reader.join(timeout=5)
        if code != 0:
            raise StepFailed(f"after SIGTERM the server ended with {self.server.exit_description()} (expected exit status 0)")
        try:
            self.http("GET", "/health", timeout=1)
            raise StepFailed("the port still answers after the server exited")
        except StepFailed:
            raise
        except Exception:
            pass
        return elapsed

    # ---- steps ----
    def step1(self):
        self.start("first")
        text = self.server.text()
        if SEEDING not in text:
            raise StepFailed("a fresh database should have been seeded with the demo city (no \"seeding the demo city\" line)")
        if not os.path.isfile(self.key_file):
            raise StepFailed(f"the key file {self.key_file} was not created")
        found = re.search(r"110 platform API key \(shown once\): (\S+)", text)
        if not found:
            raise StepFailed("the demo city's 110 platform API key was not printed")
        self.police_key = found.group(1)
        keys = {name: re.search(rf"{name} API key \(shown once\): (\S+)", text) for name in ("Open311 app", "sub-center system")}
        if not all(keys.values()):
            raise StepFailed("the demo city's Open311 and sub-center API keys were not printed")
        self.open311_key = keys["Open311 app"].group(1)
        self.subcenter_key = keys["sub-center system"].group(1)
        return f"running on {self.base} with {self.redacted(self.database_url)}"

    def step2(self):
        token = self.login()
        self.request_body = {
            "channel": "phone", "type": "complaint", "title": "serve-test 小区路灯不亮",
            "content": f"滨江花园北门路灯一周不亮，夜间出行不安全。(serve_test {self.idempotency_key})",
            "categoryCode": "030599", "location": {"address": "东湖区滨江花园"},
            "requester": {"name": "王先生", "phone": "13812341234"}}
        headers = {"Idempotency-Key": self.idempotency_key}
        status, created = self.json_call("POST", "/api/v1/tickets", self.request_body, token, headers, expect=(201,))
        ticket = created.get("ticket") or {}
        if not ticket.get("id") or not ticket.get("number") or created.get("replayed") is not False:
            raise StepFailed(f"unexpected creation answer: {json.dumps(created, ensure_ascii=False)[:800]}")
        if ticket.get("title") != self.request_body["title"] or ticket.get("content") != self.request_body["content"]:
            raise StepFailed("the created ticket does not carry the submitted title and content")
        _, again = self.json_call("POST", "/api/v1/tickets", self.request_body, token, headers, expect=(200,))
        if again.get("replayed") is not True or (again.get("ticket") or {}).get("id") != ticket["id"]:
            raise StepFailed(f"a retry with the same Idempotency-Key should replay ticket {ticket['id']}: "
                             f"{json.dumps(again, ensure_ascii=False)[:500]}")
        _, detail = self.json_call("GET", f"/api/v1/tickets/{ticket['id']}", token=token)
        read = detail.get("ticket") or {}
        for field in ("id", "number", "title", "content", "status"):
            if read.get(field) != ticket.get(field):
                raise StepFailed(f"read back {field}={read.get(field)!r}, created {ticket.get(field)!r}")
        if not detail.get("history"):
            raise StepFailed("the ticket read back has no history")
        self.ticket = read
        return f"ticket {read['id']} number {read['number']} status {read['status']}; idempotent retry replayed it"

    def step3(self):
        elapsed = self.stop()
        return f"exit status 0 after {elapsed:.1f} s"

    def step4(self):
        self.start("second")
        text = self.server.text()
        if SEEDING in text or "API key (shown once)" in text:
            raise StepFailed("the second start with --demo seeded the demo city again")
        token = self.login()
        _, detail = self.json_call("GET", f"/api/v1/tickets/{self.ticket['id']}", token=token)
        read = detail.get("ticket") or {}
        for field in ("id", "number", "title", "content", "status"):
            if read.get(field) != self.ticket.get(field):
                raise StepFailed(f"after restart {field}={read.get(field)!r}, before {self.ticket.get(field)!r}")
        _, listed = self.json_call("GET", "/api/v1/tickets?q=" + urllib.parse.quote(self.ticket["number"]), token=token)
        if self.ticket["id"] not in [t.get("id") for t in listed.get("items", [])]:
            raise StepFailed(f"searching for {self.ticket['number']} does not find the ticket: {json.dumps(listed, ensure_ascii=False)[:500]}")
        _, again = self.json_call("POST", "/api/v1/tickets", self.request_body, token,
                                  {"Idempotency-Key": self.idempotency_key}, expect=(200,))
        if again.get("replayed") is not True or (again.get("ticket") or {}).get("id") != self.ticket["id"]:
            raise StepFailed(f"after restart a retry with the same Idempotency-Key should replay ticket {self.ticket['id']}: "
                             f"{json.dumps(again, ensure_ascii=False)[:500]}")
        status, headers, page = self.http("GET", "/login")
        content_type = headers.get("Content-Type", "")
        if status != 200 or "text/html" not in content_type or "<form" not in page or 'name="password"' not in page:
            raise StepFailed(f"GET /login answered {status} {content_type!r}: {page[:300]!r}")
        return f"no reseed; ticket {read['number']} unchanged; idempotent retry still replays it; GET /login 200 HTML"

    def step5(self):
        elapsed = self.stop()
        return f"exit status 0 after {elapsed:.1f} s"

    def step6(self):
        # The month's assessment from the command line, on the data the server left: a header and the demo's units.
        month = time.strftime("%Y-%m", time.gmtime(time.time() + 8 * 3600))
        result = subprocess.run([self.args.binary, "report", "kpi", "--period", month, "--format", "csv", "--database-url", self.database_url,
                                 "--key-file", self.key_file], cwd=self.workdir, env=self.env, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise StepFailed(f"hotline report kpi exited {result.returncode}: {result.stderr[-800:]}")
        lines = result.stdout.splitlines()
        if not lines or not lines[0].startswith("分组,名次,单位,得分,工单量,及时签收率") or not any("市住房和城乡建设局" in line for line in lines[1:]):
            raise StepFailed(f"unexpected kpi CSV: {result.stdout[:600]!r}")
        bad = subprocess.run([self.args.binary, "report", "kpi", "--period", "2026-13", "--database-url", self.database_url,
                              "--key-file", self.key_file], cwd=self.workdir, env=self.env, capture_output=True, text=True, timeout=60)
        if bad.returncode == 0 or "--period" not in bad.stderr:
            raise StepFailed(f"a malformed period should be refused with a message about --period: {bad.returncode} {bad.stderr[-300:]!r}")
        return f"{len(lines) - 1} units in the {month} CSV; a malformed period is refused"

    def step7(self):
        # Volumes and hotspots from the command line, on the same data; and the reports the server's schedule archived.
        month = time.strftime("%Y-%m", time.gmtime(time.time() + 8 * 3600))
        common = ["--database-url", self.database_url, "--key-file", self.key_file]
        volumes = subprocess.run([self.args.binary, "report", "volumes", "--period", month, "--dimension", "channel", "--format", "csv"] + common,
                                 cwd=self.workdir, env=self.env, capture_output=True, text=True, timeout=300)
        if volumes.returncode != 0:
            raise StepFailed(f"hotline report volumes exited {volumes.returncode}: {volumes.stderr[-800:]}")
        lines = volumes.stdout.splitlines()
        if not lines or not lines[0].startswith("受理渠道,本期,上期,环比,去年同期,同比") or not lines[-1].startswith("合计,"):
            raise StepFailed(f"unexpected volumes CSV: {volumes.stdout[:600]!r}")
        total = int(lines[-1].split(",")[1])
        if total < 1:
            raise StepFailed(f"the month should have tickets: {lines[-1]!r}")
        hotspots = subprocess.run([self.args.binary, "report", "hotspots", "--period", month, "--format", "json"] + common,
                                  cwd=self.workdir, env=self.env, capture_output=True, text=True, timeout=300)
        if hotspots.returncode != 0 or not hotspots.stdout.strip().startswith("["):
            raise StepFailed(f"hotline report hotspots failed {hotspots.returncode}: {hotspots.stderr[-600:]} {hotspots.stdout[:300]!r}")
        found = json.loads(hotspots.stdout)
        return f"{total} tickets this month by channel; {len(found)} hotspots"


    # ---- trust ----
    def cli(self, *arguments, database_url=None, extra_env=None, timeout=300):
        env = dict(self.env, **(extra_env or {}))
        return subprocess.run([self.args.binary, *arguments, "--database-url", database_url or self.database_url, "--key-file", self.key_file],
                              cwd=self.workdir, env=env, capture_output=True, text=True, timeout=timeout)

    def step_trust(self):
        facts = []
        status, _, _ = self.http("GET", "/metrics")
        forwarded, _, _ = self.http("GET", "/metrics", headers={"X-Forwarded-For": "203.0.113.8"})
        if status != 200 or forwarded != 403:
            raise StepFailed(f"/metrics should answer loopback (got {status}) and refuse a forwarded client (got {forwarded})")
        facts.append("/metrics loopback only")
        status, _, text = self.http("POST", "/api/v1/auth/login", {"username": "police110", "password": PASSWORD})
        if status != 401 or "api_key_only" not in text:
            raise StepFailed(f"an integration account's password must not sign in: {status} {text[:300]}")
        facts.append("integration password refused")
        huge = json.dumps({"username": "agent", "password": "x" * (2 << 20)}).encode()
        request = urllib.request.Request(self.base + "/api/v1/auth/login", data=huge, method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                big = response.status
        except urllib.error.HTTPError as error:
            big = error.code
        except (ConnectionResetError, BrokenPipeError, urllib.error.URLError):
            big = 413  # the server may close the connection once it has answered 413 mid-upload
        if big != 413:
            raise StepFailed(f"a 2 MB sign-in body should be refused 413, got {big}")
        _, headers, _ = self.http("GET", "/api/v1/me", token=self.login())
        if headers.get("Cache-Control") != "no-store":
            raise StepFailed(f"API answers must be no-store, got {headers.get('Cache-Control')!r}")
        facts.append("413 for 2 MB, no-store")
        data = os.path.join(self.workdir, "data")
        loose = []
        for root, folders, files in os.walk(data):
            for name in folders:
                mode = os.stat(os.path.join(root, name)).st_mode & 0o777
                if mode & 0o077:
                    loose.append(f"{name}/ {mode:o}")
            for name in files:
                mode = os.stat(os.path.join(root, name)).st_mode & 0o777
                if mode & 0o077:
                    loose.append(f"{name} {mode:o}")
        if loose:
            raise StepFailed(f"files the server made are readable by others: {loose[:10]}")
        facts.append("data files 0600/0700")
        checkpoint = self.cli("audit", "checkpoint")
        verify = self.cli("audit", "verify")
        if checkpoint.returncode != 0 or verify.returncode != 0 or "audit chain intact" not in verify.stdout or "tickets intact" not in verify.stdout:
            raise StepFailed(f"audit checkpoint/verify on the live database failed: {checkpoint.stdout[-300:]} {checkpoint.stderr[-300:]} "
                             f"{verify.stdout[-600:]} {verify.stderr[-300:]}")
        facts.append(verify.stdout.splitlines()[0])
        if not self.database_url.startswith("postgres"):
            facts.append(self.backup_round_trip())
        return "; ".join(facts)

    def backup_round_trip(self):
        backup = os.path.join(self.workdir, "backup.tar")
        made = self.cli("backup", backup)
        if made.returncode != 0 or not os.path.isfile(backup):
            raise StepFailed(f"hotline backup failed: {made.stdout[-400:]} {made.stderr[-400:]}")
        if os.stat(backup).st_mode & 0o077:
            raise StepFailed("the backup file is readable by others")
        place = os.path.join(self.workdir, "restored")
        os.makedirs(place, exist_ok=True)
        restored_env = {"FILES_DIRECTORY": os.path.join(place, "files"), "AUDIT_CHECKPOINT_FILE": os.path.join(place, "checkpoints.log")}
        restored_db = os.path.join(place, "hotline.sqlite")
        restore = self.cli("restore", backup, database_url=restored_db, extra_env=restored_env)
        if restore.returncode != 0 or not os.path.isfile(restored_db):
            raise StepFailed(f"hotline restore failed: {restore.stdout[-600:]} {restore.stderr[-400:]}")
        check = self.cli("audit", "verify", database_url=restored_db, extra_env=restored_env)
        if check.returncode != 0:
            raise StepFailed(f"the restored database does not verify: {check.stdout[-600:]}")
        # A doctored backup: one ticket closed in its row inside the archive.
        import sqlite3, tarfile
        unpacked = os.path.join(self.workdir, "doctored")
        with tarfile.open(backup) as archive:
            archive.extractall(unpacked)
        connection = sqlite3.connect(os.path.join(unpacked, "hotline.sqlite"))
        connection.execute("UPDATE tickets SET status = 'closed', reply = '已办结' WHERE id = (SELECT MIN(id) FROM tickets)")
        connection.commit()
        connection.close()
        doctored = os.path.join(self.workdir, "doctored.tar")
        with tarfile.open(doctored, "w") as archive:
            for name in ("manifest.json", "hotline.sqlite", "files"):
                archive.add(os.path.join(unpacked, name), arcname=name)
        other = os.path.join(self.workdir, "refused")
        os.makedirs(other, exist_ok=True)
        refused = self.cli("restore", doctored, database_url=os.path.join(other, "hotline.sqlite"),
                           extra_env={"FILES_DIRECTORY": os.path.join(other, "files"), "AUDIT_CHECKPOINT_FILE": os.path.join(other, "cp.log")})
        if refused.returncode != 2 or "REFUSED" not in refused.stdout or os.path.exists(os.path.join(other, "hotline.sqlite")):
            raise StepFailed(f"a doctored backup should be refused (exit 2, nothing restored): {refused.returncode} {refused.stdout[-600:]}")
        return f"backup {os.path.getsize(backup) // 1024} KB restored and verified; a doctored one refused"

    def step_tamper(self):
        # A database administrator closes a ticket in its row alone, as one could with a SQL console.
        sql = "UPDATE tickets SET status = 'closed', reply = '已办结', satisfaction = 'satisfied' WHERE id = (SELECT MIN(id) FROM tickets)"
        if self.database_url.startswith("postgres"):
            result = subprocess.run(["psql", self.database_url, "-v", "ON_ERROR_STOP=1", "-qc", sql], capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                raise StepFailed(f"psql: {result.stderr[-300:]}")
        else:
            import sqlite3
            connection = sqlite3.connect(self.database_url)
            connection.execute(sql)
            connection.commit()
            connection.close()
        verify = self.cli("audit", "verify")
        if verify.returncode != 2 or "tickets ALTERED: 1" not in verify.stdout:
            raise StepFailed(f"audit verify should exit 2 naming the altered ticket: {verify.returncode} {verify.stdout[-800:]}")
        return [line for line in verify.stdout.splitlines() if "ALTERED" in line][0]

    # ---- the 110 linkage with a simulated 110 platform ----
    def police(self, method, path, body=None, expect=(200,)):
        return self.json_call(method, path, body, headers={"X-API-Key": self.police_key}, expect=expect)

    def divert(self, alarm, content, expect=(201,)):
        call = {"alarmNumber": alarm, "dispatchNumber": "CJ-" + alarm, "itemCode": "noise", "content": content,
                "caller": {"name": "李女士", "phone": "13900001111"}, "address": "东湖区滨江花园3栋",
                "calledAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "recordingUrl": "https://110.example.gov.cn/rec/" + alarm + ".mp3"}
        return call, self.police("POST", "/api/v1/police110/calls", call, expect=expect)[1]

    def step_linkage(self):
        admin = self.login("admin")
        _, users = self.json_call("GET", "/api/v1/users", token=admin)
        platform = next((u for u in users if u.get("username") == "police110"), None)
        if not platform:
            raise StepFailed("the demo city has no police110 integration account")
        self.peer = Peer110(hotline=self.base, api_key=self.police_key)
        _, progress = self.json_call("POST", "/api/v1/subscriptions", {
            "name": "110联动平台·进展回传", "url": self.peer.url + "/hotline/changes", "topics": ["ticket.*"], "scope": "recordedBy",
            "scopeId": platform["id"]}, token=admin, expect=(201,))
        _, escalations = self.json_call("POST", "/api/v1/subscriptions", {
            "name": "110联动平台·转警", "url": self.peer.url + "/hotline/escalations", "topics": ["ticket.escalateTo110"]},
            token=admin, expect=(201,))
        self.peer.secrets["/hotline/changes"] = progress["secret"]
        self.peer.secrets["/hotline/escalations"] = escalations["secret"]
        self.peer.fail_next = 1

        call, diverted = self.divert(f"JJ-E2E-{os.getpid()}", "楼上住户深夜装修，电钻声持续两小时。(serve_test)")
        ticket = diverted["ticket"]
        if ticket.get("channel") != "police110" or ticket.get("status") != "accepted" or diverted["transfer"].get("alarmNumber") != call["alarmNumber"]:
            raise StepFailed(f"unexpected diversion answer: {json.dumps(diverted, ensure_ascii=False)[:600]}")
        _, again = self.police("POST", "/api/v1/police110/calls", call, expect=(200,))
        if not again.get("replayed") or again["ticket"]["id"] != ticket["id"]:
            raise StepFailed("the same alarm number again should answer the first ticket")
        unknown = dict(call, alarmNumber="JJ-E2E-unknown", itemCode="robbery")
        status, _, text = self.http("POST", "/api/v1/police110/calls", unknown, headers={"X-API-Key": self.police_key})
        if status != 400 or "unknown_diversion_item" not in text:
            raise StepFailed(f"an unknown diversion item should be a 400 unknown_diversion_item: {status} {text[:300]}")

        agent = self.login("agent")
        _, units = self.json_call("GET", "/api/v1/units", token=agent)
        housing = next((u for u in units if u.get("name") == "市住房和城乡建设局"), None)
        self.json_call("POST", f"/api/v1/tickets/{ticket['id']}/actions", {"action": "dispatch", "mainUnitId": housing["id"]}, token=agent)
        number = ticket["number"]
        def progressed(peer):
            topics = [r["topic"] for r in peer.received if r["path"] == "/hotline/changes" and r["event"].get("number") == [number]]
            return topics[:2] == ["ticket.create", "ticket.dispatch"]
        if not self.peer.wait_for(progressed, 30):
            raise StepFailed(f"the 110 platform did not get the ticket's creation and dispatch in order: {self.peer.received} posts {self.peer.posts}")
        if not any(status == 503 for _, _, status in self.peer.posts) or self.peer.refused:
            raise StepFailed(f"expected one refused-on-purpose post retried and no bad signature: posts {self.peer.posts} refused {self.peer.refused}")

        created = self.json_call("POST", "/api/v1/tickets", {
            "channel": "phone", "type": "report", "title": "serve-test 小区门口有人持刀威胁路人", "content": "来电人称小区门口有人持刀威胁路人。",
            "categoryCode": "030599", "location": {"address": "东湖区滨江花园"}}, token=agent, expect=(201,))[1]["ticket"]
        _, transfer = self.json_call("POST", f"/api/v1/tickets/{created['id']}/police110", {"reason": "涉及人身安全，需警方处置"}, token=agent,
                                     expect=(201,))
        if not self.peer.wait_for(lambda peer: any(c[0] == str(transfer["id"]) for c in peer.callbacks), 30):
            raise StepFailed(f"the 110 platform did not answer escalation {transfer['id']}: {self.peer.received}")
        answered = next(c for c in self.peer.callbacks if c[0] == str(transfer["id"]))
        if answered[1:] != (200, 200):
            raise StepFailed(f"110's acknowledgement and feedback answered {answered[1:]}")
        _, loop = self.json_call("GET", f"/api/v1/tickets/{created['id']}/police110", token=agent)
        _, detail = self.json_call("GET", f"/api/v1/tickets/{created['id']}", token=agent)
        if not loop["escalations"] or not loop["escalations"][0].get("closed") or \
                "police110Feedback" not in [e.get("action") for e in detail.get("history", [])]:
            raise StepFailed(f"the escalation loop should be closed with 110's feedback in the history: {loop}")
        delivered = len([r for r in self.peer.received if r["path"] == "/hotline/changes"])
        return (f"call {call['alarmNumber']} → ticket {number}; {delivered} changes fed back to 110 after a refused post; "
                f"escalation {transfer['id']} acknowledged and answered by 110")

    def step_open311(self):
        # A real Open311 client library from PyPI (georeport) in JSON and XML; it cannot post, so requests (its own
        # dependency) posts the form as every Open311 client does.
        import georeport
        import requests
        root = self.base + "/open311/v2"
        discovery = requests.get(self.base + "/open311/discovery.json", timeout=10).json()
        if discovery["endpoints"][0]["url"] != root + "/":
            raise StepFailed(f"discovery names {discovery['endpoints'][0]['url']}, not {root}/")
        as_json = georeport.GeoReport(root, api_key=self.open311_key)
        as_xml = georeport.GeoReport(root, api_key=self.open311_key, output_format="xml")
        services = as_json.get_service_list()
        lights = [s for s in services if "路灯" in s["service_name"]] or services
        code = lights[0]["service_code"]
        if len(as_xml.get_service_list()) != len(services) or as_xml.get_service_definition(code)["service_code"] != code:
            raise StepFailed("the XML service list or definition differs from the JSON one")
        form = {"api_key": self.open311_key, "service_code": code, "lat": "28.68", "long": "115.89", "address_string": "东湖区幸福路12号",
                "description": "幸福路12号门口路灯一周没亮了，我的电话13912345678。(serve_test)", "first_name": "明", "last_name": "王",
                "phone": "13912345678"}
        headers = {"Idempotency-Key": f"open311-{os.getpid()}"}
        posted = requests.post(root + "/requests.json", data=form, headers=headers, timeout=10)
        again = requests.post(root + "/requests.json", data=form, headers=headers, timeout=10)
        request_id = posted.json()[0]["service_request_id"]
        if posted.status_code != 200 or again.json()[0]["service_request_id"] != request_id:
            raise StepFailed(f"POST requests answered {posted.status_code} {posted.text[:300]}; the retry {again.text[:200]}")
        one = as_json.get_service_request(request_id)
        one_xml = as_xml.get_service_request(request_id)
        if one["status"] != "open" or one_xml["service_request_id"] != request_id or one["service_code"] != code:
            raise StepFailed(f"the request reads back as {one} / {one_xml}")
        if "13912345678" in json.dumps(one, ensure_ascii=False) or "王" in json.dumps(one, ensure_ascii=False):
            raise StepFailed(f"the public view shows who asked: {one}")
        listed = as_json.get_service_requests(service_code=code, status="open")
        if request_id not in [r["service_request_id"] for r in listed]:
            raise StepFailed(f"the open requests of {code} do not list {request_id}")
        token = requests.get(f"{root}/tokens/{request_id}.json", timeout=10).json()
        if token[0]["service_request_id"] != request_id:
            raise StepFailed(f"tokens/{request_id} answered {token}")
        try:
            as_json.get_service_requests(start_date="2020-01-01T00:00:00Z", end_date="2026-01-01T00:00:00Z")
            raise StepFailed("a 6-year range should be refused")
        except requests.HTTPError as error:
            if error.response.status_code != 400 or error.response.json()[0]["code"] != 400:
                raise StepFailed(f"a too-long range answered {error.response.status_code} {error.response.text[:200]}")
        bad = requests.post(root + "/requests.xml", data=dict(form, api_key="hlk_forged"), timeout=10)
        if bad.status_code != 403 or "<errors><error><code>403</code>" not in bad.text:
            raise StepFailed(f"a forged api_key answered {bad.status_code} {bad.text[:200]}")
        agent = self.login("agent")
        _, queue = self.json_call("GET", "/api/v1/tickets?status=screening&channel=open311&limit=200", token=agent)
        mine = [t for t in queue["items"] if t["number"] == request_id]
        if len(mine) != 1:
            raise StepFailed(f"request {request_id} is not once in the screening queue: {[t['number'] for t in queue['items']]}")
        return f"{len(services)} services; request {request_id} filed once (retried), read in JSON and XML, in the screening queue; 400 and 403 as errors lists"

    def step_subcenter(self):
        key = {"X-API-Key": self.subcenter_key}
        _, own = self.json_call("POST", "/api/v1/tickets", {
            "channel": "phone", "type": "complaint", "title": "serve-test 超市出售过期食品", "content": "在超市买到过期酸奶。",
            "requester": {"name": "王女士", "phone": "13800001111"}}, headers=key, expect=(201,))
        ticket = own["ticket"]
        if ticket["status"] != "pendingSign":
            raise StepFailed(f"the sub-center's own intake should wait for its own signature: {ticket}")
        agent = self.login("agent")
        _, created = self.json_call("POST", "/api/v1/tickets", {
            "channel": "phone", "type": "complaint", "title": "serve-test 网购商品质量", "content": "网购的电热水壶漏电。"},
            token=agent, expect=(201,))
        dispatched = created["ticket"]["id"]
        self.json_call("POST", f"/api/v1/tickets/{dispatched}/actions", {"action": "dispatch", "mainUnitId": ticket["mainUnitId"]}, token=agent)
        _, feed = self.json_call("GET", "/api/v1/changes?after=0&limit=1000", headers=key)
        pulled = {e["ticketId"] for e in feed["events"]}
        if dispatched not in pulled or ticket["id"] not in pulled:
            raise StepFailed(f"the sub-center's feed should show both tickets: {sorted(pulled)}")
        for ticket_id in (ticket["id"], dispatched):
            self.json_call("POST", f"/api/v1/tickets/{ticket_id}/actions", {"action": "sign"}, headers=key)
            _, replied = self.json_call("POST", f"/api/v1/tickets/{ticket_id}/actions", {"action": "reply", "note": "已核实处理。"}, headers=key)
            if replied["status"] != "replied":
                raise StepFailed(f"the sub-center's reply left ticket {ticket_id} {replied['status']}")
        status, _, _ = self.http("GET", f"/api/v1/tickets/{self.ticket['id']}", headers=key)
        if status != 404:
            raise StepFailed(f"the sub-center should not see another unit's ticket: {status}")
        return f"own intake {ticket['number']} and 12345's {created['ticket']['number']} pulled, signed and replied by the sub-center"

    def step_crash(self):
        # The server runs again (step 5 stopped it); the platform holds the next delivery unanswered.
        self.start("before-crash")
        self.peer.hang_next = True
        self.peer.hanging.clear()
        _, diverted = self.divert(f"JJ-E2E-crash-{os.getpid()}", "小区地下车库出口被私家车堵住。(serve_test crash)")
        number = diverted["ticket"]["number"]
        if not self.peer.hanging.wait(30):
            raise StepFailed("the held delivery never reached the 110 platform")
        held = self.peer.held
        self.server.kill()
        self.start("after-crash")
        def arrived(peer):
            return any(r["deliveryId"] == held for r in peer.received)
        if not self.peer.wait_for(arrived, 60):
            raise StepFailed(f"delivery {held}, held when the server died, never came again: {self.peer.posts[-5:]}")
        again = next(r for r in self.peer.received if r["deliveryId"] == held)
        if again["event"].get("number") != [number] or again["topic"] != "ticket.create":
            raise StepFailed(f"delivery {held} came back as another change: {again}")
        elapsed = self.stop()
        return (f"delivery {held} (creation of {number}), in flight when the server was killed, arrived again under the same id after "
                f"the restart; clean exit after {elapsed:.1f} s")

    @staticmethod
    def redacted(url):
        return redact(url)

    def run(self):
        steps = [("1. start hotline serve --demo on a fresh database", self.step1),
                 ("2. sign in as agent, create a ticket, read it back", self.step2),
                 ("3a. 110 linkage with a simulated 110 platform: divert, feed back with a retry, escalate and be answered", self.step_linkage),
                 ("3b. Open311 with a real client library (georeport), JSON and XML", self.step_open311),
                 ("3c. a sub-center's system through the API: its own intake, 12345's dispatch pulled, signed, replied", self.step_subcenter),
                 ("3d. trust: metrics, key-only integrations, body limit, file modes, audit verify, backup and restore", self.step_trust),
                 ("3. SIGTERM: clean shutdown", self.step3),
                 ("4. restart on the same database with --demo: no reseed, ticket still there, /login loads", self.step4),
                 ("5. SIGTERM again: clean shutdown", self.step5),
                 ("5a. a crash mid-delivery: the delivery in flight arrives after the restart", self.step_crash),
                 ("6. hotline report kpi on the same data: the month's assessment as CSV", self.step6),
                 ("7. hotline report volumes and hotspots on the same data", self.step7),
                 ("8. a database administrator's edit of a ticket row is caught by hotline audit verify", self.step_tamper)]
        print(f"serve_test: binary {self.args.binary}, database {self.redacted(self.database_url)}, work dir {self.workdir}", flush=True)
        for name, step in steps:
            started = time.monotonic()
            try:
                detail = step()
            except Exception as error:
                kind = "" if isinstance(error, StepFailed) else f"{type(error).__name__}: "
                print(f"FAIL {name} ({time.monotonic() - started:.1f} s): {kind}{error}", flush=True)
                if self.server:
                    print(self.server.output(), flush=True)
                    self.server.kill()
                for later, _ in steps[steps.index((name, step)) + 1:]:
                    print(f"SKIP {later}", flush=True)
                return False
            print(f"PASS {name} ({time.monotonic() - started:.1f} s): {detail}", flush=True)
        return True

    def cleanup(self, ok):
        if self.server:
            self.server.kill()
        if self.peer:
            self.peer.stop()
        if self.args.keep or not ok:
            print(f"kept {self.workdir} (server logs server-*.log)" + ("" if ok else " for inspection after the failure"))
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def recreate_postgres(admin_url, name):
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"--create-postgres-db: {name!r} is not a plain lower-case identifier")
    psql = shutil.which("psql")
    if not psql:
        raise SystemExit("--create-postgres-db needs psql on PATH")
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        result = subprocess.run([psql, admin_url, "-v", "ON_ERROR_STOP=1", "-qc", sql],
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise SystemExit(f"psql failed on {sql!r}: {result.stderr.strip()}")
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="the hotline executable")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary directory; "
                        "a postgres:// URL must name an existing, empty database")
    parser.add_argument("--create-postgres-db", metavar="NAME",
                        help="drop and create PostgreSQL database NAME first (through psql) and use it")
    parser.add_argument("--postgres-admin-url", default="postgres://postgres:postgres@127.0.0.1:5432/postgres",
                        help="the server and credentials --create-postgres-db uses")
    parser.add_argument("--start-timeout", type=float, default=420,
                        help="seconds to wait for each start (420: seeding the demo city takes ~45 s on SQLite, "
                             "3-4 minutes on PostgreSQL on a busy two-core machine)")
    parser.add_argument("--stop-timeout", type=float, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the temporary working directory")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"not an executable: {args.binary}")
    if args.create_postgres_db:
        if args.database_url:
            raise SystemExit("give either --database-url or --create-postgres-db, not both")
        args.database_url = recreate_postgres(args.postgres_admin_url, args.create_postgres_db)

    test = Test(args)
    previous = {}
    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        previous[sig] = signal.signal(sig, interrupted)
    ok = False
    try:
        ok = test.run()
    except KeyboardInterrupt as error:
        print(f"FAIL interrupted ({error})", flush=True)
    finally:
        test.cleanup(ok)
    print("serve test PASSED" if ok else "serve test FAILED", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
