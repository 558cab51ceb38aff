"""The local GAR served over HTTP, on another origin than the application, for browser
tests: GET /sso?SAMLRequest=… (what /gar/login/ redirects to) answers the page the GAR
answers with, a form that POSTs itself to our ACS — the cross-site POST of a real
sign-in. What it answers is set per test:

    with serving(idp, host="127.0.0.1") as gar:   # the app runs on localhost
        gar.attributes = student_attributes()     # who signs in
        gar.knobs = {"encrypt": True}              # TestIdP.response_xml's knobs
        gar.relay_state = None                     # None: echo the request's
"""

from __future__ import annotations

import http.server
import threading
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

from tests.gar.idp import TestIdP


class HttpIdP:
    def __init__(self, idp: TestIdP, server: http.server.ThreadingHTTPServer) -> None:
        self.idp = idp
        self.server = server
        self.attributes: dict = {}
        self.knobs: dict = {}
        self.relay_state: str | None = None
        self.requests: list[str] = []


def sso_url_for(host: str, port: int) -> str:
    return f"http://{host}:{port}/sso"


@contextmanager
def serving(idp_factory, *, host: str = "127.0.0.1"):
    """Start the HTTP server first (its port names the SSO URL in the IdP's metadata),
    then build the IdP with `idp_factory(sso_url)`."""
    state: dict = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            gar: HttpIdP = state["gar"]
            url = urlsplit(self.path)
            if url.path != "/sso":
                self.send_error(404)
                return
            full = f"http://{host}:{self.server.server_address[1]}{self.path}"
            gar.requests.append(full)
            query = parse_qs(url.query)
            relay = gar.relay_state
            if relay is None:
                relay = query.get("RelayState", [""])[0]
            answer = gar.idp.response_for(full, gar.attributes, **gar.knobs)
            body = gar.idp.html_form_for(answer, relay).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((host, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        idp = idp_factory(sso_url_for(host, server.server_address[1]))
        state["gar"] = HttpIdP(idp, server)
        yield state["gar"]
    finally:
        server.shutdown()
        server.server_close()
