"""A real HTTP server of iCalendar documents for the external-calendar tests: a threaded
http.server on 127.0.0.1 that serves a scripted document per path with ETag and
Last-Modified, answers 304 to a matching If-None-Match (or, without one, If-Modified-Since),
and can answer late (a slow calendar) or with another status. It records every request
(path, headers, arrival and end time, what it answered) and, per path, the largest number of
requests it was serving at once.

    s = IcsServer().start()
    s.serve("/a.ics", text)                 # 200 with the text; ETag/Last-Modified of it
    s.serve("/slow.ics", text, delay=20)    # answers after 20 s (or when the client leaves)
    s.serve("/down.ics", "", status=500)
    s.set_trickle("/a.ics", 10, 0.5)        # from now on its body comes 10 bytes per 0.5 s
    s.url("/a.ics")                         # http://127.0.0.1:PORT/a.ics
    s.wait(lambda reqs: len(reqs) >= 2, path="/a.ics", timeout=10)
    s.max_in_flight["/a.ics"]               # 1 unless two requests overlapped
    s.stop()
"""
import base64
import collections
import gzip
import hashlib
import http.server
import select
import socket
import ssl
import threading
import time
from email.utils import formatdate, parsedate_to_datetime


class Doc:
    def __init__(self, body, etag, last_modified, status, delay, content_type, headers,
                 trickle=None):
        self.body = body                    # bytes
        self.trickle = trickle              # (bytes, seconds): the body in pieces, slowly
        self.etag = etag                    # '"…"' or None (no ETag header)
        self.last_modified = last_modified  # unix seconds or None (no Last-Modified header)
        self.status = status
        self.delay = delay                  # seconds before answering
        self.content_type = content_type
        self.headers = headers              # extra answer headers


class Request:
    def __init__(self, method, path, headers, at):
        self.method = method
        self.path = path
        self.headers = headers      # lower-case names
        self.at = at                # time.time() at arrival
        self.body = b""             # the request's body
        self.done_at = None         # when the answer was written, or the client left
        self.status = None          # what the server answered (None: client left first)
        self.client_left = False    # the client closed the connection before the answer


