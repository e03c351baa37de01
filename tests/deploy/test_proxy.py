"""deploy/nginx.conf, checked with the real nginx binary.

The store's admin page uses one base URL; the example must send only the four analytics
endpoints (dashboard-stats, funnel, alerts, rfm) to us and everything else to Django, with CORS preflights, the Bearer token
and the query string passed through untouched. A routing mistake there breaks login or
the dashboard on switch-over day, so it is tested end to end: two stand-in backends
answer with what they received, and nginx runs the example (ports substituted) between
the test and them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "deploy" / "nginx.conf"
# The values of the example that the test replaces (each must occur exactly once).
LISTEN = "listen 80;"
DJANGO = "server 127.0.0.1:8001;"
ANALYTICS = "server 127.0.0.1:8000;"
TOKEN = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl"
PAGE_ORIGIN = "https://urban-store-liart.vercel.app"
DASHBOARD_QUERY = "mode=total&start=2026-11-21&end=2026-11-28&_=1716380000"
#: the analytics endpoints served by us, each with the query string it may carry
OURS = {
    "dashboard-stats": DASHBOARD_QUERY,
    "funnel": "source=google&start=2026-10-29&end=2026-11-28",
    "alerts": "",
    "rfm": "segment=champions",
}
# No proxy from the environment (http_proxy) may sit between the test and nginx.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def nginx_binary() -> str:
    """The nginx executable, or skip: the example can only be checked by nginx itself."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    if found is None:
        pytest.skip("nginx not installed: apt-get install nginx-light")
    return found


def free_port() -> int:
    """A port nothing listens on right now (nginx binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_example(listen_port: int, django_port: int, analytics_port: int) -> str:
    """The example with its marked values swapped for local ports.

    Fails, rather than testing the unchanged ports, when a marked value was reworded.
    """
    text = EXAMPLE.read_text()
    replacements = {
        LISTEN: f"listen 127.0.0.1:{listen_port};",
        DJANGO: f"server 127.0.0.1:{django_port};",
        ANALYTICS: f"server 127.0.0.1:{analytics_port};",
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, f"deploy/nginx.conf must contain {old!r} exactly once"
        text = text.replace(old, new)
        assert text.count(new) == 1
    return text


def top_level_conf(tmp: Path, site: Path) -> Path:
    """A minimal nginx.conf that keeps every file nginx writes inside ``tmp``."""
    # As root, nginx's workers would switch to "nobody", who cannot enter pytest's
    # private temporary directory (mode 0700) holding the body and proxy temp files.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"{user}"
        "worker_processes 1;\n"
        f'pid "{tmp}/nginx.pid";\n'
        f'error_log "{tmp}/error.log" info;\n'
        "events { worker_connections 64; }\n"
        "http {\n"
        f'    access_log "{tmp}/access.log";\n'
        f'    client_body_temp_path "{tmp}/client_body";\n'
        f'    proxy_temp_path "{tmp}/proxy";\n'
        f'    fastcgi_temp_path "{tmp}/fastcgi";\n'
        f'    uwsgi_temp_path "{tmp}/uwsgi";\n'
        f'    scgi_temp_path "{tmp}/scgi";\n'
        f'    include "{site}";\n'
        "}\n"
    )
    return conf


def nginx_test(tmp: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on the example included from a minimal top-level configuration."""
    conf = top_level_conf(tmp, site)
    command = [nginx_binary(), "-t", "-p", str(tmp), "-c", str(conf)]
    return subprocess.run(command, capture_output=True, text=True, timeout=10)


def test_example_passes_nginx_t_with_test_ports(tmp_path: Path) -> None:
    """The configuration the routing tests run is one nginx accepts."""
    site = tmp_path / "store.conf"
    site.write_text(render_example(free_port(), free_port(), free_port()))
    result = nginx_test(tmp_path, site)
    assert result.returncode == 0, result.stderr


def test_example_as_shipped_passes_nginx_t(tmp_path: Path) -> None:
    """The file as copied to /etc/nginx/conf.d/ is accepted (``-t`` binds no port)."""
    result = nginx_test(tmp_path, EXAMPLE)
    assert result.returncode == 0, result.stderr


class EchoHandler(BaseHTTPRequestHandler):
    """A stand-in backend: answers any method with what it received, as JSON."""

    backend = "unset"

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        url = urlsplit(self.path)
        payload = {
            "backend": self.backend,
            "method": self.command,
            "path": url.path,
            "query": url.query,
            "body": body,
            "headers": {name.lower(): value for name, value in self.headers.items()},
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if self.headers.get("Origin"):
            self.send_header("Access-Control-Allow-Origin", self.headers["Origin"])
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_OPTIONS = do_PUT = do_PATCH = do_DELETE = do_HEAD = answer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest output is for failures."""


@pytest.fixture(scope="module")
def backends() -> Iterator[dict[str, int]]:
    """Django and analytics stand-ins on free ports, shut down after the module."""
    servers: dict[str, ThreadingHTTPServer] = {}
    threads: list[threading.Thread] = []
    for name in ("django", "analytics"):
        handler = type(f"{name.title()}Handler", (EchoHandler,), {"backend": name})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        servers[name], threads = server, [*threads, thread]
    try:
        yield {name: server.server_address[1] for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join(timeout=5)


@dataclass(frozen=True)
class Proxy:
    port: int
    process: subprocess.Popen[str]
    error_log: Path

    def request(
        self,
        path: str,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """One request through nginx: the backend's echo and the response headers."""
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=body, method=method, headers=headers or {}
        )
        with OPENER.open(req, timeout=5) as resp:
            return json.loads(resp.read()), dict(resp.headers.items())


