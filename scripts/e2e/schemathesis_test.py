#!/usr/bin/env python3
"""Contract test of the real `hotline serve` with Schemathesis: the server must do what its openapi.yaml says.

Steps (the script exits 1 on any failure, 0 when every run is clean):
  1. start `hotline serve --demo --port <port> --database-url <tmp>/h.sqlite --key-file <tmp>/h.key` in a fresh
     temporary directory, background services off and bcrypt at cost 4, and wait (at most --start-timeout seconds) for
     "Hotline 12345 is running" and GET /health answering "ok";
  2. sign in as each of --accounts (default agent, then admin: an administrator may disable the agent, not the other
     way round) and run Schemathesis SCHEMATHESIS_VERSION against the contract the server itself serves
     (GET /api/v1/openapi.yaml), base URL http://127.0.0.1:<port>/api/v1, with a fixed --seed and --examples per
     operation, phases examples, coverage and fuzzing (positive and negative data), and the checks
       not_a_server_error          no 5xx,
       response_schema_conformance every answer fits its schema,
       status_code_conformance     every status is documented,
       positive_data_acceptance    a request the schema allows is not refused with a 400;
  3. print, per account and in all, the operations and cases run and the failures by kind; stop the server (SIGTERM)
     and check it exits cleanly.

What the run leaves out, and why:
  - POST /auth/login, /auth/password: sign-ins are throttled per client address (fuzzing would lock the address out);
    POST /auth/logout would end the run's own session; GET /public/kb is limited to 60 searches a minute.
  - PATCH /users/{id} and POST /users/{id}/password aimed at the signed-in account itself (they end its session): the
    id is swapped for an unknown one (a 404).
  - An integer-valued float in a path or query parameter (`5.0`, valid JSON Schema for an integer) is sent as `5`.
  - 422 counts as an accepted answer to schema-valid data (a reference the data lacks: an unknown unit, not an
    integration account), and so does a 400 for one of the rules the contract can state only in words (cross-field,
    conditional or data-dependent: a range's order, what an action needs, the password policy, ...), each listed by
    operation, error code and message in DOCUMENTED_RULES below; Schemathesis reports how many it dropped.

Usage:
  pip install schemathesis==SCHEMATHESIS_VERSION
  python3 scripts/e2e/schemathesis_test.py --binary .build/debug/hotline [--port 0] [--examples 8] [--seed 42]
Other options: --accounts agent,admin, --workers 1 (more threads trip a CPython 3.11 ast bug, gh-106905), --start-timeout SECONDS (420), --schemathesis COMMAND (default:
this Python's `-m schemathesis.cli`), --schema FILE_OR_URL (another contract, e.g. an edited copy), --keep (keep the temporary directory, with the server log and JSON reports).
"""
import argparse, json, os, shlex, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.request

SCHEMATHESIS_VERSION = "4.32.5"
__doc__ = __doc__.replace("SCHEMATHESIS_VERSION", SCHEMATHESIS_VERSION)
PASSWORD = "Hotline-2026"
RUNNING = "Hotline 12345 is running"
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,positive_data_acceptance"
EXCLUDED_PATHS = ["/auth/login", "/auth/password", "/auth/logout", "/public/kb"]

# The Schemathesis configuration: 422 is an accepted answer to schema-valid data.
CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
"""

# The hooks module Schemathesis loads (SCHEMATHESIS_HOOKS).
HOOKS = r'''
import json, os, re
import schemathesis

SELF_ID = os.environ.get("HOTLINE_FUZZ_SELF_ID", "")
# Operations that end the signed-in account's own session (disabling it, resetting its password) when aimed at itself.
SELF_ENDING = {("PATCH", "/users/{id}"), ("POST", "/users/{id}/password")}


def _integral(value):
    """An integer-valued float as an integer: an integer parameter's URI form is its digits, never `5.0`."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.path_parameters and any(isinstance(v, float) for v in case.path_parameters.values()):
        case.path_parameters = {k: _integral(v) for k, v in case.path_parameters.items()}
    if case.query and any(isinstance(v, float) for v in case.query.values()):
        case.query = {k: _integral(v) for k, v in case.query.items()}
    if (case.method.upper(), case.path) in SELF_ENDING and str((case.path_parameters or {}).get("id")) == SELF_ID:
        case.path_parameters = dict(case.path_parameters, id=987654321)


