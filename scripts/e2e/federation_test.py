#!/usr/bin/env python3
"""Two real `hotline serve` processes on loopback, each with its own database: a province and a city under it
(省市两级平台). Both start with --demo; the province's administrator adds the city as a city platform with a linked
system and a key, the city's administrator links up with that key.

  1. up: every city ticket reaches the province as a read-only copy (identity masked); a new one within seconds;
     the copy refuses every action; a replayed snapshot changes nothing and a malformed batch is a 400;
  2. down: the province dispatches a ticket to the city and supervises it; the city takes it into its queue with the
     requester, handles it through its own units, and the reply its center approves signs and answers the province's
     ticket;
  3. the city is down while the province dispatches and supervises; after its restart it catches up;
  4. the province is killed (SIGKILL) while the city records 30 tickets, and restarted: all 30 arrive, once each;
  5. the reconciliation ran and found nothing missing; the province's data-quality scores and assessment count the city.

Usage:
  python3 scripts/e2e/federation_test.py --binary .build/debug/hotline
  python3 scripts/e2e/federation_test.py --binary .build/debug/hotline --postgres-admin-url postgres://postgres:postgres@127.0.0.1:5432/postgres
"""
import argparse, json, os, shutil, signal, sys, tempfile, time
import urllib.error, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_test import PASSWORD, RUNNING, Server, StepFailed, free_port, recreate_postgres, redact  # noqa: E402


class Node:
    """One Hotline: its process, its database and its HTTP calls."""

    def __init__(self, name, binary, workdir, database_url, env):
        self.name = name
        self.binary = os.path.abspath(binary)
        self.workdir = os.path.join(workdir, name)
        os.makedirs(os.path.join(self.workdir, "data"), exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url or os.path.join(self.workdir, "data", "hotline.sqlite")
        self.key_file = os.path.join(self.workdir, "data", "hotline.key")
        self.env = dict(env, CRYPTO_KEY_FILE=self.key_file, FILES_DIRECTORY=os.path.join(self.workdir, "data", "files"))
        self.server = None
        self.tokens = {}

    def start(self, label, timeout=600):
        self.launch(label)
        self.wait_running(timeout)

    def launch(self, label):
        self.server = Server(self.binary, self.workdir, self.port, self.database_url, self.key_file, self.env, f"{self.name}-{label}")

    def wait_running(self, timeout=600):
        deadline = time.monotonic() + timeout
        while not self.server.running.is_set():
            if self.server.process.poll() is not None:
                raise StepFailed(f"{self.name} exited before it was running ({self.server.exit_description()})\n{self.server.output()}")
            if time.monotonic() > deadline:
                raise StepFailed(f"{self.name}: no \"{RUNNING}\" within {timeout} s")
            self.server.running.wait(0.2)
        while True:
            try:
                if self.http("GET", "/health", timeout=2)[0] == 200:
                    return
            except Exception:
                pass
            if time.monotonic() > deadline:
                raise StepFailed(f"{self.name}: /health did not answer")
            time.sleep(0.2)

    def stop(self):
        self.server.process.send_signal(signal.SIGTERM)
        code = self.server.process.wait(timeout=30)
        if code != 0:
            raise StepFailed(f"{self.name} ended with {self.server.exit_description()} after SIGTERM")
        self.tokens = {}

    def kill(self):
        self.server.kill()
        self.tokens = {}

    def http(self, method, path, body=None, token=None, key=None, timeout=15):
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        if key:
            headers["X-API-Key"] = key
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def call(self, method, path, body=None, user=None, key=None, expect=(200,)):
        token = self.token(user) if user else None
        status, text = self.http(method, path, body, token=token, key=key)
        if status not in expect:
            raise StepFailed(f"{self.name}: {method} {path} answered {status} (expected {expect}): {text[:600]}")
        return json.loads(text) if text.strip() else None

    def token(self, user):
        if user not in self.tokens:
            status, text = self.http("POST", "/api/v1/auth/login", {"username": user, "password": PASSWORD})
            if status != 200:
                raise StepFailed(f"{self.name}: login as {user} answered {status}: {text[:300]}")
            self.tokens[user] = json.loads(text)["token"]
        return self.tokens[user]

    def find(self, user, text):
        """Tickets whose title or content has `text`, in the user's scope."""
        from urllib.parse import quote
        return self.call("GET", f"/api/v1/tickets?q={quote(text)}&limit=200", user=user)["items"]


def wait_for(what, check, timeout=60):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.3)
    raise StepFailed(f"timed out after {timeout} s waiting for {what} (last: {str(last)[:300]})")