@pytest.fixture(scope="module")
def proxy(backends: dict[str, int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """nginx in the foreground running the example in front of the stand-ins; always stopped."""
    binary = nginx_binary()
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    site = tmp / "store.conf"
    site.write_text(render_example(port, backends["django"], backends["analytics"]))
    conf = top_level_conf(tmp, site)
    command = [binary, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, process, tmp / "error.log")
        yield Proxy(port, process, tmp / "error.log")
    finally:
        process.terminate()  # SIGTERM: fast shutdown, the master stops its workers
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stderr is not None:
            process.stderr.close()


def wait_for_port(port: int, process: subprocess.Popen[str], error_log: Path) -> None:
    """Return once nginx accepts connections; fail with its log if it exits or stalls."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = error_log.read_text() if error_log.exists() else ""
            stderr = process.stderr.read() if process.stderr else ""
            pytest.fail(f"nginx exited with {process.returncode}:\n{stderr}\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    pytest.fail(f"nginx did not listen on {port} within 5 s")


@pytest.mark.parametrize("name", list(OURS))
def test_analytics_get_goes_to_analytics_untouched(proxy: Proxy, name: str) -> None:
    """The page's exact request reaches us with its query string, token and forwarding headers."""
    path = f"/api/analytics/{name}/" + (f"?{OURS[name]}" if OURS[name] else "")
    headers = {"Authorization": TOKEN, "Origin": PAGE_ORIGIN, "Host": "api.example.com"}
    echo, response = proxy.request(path, headers=headers)
    assert echo["backend"] == "analytics"
    assert (echo["method"], echo["path"]) == ("GET", f"/api/analytics/{name}/")
    assert echo["query"] == OURS[name]
    assert echo["headers"]["authorization"] == TOKEN
    assert echo["headers"]["origin"] == PAGE_ORIGIN
    assert echo["headers"]["host"] == "api.example.com"
    assert echo["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert echo["headers"]["x-forwarded-proto"] == "http"
    # The app's own CORS and caching headers come back as the app sent them.
    assert response["Access-Control-Allow-Origin"] == PAGE_ORIGIN
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name", list(OURS))
def test_analytics_without_trailing_slash_goes_to_analytics(proxy: Proxy, name: str) -> None:
    """The app serves both spellings, so the proxy must route both to it."""
    echo, _ = proxy.request(f"/api/analytics/{name}?{OURS[name]}", headers={"Authorization": TOKEN})
    assert (echo["backend"], echo["path"]) == ("analytics", f"/api/analytics/{name}")
    assert echo["query"] == OURS[name]
    assert echo["headers"]["authorization"] == TOKEN


@pytest.mark.parametrize("name", list(OURS))
def test_preflight_goes_to_analytics(proxy: Proxy, name: str) -> None:
    """The browser's OPTIONS preflight must reach the app, which answers CORS itself."""
    headers = {
        "Origin": PAGE_ORIGIN,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    echo, response = proxy.request(f"/api/analytics/{name}/", "OPTIONS", headers)
    assert (echo["backend"], echo["method"]) == ("analytics", "OPTIONS")
    assert echo["headers"]["origin"] == PAGE_ORIGIN
    assert echo["headers"]["access-control-request-method"] == "GET"
    assert echo["headers"]["access-control-request-headers"] == "authorization"
    assert response["Access-Control-Allow-Origin"] == PAGE_ORIGIN


@pytest.mark.parametrize(
    "path",
    [
        "/api/analytics/track/",
        "/api/analytics/funnel-old/",
        "/api/analytics/alerts/export/",
        "/api/analytics/rfmx/?segment=champions",
        "/api/analytics/dashboard-stats-old/",
        "/api/analytics/dashboard-stats/export/",
        "/api/analytics/FUNNEL/",
        "/api/analytics/",
        "/api/orders/all/",
        "/api/products/",
        "/",
    ],
)
def test_everything_else_goes_to_django(proxy: Proxy, path: str) -> None:
    """Only the four analytics endpoints move; the rest keeps talking to Django."""
    echo, _ = proxy.request(path, headers={"Authorization": TOKEN})
    assert echo["backend"] == "django"
    assert "?".join(filter(None, (echo["path"], echo["query"]))) == path
    assert echo["headers"]["authorization"] == TOKEN


def test_login_post_goes_to_django_with_body(proxy: Proxy) -> None:
    """Login is a POST with a body; it must reach Django intact."""
    body = json.dumps({"username": "admin", "password": "secret"}).encode()
    headers = {"Content-Type": "application/json", "Origin": PAGE_ORIGIN}
    echo, _ = proxy.request("/api/auth/login/", "POST", headers, body)
    assert (echo["backend"], echo["method"], echo["path"]) == ("django", "POST", "/api/auth/login/")
    assert json.loads(echo["body"]) == {"username": "admin", "password": "secret"}


def test_tracking_post_goes_to_django(proxy: Proxy) -> None:
    """Tracking events are POSTed under /api/analytics/ but stay with Django."""
    body = b'{"event_type": "page_view"}'
    echo, _ = proxy.request(
        "/api/analytics/track/", "POST", {"Content-Type": "application/json"}, body
    )
    assert (echo["backend"], echo["method"], echo["body"]) == ("django", "POST", body.decode())


def test_large_upload_goes_to_django(proxy: Proxy) -> None:
    """A 2 MB body (a product image) passes: above nginx's 1 MB default, spooled to disk."""
    body = b"x" * (2 * 1024 * 1024)
    headers = {"Content-Type": "application/octet-stream"}
    echo, _ = proxy.request("/api/products/1/image/", "POST", headers, body)
    assert (echo["backend"], echo["method"]) == ("django", "POST")
    assert len(echo["body"]) == len(body)