ANY = None
# 400s for rules the contract states in words only: (operation, error code, message pattern or ANY).
DOCUMENTED_RULES = [
    # Cross-field: ranges and orders.
    ("GET /tickets", "invalid_request", r"^createdFrom: 开始时间晚于结束时间"),
    ("GET /analysis/trend", "invalid_request", r"^range: "),
    ("GET /police110/report", "invalid_request", r"^from: 开始日期不能晚于结束日期"),
    ("POST /reports", "invalid_request", r"^period: .*the period does not fit the report"),
    ("POST /kb/entries", "invalid_request", r"^expiresOn: 失效日期不能早于生效日期"),
    ("PUT /kb/entries/{id}", "invalid_request", r"^expiresOn: 失效日期不能早于生效日期"),
    ("POST /kb/import", "invalid_request", r"^file: 第\d+条：expiresOn: 失效日期不能早于生效日期"),
    ("POST /federation/tickets", "invalid_request",
     r"\((updatedAt before createdAt|events must be in increasing seq order)\)|^tickets: 同一批次中工单重复|^tickets: 快照的更新时间晚于本平台时间"),
    # Latitude and longitude go together; an enterprise needs its name; a resident ID number's check character.
    ("POST /tickets", "invalid_request", r"^location: 经纬度须同时提供|^requester\.enterpriseName: |^requester\.idNumber: 身份证号码格式不正确"),
    ("POST /police110/calls", "invalid_request", r"^location: 经纬度须同时提供"),
    # Conditional parameters: what an action needs (performAction's description), a denial's reason, a scope's id.
    ("POST /tickets/{id}/actions", "invalid_request",
     r"^(note|reasonCode|mainUnitId|unitId|approve|days|progress|satisfaction|resolved|targetTicketId|reason|answer): "
     r"(必填 \(required\)|不能为空 \(required\)|不能超过\d+字)|^method: 系统自动督办不能手工发起|^coUnitIds: 协办单位不能重复"),
    ("POST /kb/entries/{id}/workflow", "invalid_request", r"^note: 不能为空 \(required\)"),
    ("POST /analysis/hotspots/group-actions", "invalid_request", r"^note: 请填写督办意见|^mainUnitId: 请选择主办单位|^coUnitIds: "),
    ("POST /assessment/appeals/{id}/decision", "invalid_request", r"^note: 不予核减须说明理由"),
    ("POST /subscriptions", "invalid_request", r"^scopeId: |^推送范围须为本中心的"),
    ("POST /cti/calls", "invalid_request", r"^caller: 振铃事件须带来电号码"),
    ("POST /units", "invalid_request", r"^parentId: "),
    ("POST /kb/sources", "invalid_request", r"^apiKey: 须提供来源平台签发的密钥"),
    ("PUT /federation/upstream", "invalid_request", r"^apiKey: 首次设置须提供上级平台签发的密钥"),
    # The scheme as a whole: weights summing to 100, unique codes, a formula's measures, rising curves, floor <= cap.
    ("PUT /assessment/scheme", "invalid_request", r"^(weight|code|measure|numerator|formula|scoring|curve): "),
    # Data-dependent: the center itself is not assessed; the center's indicators; a template's variables; evidence's kind.
    ("PUT /assessment/groups/{unitId}", "invalid_request", r"^unitId: 热线中心本身不参与考核"),
    ("GET /assessment/{period}/drilldown", "invalid_request", r"^indicator: 没有这项指标"),
    ("POST /assessment/{period}/appeals", "invalid_request", r"^indicator: |^files: .*file type not allowed"),
    ("PUT /notice-templates/{kind}", "invalid_request", r"^text: 模板含不可用的变量"),
    ("POST /police110/calls", "unknown_diversion_item", ANY),
    # The password policy: three kinds of characters, not the username, not a common one, not a recent one.
    ("POST /users", "weak_password", ANY),
    ("POST /users/{id}/password", "weak_password", ANY),
    ("POST /users/{id}/password", "reused_password", ANY),
]


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """False (dropped) for a schema-valid request refused by one of DOCUMENTED_RULES."""
    if getattr(failure, "code", "") != "ST202" or response is None or response.status_code != 400:
        return True
    try:
        error = json.loads(response.content or b"{}").get("error") or {}
    except Exception:
        return True
    label = f"{case.method.upper()} {case.path}"
    for operation, code, pattern in DOCUMENTED_RULES:
        if operation == label and error.get("code") == code and (pattern is None or re.search(pattern, error.get("message") or "")):
            return False
    return True
