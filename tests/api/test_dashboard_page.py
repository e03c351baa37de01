"""The dashboard page in a real browser (issue 15): Debian's chromium driven by
pytest-playwright (Playwright's own browser download is not reachable here), against
`runner up` (seed, build, gunicorn) on the seed fixtures, on both engines.

One server per engine serves the whole module; each test gets a fresh browser context
(so a fresh sessionStorage). The page is opened with the URL `runner up` printed
(`/#token=...&end=2024-05-22`), so the handover is tested too. What the page shows is
read from the DOM and compared with the JSON the endpoint returns for the same query.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.api.conftest import PATH, SECRET, token
from tests.conftest import ENGINES
from tests.helpers import copy_project, free_port, pg_schema_url, wait_until_ready

pytestmark = pytest.mark.slow

END = date(2024, 5, 22)  # the date of project.yml's fixtures_as_of
TIMEOUT_MS = 30_000
API = re.compile(re.escape(PATH.lstrip("/")) + r"\?")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, pointed at Debian's chromium package."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
    return {**browser_type_launch_args, "executable_path": path}


@pytest.fixture(scope="module", params=ENGINES)
def site(request, tmp_path_factory) -> dict[str, str]:
    """`runner up` on the engine, in a copy of the project (its target/ stays there):
    {"base": ..., "page": the URL it printed for a browser, "token": the one in it}."""
    root = copy_project(tmp_path_factory.mktemp("page") / "project")
    if request.param == "sqlite":
        url = f"sqlite:///{root}/store.db"
    else:
        url = pg_schema_url(request.getfixturevalue("pg_database"))
    port = free_port()
    log = root / "up.log"
    env = {**os.environ, "JWT_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "runner", "up", "--project-dir", str(root)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, "--database", url, "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        page = _printed_page_url(proc, log, port)
        handed = re.search(r"#token=([^&]+)", page).group(1)
        yield {"base": f"http://127.0.0.1:{port}", "page": page, "token": handed}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _printed_page_url(proc: subprocess.Popen, log: Path, port: int) -> str:
    """The `#token=` line `runner up` prints, once gunicorn accepts connections."""
    if not wait_until_ready(port, 180):
        proc.kill()
        pytest.fail("runner up did not serve: " + log.read_text(errors="replace")[-3000:])
    lines = [x for x in log.read_text().splitlines() if x.startswith("http") and "#token=" in x]
    assert len(lines) == 1, log.read_text()[-3000:]
    return lines[0]


def endpoint(site: dict[str, str], mode: str = "total", days: int = 7) -> dict:
    """The JSON the endpoint answers to the query the page sends."""
    url = f"{site['base']}{PATH}?{query(mode, days)}"
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token()}"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def query(mode: str, days: int) -> str:
    return f"mode={mode}&start={END - timedelta(days=days)}&end={END}"


@pytest.fixture
def problems(page) -> list[str]:
    """Console errors and uncaught page errors, collected from before the page opens."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.append(f"pageerror: {e}"))
    page.set_default_timeout(TIMEOUT_MS)
    return seen


def wait_ready(page, mode: str = "total", days: int = 7) -> None:
    page.wait_for_selector(f'body[data-state="ready"][data-query="{query(mode, days)}"]')


@pytest.fixture
def opened(page, problems, site):
    """The page opened with the URL `runner up` printed, once its first answer is drawn."""
    page.goto(site["page"])
    wait_ready(page)
    return page


def shown_fields(page) -> dict[str, str]:
    return page.eval_on_selector_all(
        "[data-field]",
        "els => Object.fromEntries(els.map(e => [e.dataset.field, e.dataset.value]))",
    )


def at(data: dict, path: str):
    for key in path.split("."):
        data = data[key]
    return data


def test_the_cards_and_facts_show_the_endpoints_numbers(opened, site):
    expected = endpoint(site)
    shown = shown_fields(opened)
    assert len(shown) >= 25 and expected["total_sales"] > 0
    assert {k: float(v) for k, v in shown.items()} == {k: at(expected, k) for k in shown}


def es_co(amount: float) -> str:
    """COP the es-CO way: dots between thousands, a comma before the cents (when any)."""
    whole, cents = divmod(round(amount * 100), 100)
    text = f"{whole:,}".replace(",", ".")
    return f"{text},{cents:02d}".rstrip("0") if cents else text


def test_revenue_is_shown_in_cop_for_es_co(opened, site):
    text = opened.inner_text('[data-field="total_revenue"]')
    assert re.sub(r"\s", " ", text) == f"$ {es_co(endpoint(site)['total_revenue'])}"