class FederationTest:
    def __init__(self, args):
        self.args = args
        self.workdir = tempfile.mkdtemp(prefix="hotline-federation-test-")
        env = dict(os.environ, UPSTREAM_INTERVAL_SECONDS="0.5", UPSTREAM_HEARTBEAT_SECONDS="5", UPSTREAM_RECONCILE_MINUTES="1", UPSTREAM_TIMEOUT_SECONDS="5", KBSHARE_INTERVAL_SECONDS="0.5",
                   SCANNER_INTERVAL_SECONDS="0", SERVICES_MODEL_TRAINER="false")
        for key in ("DB_URL", "CRYPTO_KEY", "HTTP_PORT", "HTTP_HOST"):
            env.pop(key, None)
        urls = {"province": None, "city": None}
        if args.postgres_admin_url:
            for name in urls:
                urls[name] = recreate_postgres(args.postgres_admin_url, f"hotline_federation_{name}")
        self.province = Node("province", args.binary, self.workdir, urls["province"], env)
        self.city = Node("city", args.binary, self.workdir, urls["city"], env)
        self.city_key = None
        self.city_unit = None
        self.marker = f"联调{os.getpid()}"

    def step_start(self):
        # Both seed their demo city at once (on PostgreSQL each takes minutes).
        self.province.launch("first")
        self.city.launch("first")
        self.province.wait_running()
        self.city.wait_running()
        return f"province on {self.province.base}, city on {self.city.base} ({redact(self.province.database_url)}, {redact(self.city.database_url)})"

    def step_link(self):
        p = self.province
        center = next(u for u in p.call("GET", "/api/v1/units", user="admin") if u["kind"] == "center")
        self.city_unit = p.call("POST", "/api/v1/units", {"name": "示范市12345（市级平台）", "kind": "cityPlatform", "parentId": center["id"],
                                                         "code": "360100"}, user="admin", expect=(201,))
        user = p.call("POST", "/api/v1/users", {"username": "city-360100", "displayName": "示范市平台", "password": "City-link-2026",
                                                "role": "linkedSystem", "unitId": self.city_unit["id"]}, user="admin", expect=(201,))
        self.city_key = p.call("POST", f"/api/v1/users/{user['id']}/api-keys", {"name": "示范市平台"}, user="admin", expect=(201,))["key"]
        bad = self.city.http("PUT", "/api/v1/federation/upstream", {"url": "ftp://x", "identity": "masked", "active": True},
                             token=self.city.token("admin"))
        if bad[0] != 400:
            raise StepFailed(f"a non-http upstream address should be a 400: {bad}")
        link = self.city.call("PUT", "/api/v1/federation/upstream", {"url": p.base, "apiKey": self.city_key, "identity": "masked", "active": True},
                              user="admin")
        if link["upCursor"] != 0 or link["pending"] == 0:
            raise StepFailed(f"a new link should start from the first event with the whole history pending: {link}")
        return f"city platform unit {self.city_unit['id']} and key on the province; the city linked up with {link['pending']} events pending"

    def step_up(self):
        started = time.monotonic()
        link = wait_for("the city's whole history to reach the province",
                        lambda: (lambda l: l if l["pending"] == 0 and l["sent"] > 0 else None)(self.city.call("GET", "/api/v1/federation/upstream", user="admin")),
                        timeout=300)
        backlog = time.monotonic() - started
        created = self.city.call("POST", "/api/v1/tickets", {
            "channel": "phone", "type": "complaint", "title": f"{self.marker} 幸福路路灯不亮", "content": f"{self.marker} 幸福路12号门口路灯一周不亮。",
            "categoryCode": "030599", "location": {"address": "东湖区幸福路12号"}, "requester": {"name": "王明", "phone": "13912345678"}},
            user="agent", expect=(201,))["ticket"]
        sent = time.monotonic()
        copies = wait_for("the new city ticket on the province", lambda: self.province.find("agent", self.marker + " 幸福路"), 30)
        delay = time.monotonic() - sent
        copy = self.province.call("GET", f"/api/v1/tickets/{copies[0]['id']}", user="agent")["ticket"]
        if copy["number"] != "360100-" + created["number"] or copy["status"] != created["status"]:
            raise StepFailed(f"the copy should carry the city's number and status: {copy['number']} {copy['status']}")
        if "13912345678" in json.dumps(copy) or copy["requester"].get("phone", "").count("*") == 0:
            raise StepFailed(f"identity should reach the province masked: {copy['requester']}")
        refused = self.province.http("POST", f"/api/v1/tickets/{copy['id']}/actions", {"action": "reject", "reasonCode": "invalid"},
                                     token=self.province.token("agent"))
        if refused[0] != 409 or "read_only_copy" not in refused[1]:
            raise StepFailed(f"an action on a city's copy should be a 409 read_only_copy: {refused}")
        # A replayed old snapshot changes nothing; a malformed batch is refused whole.
        old = {"sourceId": created["id"], "number": created["number"], "version": 1, "channel": "phone", "type": "complaint", "urgency": "normal",
               "status": "accepted", "title": "改过的标题", "content": "改过", "requesterKind": "person", "confidential": False,
               "createdAt": created["createdAt"], "updatedAt": created["createdAt"], "overdue": False, "supervisionCount": 0, "events": []}
        replay = self.province.call("POST", "/api/v1/federation/tickets", {"tickets": [old]}, key=self.city_key)
        again = self.province.call("GET", f"/api/v1/tickets/{copy['id']}", user="agent")["ticket"]
        if replay["unchanged"] != 1 or again["title"] != copy["title"] or again["version"] != copy["version"]:
            raise StepFailed(f"a replayed snapshot should change nothing: {replay}, title {again['title']}")
        malformed = self.province.http("POST", "/api/v1/federation/tickets", {"tickets": [dict(old, version=99, title="  ")]}, key=self.city_key)
        not_linked = self.province.http("POST", "/api/v1/federation/tickets", {"tickets": [dict(old, version=99)]}, token=self.province.token("agent"))
        if malformed[0] != 400 or not_linked[0] != 422 or self.province.call("GET", f"/api/v1/tickets/{copy['id']}", user="agent")["ticket"]["version"] != copy["version"]:
            raise StepFailed(f"a malformed batch should be a 400 and a staff account a 422, changing nothing: {malformed[0]} {not_linked[0]}")
        return (f"{link['sent']} snapshots of the city's history in {backlog:.1f} s; a new ticket visible on the province after {delay:.2f} s; "
                f"the copy is read-only, masked; a replay and a malformed batch changed nothing")

    def dispatch_down(self, title):
        p = self.province
        ticket = p.call("POST", "/api/v1/tickets", {"channel": "phone", "type": "complaint", "title": title, "content": title + "，请市里处理。",
                                                     "location": {"address": "示范市东湖区"}, "requester": {"name": "李女士", "phone": "13700001111"}},
                        user="agent", expect=(201,))["ticket"]
        p.call("POST", f"/api/v1/tickets/{ticket['id']}/actions", {"action": "dispatch", "mainUnitId": self.city_unit["id"]}, user="agent")
        return ticket

    def city_copy_of(self, title):
        found = [t for t in self.city.find("agent", title) if t["channel"] == "province"]
        return found[0] if found else None

    def step_down(self):
        title = f"{self.marker} 省派：东湖区噪音扰民"
        ticket = self.dispatch_down(title)
        local = wait_for("the province's ticket in the city's queue", lambda: self.city_copy_of(title), 30)
        detail = self.city.call("GET", f"/api/v1/tickets/{local['id']}", user="agent")["ticket"]
        identity = self.city.call("POST", f"/api/v1/tickets/{local['id']}/reveal", user="agent")
        if detail["status"] != "accepted" or identity.get("phone") != "13700001111":
            raise StepFailed(f"the city's copy should wait in its queue with the requester: {detail['status']} {identity}")
        self.province.call("POST", f"/api/v1/tickets/{ticket['id']}/actions", {"action": "supervise", "level": "government", "method": "written",
                                                                               "note": "请加快办理"}, user="supervisor")
        wait_for("the province's supervision on the city's copy", lambda: any(
            e["action"] == "upstreamSupervision" for e in self.city.call("GET", f"/api/v1/tickets/{local['id']}", user="agent")["history"]), 30)
        housing = next(u for u in self.city.call("GET", "/api/v1/units", user="agent") if u["name"] == "市住房和城乡建设局")
        self.city.call("POST", f"/api/v1/tickets/{local['id']}/actions", {"action": "dispatch", "mainUnitId": housing["id"]}, user="agent")
        signed = wait_for("the province ticket signed once the city took it", lambda: (lambda t: t if t["status"] == "inProgress" else None)(
            self.province.call("GET", f"/api/v1/tickets/{ticket['id']}", user="agent")["ticket"]), 30)
        self.city.call("POST", f"/api/v1/tickets/{local['id']}/actions", {"action": "sign"}, user="housing")
        self.city.call("POST", f"/api/v1/tickets/{local['id']}/actions", {"action": "reply", "note": "已约谈商户，夜间停止施工。"}, user="housing")
        self.city.call("POST", f"/api/v1/tickets/{local['id']}/actions", {"action": "review", "approve": True}, user="supervisor")
        answered = wait_for("the city's approved reply on the province ticket", lambda: (lambda t: t if t["status"] == "replied" else None)(
            self.province.call("GET", f"/api/v1/tickets/{ticket['id']}", user="agent")["ticket"]), 30)
        if answered.get("reply") != "已约谈商户，夜间停止施工。" or signed["status"] != "inProgress":
            raise StepFailed(f"the province ticket should carry the city's reply: {answered.get('reply')}")
        notes = [e.get("note", "") for e in self.province.call("GET", f"/api/v1/tickets/{ticket['id']}", user="agent")["history"]
                 if e["action"] == "syncFromCity"]
        if not any(n.startswith("市级平台：") for n in notes):
            raise StepFailed(f"the city's status should be in the province ticket's history: {notes}")
        return f"province ticket {ticket['number']} → city {local['number']}: supervised, signed, answered with the city's approved reply"

    def step_city_down(self):
        self.city.stop()
        title = f"{self.marker} 省派：城市停机期间派发"
        ticket = self.dispatch_down(title)
        self.province.call("POST", f"/api/v1/tickets/{ticket['id']}/actions", {"action": "supervise", "level": "center", "method": "phone",
                                                                               "note": "停机期间督办"}, user="supervisor")
        time.sleep(1)
        self.city.start("after-downtime")
        local = wait_for("the ticket dispatched while the city was down", lambda: self.city_copy_of(title), 60)
        wait_for("the supervision made while the city was down", lambda: any(
            e["action"] == "upstreamSupervision" for e in self.city.call("GET", f"/api/v1/tickets/{local['id']}", user="agent")["history"]), 60)
        return f"dispatched and supervised while the city was down; taken as {local['number']} after its restart"

    def step_province_restart(self):
        count = 30
        marker = f"{self.marker}批量"
        for index in range(count):
            if index == 5:
                self.province.kill()
            self.city.call("POST", "/api/v1/tickets", {
                "channel": "phone", "type": "consultation", "title": f"{marker}{index:02d} 公积金提取咨询", "content": f"{marker}{index:02d} 咨询公积金提取。",
                "categoryCode": "030599", "location": {"address": "东湖区"}}, user="agent", expect=(201,))
        wait_for("the city to notice the province is down", lambda: self.city.call("GET", "/api/v1/federation/upstream", user="admin").get("lastError"), 60)
        self.province.start("after-kill")
        wait_for("the city's backlog to drain", lambda: self.city.call("GET", "/api/v1/federation/upstream", user="admin")["pending"] == 0, 120)
        found = wait_for(f"all {count} tickets on the province", lambda: (lambda f: f if len(f) >= count else None)(self.province.find("agent", marker)), 60)
        titles = [t["title"] for t in found]
        if len(titles) != count or len(set(titles)) != count:
            raise StepFailed(f"expected each of {count} tickets once on the province, found {len(titles)} ({len(set(titles))} distinct)")
        return f"province killed after 5 of {count}; after its restart all {count} arrived, each once"

    def step_quality(self):
        month = time.strftime("%Y-%m", time.localtime())
        rows = wait_for("a reconciliation", lambda: (lambda r: r if r and r[0]["daysReconciled"] >= 1 else None)(
            self.province.call("GET", f"/api/v1/federation/quality?month={month}", user="leader")), 120)
        row = rows[0]
        if row["tickets"] == 0 or row["daysWithGaps"] != 0 or row["score"] <= 0 or row["hoursHeard"] < 1:
            raise StepFailed(f"the city's month should count its copies, reconcile without gaps and score: {row}")
        status, page = self.province.http("GET", f"/analysis/federation?month={month}")
        assessment = self.province.call("GET", f"/api/v1/assessment/{month}", user="leader")
        counted = [u for u in assessment["units"] if u["unitId"] == self.city_unit["id"] and u["hasTickets"]]
        if not counted:
            raise StepFailed("the province's assessment should rank the city platform as a unit")
        return (f"{row['tickets']} copies this month, completeness {row.get('completeness', 0):.2f}, timeliness {row.get('timeliness', 0):.2f}, "
                f"stability {row.get('stability', 0):.2f}, score {row['score']:.1f}; reconciled {row['daysReconciled']} days without gaps; "
                f"the city is a unit of the province's assessment")

    def step_knowledge(self):
        p, c = self.province, self.city
        question = f"{self.marker} 新生儿医保怎么参保？"
        entry = p.call("POST", "/api/v1/kb/entries", {"question": question, "answer": "出生后90天内凭出生医学证明到社区办理。", "categoryCode": "080199"},
                       user="kbeditor", expect=(201,))
        p.call("POST", f"/api/v1/kb/entries/{entry['id']}/workflow", {"action": "submit"}, user="kbeditor")
        p.call("POST", f"/api/v1/kb/entries/{entry['id']}/workflow", {"action": "approve", "note": "已核实"}, user="admin")
        source = c.call("POST", "/api/v1/kb/sources", {"name": "省12345平台", "url": p.base, "apiKey": self.city_key, "active": True},
                        user="admin", expect=(201,))
        from urllib.parse import quote
        def found():
            hits = c.call("GET", f"/api/v1/kb/search?q={quote(question)}", user="agent")
            return [h for h in hits if h["question"] == question]
        hit = wait_for("the province's entry in the city's search", found, 60)[0]
        if not hit.get("origin", "").startswith("省12345平台 · 第1版"):
            raise StepFailed(f"a shared entry should show its source and version in search: {hit}")
        status, text = c.http("PUT", f"/api/v1/kb/entries/{hit['id']}", {"content": {"question": "改", "answer": "改"}}, token=c.token("admin"))
        if status != 409 or "shared_entry" not in text:
            raise StepFailed(f"editing a shared entry here should be a 409 shared_entry: {status} {text[:200]}")
        c.call("POST", f"/api/v1/kb/entries/{hit['id']}/reports", {"text": "参保时限已改为180天"}, user="agent", expect=(200, 201))
        wait_for("the error report on the province", lambda: [r for r in p.call("GET", "/api/v1/kb/reports", user="kbeditor")
                                                              if r.get("entryId") == entry["id"] and "180天" in r.get("text", "")], 60)
        p.call("POST", f"/api/v1/kb/entries/{entry['id']}/workflow", {"action": "archive", "note": "政策调整"}, user="kbeditor")
        wait_for("the archival on the city", lambda: not found(), 60)
        exported = c.call("GET", "/api/v1/kb/export", user="admin")
        imported = p.call("POST", "/api/v1/kb/import", exported[:5], user="kbeditor")
        again = p.call("POST", "/api/v1/kb/import", exported[:5], user="kbeditor")
        if imported["created"] != min(5, len(exported)) or again["created"] != 0:
            raise StepFailed(f"an import should create drafts once: {imported} then {again}")
        return (f"entry {entry['id']} shared to the city (source {source['id']}), shown with its source and version, read-only there; "
                f"the city's error report reached the province; the archival followed; {len(exported)} entries exported, 5 imported once")

    def run(self):
        steps = [("1. start a province and a city (two processes, two databases)", self.step_start),
                 ("2. the province adds the city platform and its key; the city links up", self.step_link),
                 ("3. up: the city's history and a new ticket reach the province, read-only and masked; replays change nothing", self.step_up),
                 ("4. down: a province ticket handled by the city, supervised, answered with the city's approved reply", self.step_down),
                 ("5. the city is down while the province dispatches and supervises, and catches up", self.step_city_down),
                 ("6. the province is killed mid-stream and restarted: nothing lost, nothing twice", self.step_province_restart),
                 ("7. reconciliation, data quality and the province's assessment count the city", self.step_quality),
                 ("8. a shared knowledge base: the province's entry in the city's search, read-only, reported back, archived; files", self.step_knowledge)]
        ok = True
        for name, step in steps:
            started = time.monotonic()
            try:
                detail = step()
                print(f"PASS {name} ({time.monotonic() - started:.1f} s): {detail}", flush=True)
            except Exception as error:  # a failed step ends the run with both servers' output
                ok = False
                print(f"FAIL {name} ({time.monotonic() - started:.1f} s): {error}", flush=True)
                for node in (self.province, self.city):
                    if node.server:
                        print(node.server.output(), flush=True)
                break
        for node in (self.province, self.city):
            if node.server and node.server.process.poll() is None:
                try:
                    node.stop()
                except Exception as error:
                    ok = False
                    print(f"FAIL stopping {node.name}: {error}", flush=True)
        if ok and not self.args.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
        print("federation test PASSED" if ok else f"federation test FAILED (work dir {self.workdir})", flush=True)
        return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--postgres-admin-url")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    test = FederationTest(args)
    try:
        ok = test.run()
    finally:
        for node in (test.province, test.city):
            if node.server:
                node.server.kill()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