'''


class StepFailed(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `hotline serve` child whose merged output a reader thread copies to a log file."""

    def __init__(self, binary, workdir, port):
        self.log_path = os.path.join(workdir, "server.log")
        self.running = threading.Event()
        self.tail = []
        data = os.path.join(workdir, "data")
        os.makedirs(data, exist_ok=True)
        env = dict(os.environ,
                   AUTH_BCRYPT_COST="4", SERVICES_DEADLINE_SCANNER="false", SERVICES_MODEL_TRAINER="false",
                   SERVICES_ANALYSIS="false", SERVICES_OUTBOX_RELAY="false", SERVICES_NOTIFIER="false",
                   SERVICES_UPSTREAM_SYNC="false", SERVICES_KNOWLEDGE_SYNC="false", SERVICES_AUDIT_WATCH="false",
                   CRYPTO_AUDIT_KEY_FILE=os.path.join(data, "audit.keys"), AUDIT_CHECKPOINT_FILE=os.path.join(data, "cp.log"),
                   FILES_DIRECTORY=os.path.join(data, "files"))
        for key in ("DB_URL", "CRYPTO_KEY", "CRYPTO_KEY_FILE", "HTTP_PORT", "HTTP_HOST"):
            env.pop(key, None)
        self.command = [binary, "serve", "--demo", "--port", str(port), "--database-url", os.path.join(data, "h.sqlite"),
                        "--key-file", os.path.join(data, "h.key")]
        self.process = subprocess.Popen(self.command, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        with open(self.log_path, "wb") as log:
            for raw in iter(self.process.stdout.readline, b""):
                log.write(raw)
                log.flush()
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.tail = (self.tail + [line])[-40:]
                if RUNNING in line:
                    self.running.set()

    def output(self):
        return "\n".join(["--- server output (last lines; full log " + self.log_path + ") ---", *self.tail, "--- end ---"])

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


def http(method, url, body=None, token=None, timeout=15):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(), method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


class Test:
    def __init__(self, args):
        self.args = args
        self.workdir = tempfile.mkdtemp(prefix="hotline-schemathesis-")
        self.port = args.port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.st = shlex.split(args.schemathesis) if args.schemathesis else [sys.executable, "-m", "schemathesis.cli"]

    def check_schemathesis(self):
        try:
            found = subprocess.run(self.st + ["--version"], capture_output=True, text=True, timeout=120)
        except OSError as error:
            raise StepFailed(f"cannot run {' '.join(self.st)}: {error}; install it with: pip install schemathesis=={SCHEMATHESIS_VERSION}")
        if found.returncode != 0 or SCHEMATHESIS_VERSION not in found.stdout.split():
            raise StepFailed(f"Schemathesis {SCHEMATHESIS_VERSION} is needed, {' '.join(self.st)} --version said: "
                             f"{(found.stdout + found.stderr).strip()[:300]!r}; pip install schemathesis=={SCHEMATHESIS_VERSION}")

    def start(self):
        self.server = Server(self.args.binary, self.workdir, self.port)
        deadline = time.monotonic() + self.args.start_timeout
        while not self.server.running.is_set():
            if self.server.process.poll() is not None:
                raise StepFailed(f"the server exited before it was running (status {self.server.process.returncode})")
            if time.monotonic() > deadline:
                raise StepFailed(f"no \"{RUNNING}\" within {self.args.start_timeout:.0f} s")
            self.server.running.wait(0.2)
        while True:
            try:
                status, text = http("GET", self.base + "/health", timeout=2)
                if status == 200 and text.strip() == "ok":
                    return
            except Exception:
                pass
            if self.server.process.poll() is not None or time.monotonic() > deadline:
                raise StepFailed("GET /health did not answer \"ok\"")
            time.sleep(0.2)

    def login(self, username):
        status, text = http("POST", self.base + "/api/v1/auth/login", {"username": username, "password": PASSWORD})
        if status != 200:
            raise StepFailed(f"sign-in as {username} answered {status}: {text[:300]}")
        answer = json.loads(text)
        return answer["token"], answer["user"]["id"]

    def run_schemathesis(self, username):
        token, user_id = self.login(username)
        report = os.path.join(self.workdir, f"report-{username}.json")
        command = self.st + ["--config-file", os.path.join(self.workdir, "schemathesis.toml"), "run", self.args.schema or self.base + "/api/v1/openapi.yaml",
                             "--url", self.base + "/api/v1", "--header", f"Authorization: Bearer {token}",
                             "--checks", CHECKS, "--phases", "examples,coverage,fuzzing", "--mode", "all",
                             "--max-examples", str(self.args.examples), "--seed", str(self.args.seed),
                             "--workers", str(self.args.workers), "--request-timeout", "30", "--no-color",
                             "--generation-database", "none", "--report", "json", "--report-json-path", report]
        for path in EXCLUDED_PATHS:
            command += ["--exclude-path", path]
        env = dict(os.environ, SCHEMATHESIS_HOOKS="hotline_schemathesis_hooks", HOTLINE_FUZZ_SELF_ID=str(user_id),
                   PYTHONPATH=os.pathsep.join([self.workdir] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
        print(f"--- schemathesis as {username} (user {user_id}) ---", flush=True)
        started = time.monotonic()
        code = subprocess.run(command, env=env, cwd=self.workdir, stdin=subprocess.DEVNULL).returncode
        elapsed = time.monotonic() - started
        if not os.path.isfile(report):
            raise StepFailed(f"schemathesis as {username} exited with {code} and wrote no report")
        with open(report, encoding="utf-8") as file:
            data = json.load(file)
        failures = data.get("failures") or []
        errors = data.get("errors") or []
        failed_ops = {op for failure in failures for op in failure.get("operations") or []}
        result = {"account": username, "exit": code, "seconds": elapsed, "tested": data["operations"]["tested"],
                  "selected": data["operations"]["selected"], "cases": data["test_cases"]["generated"],
                  "failing_cases": data["test_cases"]["with_failures"], "failed_operations": len(failed_ops),
                  "kinds": [(f.get("code"), f.get("title"), f.get("count"), f.get("operations")) for f in failures],
                  "errors": len(errors), "dropped": data.get("filtered", 0)}
        return result

    def stop(self):
        process = self.server.process
        if process.poll() is not None:
            raise StepFailed(f"the server died during the run (status {process.returncode})")
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise StepFailed("the server did not exit within 30 s of SIGTERM")
        self.server.reader.join(timeout=5)
        if code != 0:
            raise StepFailed(f"after SIGTERM the server ended with status {code}")

    def run(self):
        started = time.monotonic()
        print(f"schemathesis_test: binary {self.args.binary}, work dir {self.workdir}, seed {self.args.seed}, "
              f"{self.args.examples} examples per operation", flush=True)
        self.check_schemathesis()
        with open(os.path.join(self.workdir, "hotline_schemathesis_hooks.py"), "w", encoding="utf-8") as file:
            file.write(HOOKS)
        with open(os.path.join(self.workdir, "schemathesis.toml"), "w", encoding="utf-8") as file:
            file.write(CONFIG)
        self.start()
        print(f"server running on {self.base} after {time.monotonic() - started:.0f} s", flush=True)
        results = [self.run_schemathesis(name) for name in self.args.accounts.split(",") if name]
        self.stop()
        ok = True
        print("--- summary ---")
        for r in results:
            clean = r["exit"] == 0 and not r["kinds"] and not r["errors"]
            ok = ok and clean
            print(f"{r['account']}: {r['tested']}/{r['selected']} operations, {r['cases']} cases in {r['seconds']:.0f} s; "
                  f"{r['failing_cases']} failing cases in {r['failed_operations']} operations, {r['errors']} errors; "
                  f"{r['dropped']} refusals of documented rules dropped; schemathesis exit {r['exit']}")
            for code, title, count, operations in r["kinds"]:
                print(f"  {code} {title}: {count} ({', '.join(operations or [])})")
        tested = sum(r["tested"] for r in results)
        failed = sum(r["failed_operations"] + (1 if r["errors"] or (r["exit"] != 0 and not r["kinds"]) else 0) for r in results)
        print(f"total: {sum(r['cases'] for r in results)} cases over {tested} operation runs in {time.monotonic() - started:.0f} s")
        print(f"{tested - failed} passed, {failed} failed")
        return ok

    def cleanup(self, ok):
        if self.server:
            if not ok:
                print(self.server.output())
            self.server.kill()
        if self.args.keep or not ok:
            print(f"kept {self.workdir} (server.log, report-*.json)")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="the hotline executable")
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    parser.add_argument("--examples", type=int, default=8, help="Schemathesis --max-examples per operation (8)")
    parser.add_argument("--seed", type=int, default=42, help="Schemathesis --seed (42)")
    parser.add_argument("--accounts", default="agent,admin", help="demo accounts to run as, in order (agent,admin)")
    parser.add_argument("--workers", type=int, default=1,
                        help="Schemathesis --workers (1: with more, CPython 3.11 before 3.11.8 can fail in ast.parse, gh-106905)")
    parser.add_argument("--start-timeout", type=float, default=420, help="seconds to wait for the server (seeding the demo city)")
    parser.add_argument("--schemathesis", help=f"the Schemathesis command (default: {sys.executable} -m schemathesis.cli)")
    parser.add_argument("--schema", help="test against this contract (a file or URL) instead of the one the server serves")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    if args.schema and "://" not in args.schema:
        args.schema = os.path.abspath(args.schema)
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"not an executable: {args.binary}")
    test = Test(args)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: (_ for _ in ()).throw(KeyboardInterrupt(f"signal {signum}")))
    ok = False
    try:
        ok = test.run()
    except StepFailed as error:
        print(f"FAIL {error}", flush=True)
    except KeyboardInterrupt as error:
        print(f"FAIL interrupted ({error})", flush=True)
    finally:
        test.cleanup(ok)
    print("schemathesis test PASSED" if ok else "schemathesis test FAILED", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
