"""The explorer's HTTP server: the standard library's ThreadingHTTPServer, JSON in and out.

Every request has its own thread; solves run in the sessions' workers (session.py),
so a page load or a state request never waits for a solve. The page and its script
and style come from ``static/`` in the package (no network; the Content-Security-
Policy allows nothing but this server). A what-if with bad input is refused with
``{"ok": false, "field": ..., "message": ...}`` (the message in the chosen language)
and the state is left as it was; a request that cannot be read gets 400, an unknown
session 404.

    GET  /                       the page
    GET  /static/<file>          its script and style
    GET  /api/meta               instance, groups, municipalities with tiles, texts
    POST /api/session            a new session (one per browser tab)
    GET  /api/state?session=S&after=V   the session's state once its version is past V
    POST /api/whatif             {session, kind, ...}: a what-if (see whatif.py)
    POST /api/undo               {session, to}: back to step ``to`` (default: one back)
    POST /api/cancel             {session}: drop the change still being solved
    POST /api/repair             {session, rank}: apply repair ``rank`` of the diagnosis
    POST /api/load               {session, text}: a scenario file's text as a new step
    GET  /api/scenario?session=S the current what-ifs as a scenario TOML file
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlparse

from .. import api
from .session import Explorer, Session
from .whatif import WhatIfError

STATIC = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "app.css": "text/css; charset=utf-8"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
MAX_BODY = 2_000_000
MAX_WAIT = 25.0


class BadRequest(Exception):
    def __init__(self, field: str, message: str, status: int = 400):
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def static_file(name: str) -> bytes:
    return (resources.files("lirt_opt.explore") / "static" / name).read_bytes()


class Handler(BaseHTTPRequestHandler):
    server: ExplorerServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    # ---- replies ---------------------------------------------------------------------
    def _send(self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None
              ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Referrer-Policy", "no-referrer")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode(),
                   "application/json; charset=utf-8")

    def _text(self, key: str, **kw: Any) -> str:
        return api.text(f"explore.{key}", self.server.explorer.lang, **kw)

    # ---- requests --------------------------------------------------------------------
    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_HEAD(self) -> None:
        self._guarded(self._get)

    def do_POST(self) -> None:
        self._guarded(self._post)

    def _guarded(self, handle: Any) -> None:
        try:
            handle()
        except BadRequest as exc:
            self._json(exc.status, {"field": exc.field, "message": exc.message})
        except WhatIfError as exc:  # a refused what-if is an answer, not a failed request
            self._json(200, {"ok": False, "field": exc.field, "message": exc.message})
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # a defect: say so, keep serving, keep the state
            if self.server.verbose:
                import traceback
                traceback.print_exc()
            with contextlib.suppress(OSError):
                self._json(500, {"field": "", "message": self._text("err.internal",
                                                                     why=type(exc).__name__)})

    def _get(self) -> None:
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        ex = self.server.explorer
        if url.path in ("/", "/index.html"):
            self._send(200, static_file("index.html").replace(
                b'lang="nl"', f'lang="{ex.lang}"'.encode()), STATIC["index.html"])
        elif url.path.startswith("/static/") and url.path[8:] in STATIC:
            name = url.path[8:]
            self._send(200, static_file(name), STATIC[name])
        elif url.path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        elif url.path == "/api/meta":
            self._json(200, ex.meta)
        elif url.path == "/api/state":
            s = self._session(query.get("session"))
            after = self._int(query.get("after", "-1"), "after")
            if query.get("wait"):
                s.wait(after, min(MAX_WAIT, float(self._int(query.get("wait"), "wait"))))
            self._json(200, s.state())
        elif url.path == "/api/scenario":
            s = self._session(query.get("session"))
            name = "scenario-explorer.toml"
            self._send(200, s.scenario().encode(), "application/toml; charset=utf-8",
                       {"Content-Disposition": f'attachment; filename="{name}"'})
        else:
            raise BadRequest("path", self._text("err.not_found"), 404)

    def _post(self) -> None:
        url = urlparse(self.path)
        body = self._body()
        ex = self.server.explorer
        if url.path == "/api/session":
            s = ex.new_session()
            self._json(200, {"session": s.id})
            return
        s = self._session(body.get("session"))
        if url.path == "/api/whatif":
            step = s.change(body)
        elif url.path == "/api/undo":
            to = body.get("to")
            s.undo(None if to is None else self._int(to, "to"))
            step = None
        elif url.path == "/api/cancel":
            s.cancel()
            step = None
        elif url.path == "/api/repair":
            step = s.apply_repair(self._int(body.get("rank"), "rank"))
        elif url.path == "/api/load":
            text = body.get("text")
            if not isinstance(text, str):
                raise BadRequest("file", self._text("err.empty"))
            step = s.load_scenario(text)
        else:
            raise BadRequest("path", self._text("err.not_found"), 404)
        self._json(200, {"ok": True, "step": step, "version": s.state()["version"]})

    # ---- helpers ---------------------------------------------------------------------
    def _body(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            raise BadRequest("body", self._text("err.body"), 413 if length > 0 else 400)
        raw = self.rfile.read(length) if length else b"{}"
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BadRequest("body", self._text("err.body")) from None
        if not isinstance(data, dict):
            raise BadRequest("body", self._text("err.body"))
        return data

    def _session(self, sid: Any) -> Session:
        s = self.server.explorer.session(sid) if isinstance(sid, str) else None
        if s is None:
            raise BadRequest("session", self._text("err.session"), 404)
        return s

    def _int(self, value: Any, field: str) -> int:
        try:
            return int(str(value))
        except ValueError:
            raise BadRequest(field, self._text("err.not_whole", value=str(value)[:40])) from None


class ExplorerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, explorer: Explorer, host: str = "127.0.0.1", port: int = 8050,
                 verbose: bool = False):
        self.explorer = explorer
        self.verbose = verbose
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{shown}:{port}/"


def start(explorer: Explorer, host: str = "127.0.0.1", port: int = 0, verbose: bool = False
          ) -> tuple[ExplorerServer, threading.Thread]:
    """The server, serving in a thread (for tests and the command)."""
    server = ExplorerServer(explorer, host, port, verbose)
    thread = threading.Thread(target=server.serve_forever, name="explore-http", daemon=True)
    thread.start()
    return server, thread


def main_loop(server: ExplorerServer) -> None:  # pragma: no cover (the command's loop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("", file=sys.stderr)
    finally:
        server.server_close()
        server.explorer.close()
