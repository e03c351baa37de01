"""The dashboard page at ``/``: static HTML, JS and CSS shipped inside the package
(``api/static``, package data), with Chart.js vendored at a pinned version. Nothing is
built at install time and nothing is fetched from the internet at run time.

The page is public and carries no data: every number comes from the dashboard endpoint,
which keeps requiring the admin token. Its Content-Security-Policy allows only the
app's own scripts, styles, images and API, so an injected inline script cannot run."""

from __future__ import annotations

import html
from pathlib import Path

import falcon

from api.endpoint import Endpoint
from runner.serving import ParamSet, Session

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


#: the store's admin page's period buttons (7D / 30D / 90D); shown where the window
#: param's bounds allow them
PERIOD_PRESETS = (7, 30, 90)
MODE_MARK = "<!-- the mode param's choices (project.yml params), written by api/page.py -->"
DAYS_MARK = "<!-- the admin page's periods within the window param's bounds, by api/page.py -->"


class PageResource:
    """GET / : the page's HTML (a file of the installed package), with its choices
    written from the endpoint's declared params as the project has them now: a button
    per choice of the mode param, the period presets within the window's bounds, and
    both defaults (the page starts where a request without parameters starts)."""

    def __init__(self, session: Session, endpoint: Endpoint, static_dir: Path = STATIC_DIR) -> None:
        self.session = session
        self.endpoint = endpoint
        self.template = (static_dir / "index.html").read_text(encoding="utf-8")

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.data = self.render(self.session.params).encode("utf-8")

    on_head = on_get

    def render(self, params: ParamSet) -> str:
        mode, period = params[self.endpoint.params[0]], self.endpoint.period
        window = params[period.days]
        days = [d for d in PERIOD_PRESETS if window.accepts(d)] or [window.default]
        default_days = window.default if window.default in days else days[0]
        return (
            self.template.replace(MODE_MARK, _buttons("mode", mode.choices, mode.default, str))
            .replace(DAYS_MARK, _buttons("days", days, default_days, lambda d: f"{d}D"))
            .replace('data-default-mode=""', f'data-default-mode="{html.escape(mode.default)}"')
            .replace('data-default-days=""', f'data-default-days="{default_days}"')
        )


def _buttons(kind: str, values, default, label) -> str:
    return "\n".join(
        f'<button type="button" data-{kind}="{html.escape(str(v))}" '
        f'aria-pressed="{str(v == default).lower()}"'
        + (f' data-i18n="{html.escape(str(v))}">' if kind == "mode" else ">")
        + f"{html.escape(label(v))}</button>"
        for v in values
    )


class PageHeaders:
    """The CSP and friends on every answer: harmless on JSON, and the page and its files
    (which Falcon's static route serves past any resource hook) get them too."""

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        resp.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Referrer-Policy", "no-referrer")
