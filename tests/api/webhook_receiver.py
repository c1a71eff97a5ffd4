"""A real HTTP webhook receiver for the tests: a threaded http.server on 127.0.0.1 that
records every request (path, headers, body, arrival time) and answers with scripted statuses.
It checks Standard Webhooks signatures with its own HMAC code (hmac, hashlib, base64), not
with slotd's.

    r = WebhookReceiver().start()
    r.script("/a", [500, 500, 200])   # the next answers on /a; then 200
    r.url("/a")                       # http://127.0.0.1:PORT/a
    r.wait(lambda reqs: len(reqs) >= 3, timeout=10)
    r.stop()
"""
import base64
import collections
import hashlib
import hmac
import http.server
import json
import socket
import threading
import time


def verify_signature(secrets, msg_id, timestamp, body, header):
    """True when one of header's space-separated "v1,<base64>" signatures is the HMAC-SHA256
    of "{msg_id}.{timestamp}.{body}" under one of secrets ("whsec_" + base64 of the key),
    compared in constant time (Standard Webhooks)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    for secret in secrets:
        assert secret.startswith("whsec_"), secret
        key = base64.b64decode(secret[len("whsec_"):])
        want = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for sig in header.split(" "):
            version, _, value = sig.partition(",")
            if version == "v1" and hmac.compare_digest(value, want):
                return True
    return False


class Received:
    def __init__(self, path, headers, body, at):
        self.path = path
        self.headers = headers          # lower-case names
        self.body = body                # bytes
        self.at = at                    # time.time() at arrival
        self.status = None              # what the receiver answered

    @property
    def id(self):
        return self.headers.get("webhook-id")

    def json(self):
        return json.loads(self.body)

    def verify(self, *secrets):
        return verify_signature(secrets, self.headers.get("webhook-id", ""),
                                self.headers.get("webhook-timestamp", ""), self.body,
                                self.headers.get("webhook-signature", ""))


class WebhookReceiver:
    def __init__(self):
        self.requests = []
        self.scripts = collections.defaultdict(collections.deque)
        self.headers_for = {}           # path -> extra answer headers
        self.bodies_for = {}            # path -> answer body (bytes) instead of the default
        self.cond = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                rec = Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                               body, time.time())
                with receiver.cond:
                    q = receiver.scripts.get(self.path)
                    status = q.popleft() if q else 200
                    extra = dict(receiver.headers_for.get(self.path, {}))
                    body_for = receiver.bodies_for.get(self.path)
                    rec.status = status
                    receiver.requests.append(rec)
                    receiver.cond.notify_all()
                if status == "hang":
                    time.sleep(3600)
                    return
                if status == "slow":
                    time.sleep(2)
                    status = 200
                answer = b'{"ok":true}' if status < 300 else b"nope"
                if body_for is not None:
                    answer = body_for
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.url("/redirected"))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path, statuses, headers=None, body=None):
        """The next answers on path (ints, or "hang" to never answer, "slow" for 200 after 2 s); 200 after them. body:
        the bytes every answer on path carries."""
        with self.cond:
            self.scripts[path].extend(statuses)
            if headers:
                self.headers_for[path] = headers
            if body is not None:
                self.bodies_for[path] = body

    def on(self, path):
        with self.cond:
            return [r for r in self.requests if r.path == path]

    def wait(self, pred, path=None, timeout=15.0):
        """Waits until pred(requests on path, or all) is true; returns those requests."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                reqs = [r for r in self.requests if path is None or r.path == path]
                if pred(reqs):
                    return reqs
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"webhook receiver: condition not met within {timeout}s; got "
                        f"{[(r.path, r.headers.get('webhook-id'), r.status) for r in reqs]}")
                self.cond.wait(min(left, 0.2))


def silent_port():
    """A listening socket that accepts connections and never answers (a dead endpoint).
    Returns (socket, port); close the socket when done."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(512)
    return s, s.getsockname()[1]