class IcsServer:
    def __init__(self, tls=None):
        """tls: (certificate file, key file) to serve https instead of http."""
        self.docs = {}
        self.dav = {}                       # (method, path) -> Doc, see serve_dav
        self.basic_auth = {}                # path -> (user, password) it requires
        self.requests = []
        self.in_flight = collections.Counter()
        self.max_in_flight = collections.Counter()
        self.cond = threading.Condition()
        self._stopping = threading.Event()
        srv = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self._answer(head=True)

            def do_GET(self):
                self._answer(head=False)

            # WebDAV methods, for a scripted CalDAV server (serve_dav).
            def do_PROPFIND(self):
                self._answer(head=False)

            def do_REPORT(self):
                self._answer(head=False)

            def _answer(self, head):
                path = self.path.split("?", 1)[0]
                rec = Request(self.command, self.path,
                              {k.lower(): v for k, v in self.headers.items()}, time.time())
                n = int(self.headers.get("Content-Length") or 0)
                rec.body = self.rfile.read(n) if n else b""
                with srv.cond:
                    doc = srv.dav.get((self.command, path)) or \
                        (srv.docs.get(path) if self.command in ("GET", "HEAD") else None)
                    creds = srv.basic_auth.get(path)
                    if creds is not None and rec.headers.get("authorization") != "Basic " + \
                            base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode():
                        # Challenge, as real servers do (clients that offer several schemes
                        # send credentials only when asked).
                        doc = Doc(b"authentication required", None, None, 401, 0.0,
                                  "text/plain",
                                  {"WWW-Authenticate": 'Basic realm="calendar"'})
                    srv.requests.append(rec)
                    srv.in_flight[path] += 1
                    srv.max_in_flight[path] = max(srv.max_in_flight[path],
                                                  srv.in_flight[path])
                    srv.cond.notify_all()
                try:
                    if doc is not None and doc.delay and srv._wait_or_client_left(
                            self.connection, doc.delay):
                        rec.client_left = True
                        self.close_connection = True
                        return
                    status, headers, body = srv._response(doc, rec.headers)
                    try:
                        self.send_response(status)
                        for k, v in headers:
                            self.send_header(k, v)
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        if not head and status != 304:
                            if doc is not None and doc.trickle and status == 200:
                                srv._trickle(self.wfile, body, *doc.trickle)
                            else:
                                self.wfile.write(body)
                        rec.status = status
                    except (BrokenPipeError, ConnectionResetError):
                        rec.client_left = True
                        self.close_connection = True
                finally:
                    with srv.cond:
                        rec.done_at = time.time()
                        srv.in_flight[path] -= 1
                        srv.cond.notify_all()

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.scheme = "http"
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"

    # --- running ------------------------------------------------------------------------------

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path="/"):
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    # --- scripting ----------------------------------------------------------------------------

    def serve(self, path, body, *, etag=True, last_modified=True, status=200, delay=0.0,
              content_type="text/calendar; charset=utf-8", headers=None, gzipped=False):
        """From now on path answers body (str or bytes). etag: True = one derived from the
        body, a string = that one (quoted as given), None = no ETag. last_modified: True = the
        current second, a number = those unix seconds, None = no Last-Modified. delay: seconds
        to wait before answering (the wait ends early if the client closes the connection).
        gzipped: the body goes compressed, with Content-Encoding: gzip (whatever the client
        said it accepts)."""
        if isinstance(body, str):
            body = body.encode()
        headers = dict(headers or {})
        if gzipped:
            body = gzip.compress(body, compresslevel=9)
            headers["Content-Encoding"] = "gzip"
        if etag is True:
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if last_modified is True:
            last_modified = int(time.time())
        with self.cond:
            self.docs[path] = Doc(body, etag, last_modified, status, delay, content_type,
                                  headers)

    def require_basic(self, path, user, password):
        """From now on path answers 401 with a Basic challenge unless the request carries
        these credentials."""
        with self.cond:
            self.basic_auth[path] = (user, password)

    def serve_dav(self, path, method, body, status=207, headers=None):
        """From now on method (PROPFIND, REPORT) on path answers body (an XML multistatus)
        with status: a scripted CalDAV collection."""
        if isinstance(body, str):
            body = body.encode()
        with self.cond:
            self.dav[(method, path)] = Doc(body, None, None, status, 0.0,
                                           "application/xml; charset=utf-8",
                                           dict(headers or {}))

    def set_trickle(self, path, piece_bytes, every_seconds):
        """From now on path's 200 answers send their body piece_bytes at a time, one piece
        every every_seconds (a server that answers at once but never finishes)."""
        with self.cond:
            self.docs[path].trickle = (piece_bytes, every_seconds)

    def set_delay(self, path, delay):
        with self.cond:
            self.docs[path].delay = delay

    def set_status(self, path, status):
        with self.cond:
            self.docs[path].status = status

    # --- what happened ------------------------------------------------------------------------

    def on(self, path):
        with self.cond:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def wait(self, pred, path=None, timeout=15.0):
        """Waits until pred(requests on path, or all) is true; returns those requests."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                reqs = [r for r in self.requests
                        if path is None or r.path.split("?", 1)[0] == path]
                if pred(reqs):
                    return reqs
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"ics server: condition not met within {timeout}s; got "
                        f"{[(r.method, r.path, r.status, r.client_left) for r in reqs]}")
                self.cond.wait(min(left, 0.2))

    def wait_done(self, path, count, timeout=15.0):
        """Waits until count requests on path have been answered (or abandoned)."""
        return self.wait(lambda q: len([r for r in q if r.done_at is not None]) >= count,
                         path=path, timeout=timeout)

    # --- internals ----------------------------------------------------------------------------

    def _wait_or_client_left(self, conn, delay):
        """Sleeps delay seconds; True as soon as the client closes the connection."""
        deadline = time.monotonic() + delay
        while not self._stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            readable, _, _ = select.select([conn], [], [], min(left, 0.1))
            if readable:
                try:
                    data = conn.recv(1, socket.MSG_PEEK)
                except OSError:
                    return True
                if not data:
                    return True
                time.sleep(min(left, 0.05))  # a pipelined request: keep waiting
        return True

    def _trickle(self, wfile, body, piece, every):
        for i in range(0, len(body), piece):
            if self._stopping.is_set():
                raise BrokenPipeError("stopping")
            wfile.write(body[i:i + piece])
            wfile.flush()
            time.sleep(every)

    @staticmethod
    def _response(doc, req_headers):
        if doc is None:
            return 404, [("Content-Type", "text/plain")], b"no such calendar"
        headers = [("Content-Type", doc.content_type)]
        if doc.etag is not None:
            headers.append(("ETag", doc.etag))
        if doc.last_modified is not None:
            headers.append(("Last-Modified", formatdate(doc.last_modified, usegmt=True)))
        headers += list(doc.headers.items())
        if doc.status == 207:
            return 207, headers, doc.body
        if doc.status != 200:
            return (doc.status, [("Content-Type", "text/plain"), *doc.headers.items()],
                    b"calendar unavailable")
        inm = req_headers.get("if-none-match")
        ims = req_headers.get("if-modified-since")
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            if doc.etag is not None and (doc.etag in tags or "*" in tags
                                         or "W/" + doc.etag in tags):
                return 304, headers[1:], b""
        elif ims is not None and doc.last_modified is not None:
            try:
                since = parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                since = None
            if since is not None and doc.last_modified <= since:
                return 304, headers[1:], b""
        return 200, headers, doc.body
