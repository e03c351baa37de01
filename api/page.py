"""The dashboard page at ``/``: static HTML, JS and CSS shipped inside the package
(``api/static``, package data), with Chart.js vendored at a pinned version. Nothing is
built at install time and nothing is fetched from the internet at run time.

The page is public and carries no data: every number comes from the dashboard endpoint,
which keeps requiring the admin token. Its Content-Security-Policy allows only the
app's own scripts, styles, images and API, so an injected inline script cannot run."""

from __future__ import annotations

from pathlib import Path

import falcon

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/static"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class PageResource:
    """GET / : the page's HTML, read once (it is a file of the installed package)."""

    def __init__(self, static_dir: Path = STATIC_DIR) -> None:
        self.html = (static_dir / "index.html").read_bytes()

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.data = self.html

    on_head = on_get


class PageHeaders:
    """The CSP and friends on every answer: harmless on JSON, and the page and its files
    (which Falcon's static route serves past any resource hook) get them too."""

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        resp.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Referrer-Policy", "no-referrer")