def ranking(page, name: str) -> list[list]:
    return page.eval_on_selector_all(
        f'[data-list="{name}"] li:not(.empty)',
        "lis => lis.map(li => [li.dataset.key, Number(li.querySelector('strong').dataset.value)])",
    )


def test_the_rankings_show_the_endpoints_lists(opened, site):
    expected = endpoint(site)
    assert ranking(opened, "top_products") == [
        [p["slug"], p["count"]] for p in expected["top_products"]
    ]
    viewed = [[p["slug"], p["count"]] for p in expected["top_viewed_products"]]
    assert ranking(opened, "top_viewed_products") == viewed
    sources = [[s["source"], s["sessions"]] for s in expected["traffic_sources"]]
    assert ranking(opened, "traffic_sources") == sources


def test_the_whatsapp_list_shows_the_endpoints_sessions(opened, site):
    shown = opened.eval_on_selector_all(
        '[data-list="whatsapp_sessions_list"] li', "lis => lis.map(li => li.dataset.key)"
    )
    assert shown == endpoint(site)["whatsapp_sessions_list"] != []


def test_the_performance_table_shows_the_endpoints_rows(opened, site):
    rows = opened.eval_on_selector_all(
        "#performance tbody tr",
        """trs => trs.map(tr => [tr.dataset.slug,
            ...[...tr.querySelectorAll('td')].map(td => Number(td.dataset.value))])""",
    )
    expected = endpoint(site)["product_performance"]
    keys = ("views", "add_to_cart", "purchases", "conversion_rate")
    assert rows == [[p["slug"], *(p[k] for k in keys)] for p in expected] != []


def chart_data(page, canvas: str) -> dict:
    """What Chart.js holds for a canvas: its labels and each dataset's numbers."""
    return page.evaluate(
        """id => { const c = Chart.getChart(document.getElementById(id));
            return {labels: c.data.labels, series: c.data.datasets.map(d => d.data)}; }""",
        canvas,
    )


def test_the_sales_chart_draws_the_endpoints_sales_per_day(opened, site):
    expected = endpoint(site)
    days = [d["date"] for d in expected["events_timeline"]]
    sales = {d["date"]: d["count"] for d in expected["sales_by_day"]}
    drawn = chart_data(opened, "sales-chart")
    assert drawn == {"labels": days, "series": [[sales.get(d, 0) for d in days]]}
    assert sum(drawn["series"][0]) == expected["total_sales"] > 0


@pytest.mark.parametrize(
    ("canvas", "timeline", "types"),
    [
        ("events-chart", "events_timeline", ("product_view", "add_to_cart", "begin_checkout")),
        ("errors-chart", "errors_timeline", ("payment_error", "checkout_error")),
    ],
)
def test_a_timeline_chart_draws_the_endpoints_timeline(opened, site, canvas, timeline, types):
    expected = endpoint(site)[timeline]
    drawn = chart_data(opened, canvas)
    assert drawn["labels"] == [d["date"] for d in expected]
    assert drawn["series"][: len(types)] == [[d[t] for d in expected] for t in types]


def test_the_token_leaves_the_address_bar(opened):
    assert "token" not in opened.url and opened.url.endswith(f"#end={END}")


def test_the_first_request_is_the_admin_pages(page, problems, site):
    with page.expect_request(API) as request:
        page.goto(site["page"])
    assert request.value.url.endswith(f"?{query('total', 7)}")
    assert request.value.headers["authorization"] == f"Bearer {site['token']}"


def test_without_end_the_page_asks_for_today_in_utc(new_context, site):
    """23:30 in Bogotá (UTC-5) is already the next day in UTC: the admin page's `end`."""
    page = new_context(timezone_id="America/Bogota").new_page()
    page.clock.install(time=datetime(2024, 5, 22, 4, 30, tzinfo=timezone.utc))
    with page.expect_request(API) as request:
        page.goto(f"{site['base']}/#token={site['token']}")
    assert request.value.url.endswith(f"?{query('total', 7)}")


def test_the_mode_toggle_asks_for_unique_counts(opened, site):
    with opened.expect_request(API) as request:
        opened.click('button[data-mode="unique"]')
    assert request.value.url.endswith(f"?{query('unique', 7)}")
    wait_ready(opened, "unique")
    unique, total = endpoint(site, "unique"), endpoint(site, "total")
    assert unique["event_counts"]["product_view"] != total["event_counts"]["product_view"]
    shown = shown_fields(opened)["event_counts.product_view"]
    assert float(shown) == unique["event_counts"]["product_view"]


