#!/usr/bin/env python3
"""A simulated 110 platform: a real HTTP server that receives Hotline's webhooks and calls Hotline back.

It verifies every delivery the way the README tells a receiver to (HMAC-SHA256 of "<timestamp>.<body>" under the
subscription's secret, compared in constant time; a timestamp more than 300 s from its clock is a replay), keeps
each delivery once by its X-Hotline-Delivery id, can fail on purpose (answer 503 to the next N posts) or hang (hold
the next post unanswered), and answers every escalation to 110 (`ticket.escalateTo110`) by acknowledging it and
sending feedback through Hotline's API with its integration key.

Standard library only. Used by serve_test.py; run alone it listens and prints what it receives:
    python3 scripts/e2e/peer110.py --port 9110 --secret whsec_... [--hotline http://127.0.0.1:8080 --api-key hlk_...]
"""
import argparse, hashlib, hmac, json, threading, time, urllib.error, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE = 300


def verify(secret, body, timestamp, signature, now=None):
    """Returns None when the delivery is genuine and fresh, else why it is refused ("malformed", "stale", "mismatch")."""
    if not timestamp or not signature or not timestamp.isdigit():
        return "malformed"
    if abs((now or time.time()) - int(timestamp)) > TOLERANCE:
        return "stale"
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    offered = [part.strip()[3:] for part in signature.split(",") if part.strip().startswith("v1=")]
    if not offered:
        return "malformed"
    return None if any(hmac.compare_digest(expected, code) for code in offered) else "mismatch"


class Peer110:
    def __init__(self, port=0, hotline=None, api_key=None, log=None):
        self.hotline = hotline
        self.api_key = api_key
        self.secrets = {}            # path -> secret
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.received = []           # accepted deliveries: dicts with path, deliveryId, topic, event
        self.posts = []              # every post that reached the server: (path, deliveryId, status answered)
        self.refused = []            # reasons signatures were refused
        self.fail_next = 0           # answer 503 to this many posts
        self.hang_next = False       # hold the next post until released (a delivery in flight when Hotline dies)
        self.hanging = threading.Event()
        self.held = None             # the id of the delivery being held
        self.release = threading.Event()
        self.callbacks = []          # (transferId, acknowledgement status, feedback status)
        self.log = log or (lambda line: None)
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = peer.handle(self.path, body, self.headers)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.release.set()
        self.server.shutdown()

    def handle(self, path, body, headers):
        delivery = headers.get("X-Hotline-Delivery", "")
        with self.lock:
            secret = self.secrets.get(path)
            hang = self.hang_next
            self.hang_next = False
        if hang:
            self.held = delivery
            self.hanging.set()
            self.release.wait(120)
            with self.lock:
                self.posts.append((path, delivery, 0))
            return 503
        reason = verify(secret or "", body, headers.get("X-Hotline-Timestamp"), headers.get("X-Hotline-Signature"))
        with self.lock:
            if reason:
                self.refused.append(reason)
                self.posts.append((path, delivery, 401))
                return 401
            if self.fail_next > 0:
                self.fail_next -= 1
                self.posts.append((path, delivery, 503))
                return 503
            self.posts.append((path, delivery, 200))
            change = json.loads(body)
            if change.get("deliveryId") != delivery:
                return 400
            duplicate = any(r["deliveryId"] == delivery and r["path"] == path for r in self.received)
            if not duplicate:
                self.received.append({"path": path, "deliveryId": delivery, "topic": change["topic"], "event": change["event"]})
                self.changed.notify_all()
        self.log(f"peer110: {path} {change['topic']} ticket {change['event'].get('number', ['-'])[0]}" + (" (again)" if duplicate else ""))
        if not duplicate and change["topic"] == "ticket.escalateTo110" and self.hotline:
            threading.Thread(target=self.answer, args=(change["event"],), daemon=True).start()
        return 200

    def answer(self, event):
        """110 takes the escalation: it acknowledges with its alarm number, then reports what the police did."""
        transfer = event["transferId"][0]
        ack = self.call("POST", f"/api/v1/police110/transfers/{transfer}/acknowledgement", {"alarmNumber": f"JJ-SIM-{transfer}"})
        feedback = self.call("POST", f"/api/v1/police110/transfers/{transfer}/feedback",
                             {"feedback": "民警已到场处置，现场无人员受伤，已移交辖区派出所跟进。", "dispatchNumber": f"CJ-SIM-{transfer}"})
        with self.lock:
            self.callbacks.append((transfer, ack, feedback))
            self.changed.notify_all()

    def call(self, method, path, body):
        request = urllib.request.Request(self.hotline + path, data=json.dumps(body).encode(), method=method,
                                         headers={"Content-Type": "application/json", "X-API-Key": self.api_key})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def wait_for(self, predicate, timeout):
        """Waits until predicate(peer) holds (under the lock); returns whether it did."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(min(left, 0.5))
            return True


def main():
    parser = argparse.ArgumentParser(description="A simulated 110 platform receiving Hotline's webhooks.")
    parser.add_argument("--port", type=int, default=9110)
    parser.add_argument("--secret", required=True, help="the subscription's signing secret")
    parser.add_argument("--path", default="/hotline/changes")
    parser.add_argument("--hotline", help="Hotline's base URL, to answer escalations")
    parser.add_argument("--api-key", help="the 110 platform's integration key")
    args = parser.parse_args()
    peer = Peer110(args.port, args.hotline, args.api_key, log=print)
    peer.secrets[args.path] = args.secret
    print(f"peer110 listening on {peer.url}{args.path}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        peer.stop()


if __name__ == "__main__":
    main()