@pytest.mark.parametrize("days", [30, 90])
def test_a_period_button_asks_for_its_days(opened, site, days):
    with opened.expect_request(API) as request:
        opened.click(f'button[data-days="{days}"]')
    assert request.value.url.endswith(f"?{query('total', days)}")
    wait_ready(opened, "total", days)
    expected = endpoint(site, "total", days)
    shown = shown_fields(opened)
    assert {k: float(v) for k, v in shown.items()} == {k: at(expected, k) for k in shown}


def test_nothing_is_logged_to_the_console(opened, problems):
    opened.click('button[data-mode="unique"]')
    wait_ready(opened, "unique")
    opened.click('button[data-days="30"]')
    wait_ready(opened, "unique", 30)
    opened.click('button[data-lang="en"]')
    assert problems == []


def open_with_token(page, site, tok: str):
    page.goto(f"{site['base']}/#token={tok}&end={END}")
    page.wait_for_selector('body[data-state="error"]')
    return page


def test_an_invalid_token_asks_to_sign_in_again(page, problems, site):
    open_with_token(page, site, "not-a-token")
    assert "Inicia sesión de nuevo" in page.inner_text("#error[data-status='401']")
    assert page.is_visible("#sign-in") and page.is_hidden("#dashboard")
    assert page.evaluate("sessionStorage.getItem('dashboard.token')") is None


def test_a_customer_token_is_told_it_is_not_an_admin(page, problems, site):
    open_with_token(page, site, token(admin=False))
    assert "no es administradora" in page.inner_text("#error[data-status='403']")
    assert page.is_hidden("#dashboard")


@pytest.mark.parametrize(
    ("status", "words"), [(400, "Parámetro no válido: the start date"), (503, "Reintenta en 7 s")]
)
def test_the_other_errors_have_their_own_message(page, problems, site, status, words):
    """400 and 503 cannot be provoked from the page's own valid requests against a healthy
    server, so the browser is handed those answers (tests/api covers when the API gives
    them)."""
    body = json.dumps({"title": "x", "description": "the start date"})
    page.route(
        API,
        lambda route: route.fulfill(
            status=status,
            body=body,
            headers={"Content-Type": "application/json", "Retry-After": "7"},
        ),
    )
    page.goto(site["page"])
    page.wait_for_selector('body[data-state="error"]')
    assert words in page.inner_text(f"#error[data-status='{status}']")
    assert page.is_hidden("#dashboard")


def test_a_pasted_token_is_kept_for_the_tab(page, problems, site):
    pasted = token()
    page.goto(f"{site['base']}/#end={END}")
    page.fill("#token-input", pasted)
    page.click("#sign-in button[type=submit]")
    wait_ready(page)
    assert page.evaluate("sessionStorage.getItem('dashboard.token')") == pasted


def test_signing_out_forgets_the_token_and_hides_the_numbers(opened):
    opened.click("#sign-out")
    assert opened.is_visible("#sign-in") and opened.is_hidden("#dashboard")
    assert opened.evaluate("sessionStorage.getItem('dashboard.token')") is None


def test_english_is_available(opened):
    opened.click('button[data-lang="en"]')
    assert opened.inner_text("h1") == "Store analytics"
    assert opened.get_attribute("html", "lang") == "en"


def test_the_page_refreshes_every_30_seconds_while_visible(page, problems, site):
    page.clock.install()
    page.goto(site["page"])
    wait_ready(page)
    with page.expect_request(API):
        page.clock.run_for(30_000)


def test_a_hidden_page_does_not_refresh(page, problems, site):
    page.clock.install()
    page.goto(site["page"])
    wait_ready(page)
    page.evaluate("Object.defineProperty(document, 'visibilityState', {get: () => 'hidden'})")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if API.search(r.url) else None)
    page.clock.run_for(95_000)
    page.evaluate("fetch('static/favicon.svg')")  # a round trip: earlier requests are seen
    assert asked == []


def test_the_page_fits_a_phone(page, problems, site, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site["page"])
    wait_ready(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=tmp_path / "dashboard-phone.png", full_page=True)


def test_a_screenshot_is_saved(opened, tmp_path):
    """The README's picture: DASHBOARD_SCREENSHOT=docs/dashboard.png regenerates it."""
    opened.set_viewport_size({"width": 1280, "height": 900})
    path = Path(os.environ.get("DASHBOARD_SCREENSHOT") or tmp_path / "dashboard.png")
    opened.screenshot(path=path, full_page=True)
    assert path.read_bytes().startswith(b"\x89PNG")
