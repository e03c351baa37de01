"""The dashboard page as files and headers (api/page.py): public, data-free, shipped in
the package, under a Content-Security-Policy without inline scripts. What it does in a
browser is tests/api/test_dashboard_page.py."""

from __future__ import annotations

import fnmatch
import re

import pytest

from api.page import STATIC_DIR
from tests.helpers import REPO


def test_the_page_is_public_html(shared_client):
    result = shared_client.simulate_get("/")
    assert result.status_code == 200
    assert result.headers["content-type"].startswith("text/html")


def test_the_page_carries_no_data(shared_client):
    """Every figure comes from the endpoint, behind the token; the HTML holds none."""
    html = shared_client.simulate_get("/").text
    assert not re.search(r"\d{3,}", re.sub(r"<[^>]*>", "", html))


def test_the_policy_allows_only_the_apps_own_scripts(shared_client):
    policy = shared_client.simulate_get("/").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert "unsafe" not in policy


def test_the_html_has_no_inline_script_or_style(shared_client):
    html = shared_client.simulate_get("/").text
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert not re.search(r"\son[a-z]+=|\sstyle=|<style", html)


@pytest.mark.parametrize(
    "path", ["/static/dashboard.js", "/static/i18n.js", "/static/dashboard.css"]
)
def test_the_pages_files_are_served_under_the_policy(shared_client, path):
    result = shared_client.simulate_get(path)
    assert result.status_code == 200 and "content-security-policy" in result.headers


def test_the_vendored_chart_library_is_the_pinned_release(shared_client):
    result = shared_client.simulate_get("/static/vendor/chart.umd.min.js")
    assert result.text.startswith("/*!\n * Chart.js v4.6.1\n")
    assert (STATIC_DIR / "vendor/chart.js.LICENSE.md").read_text().startswith("The MIT License")


def test_nothing_outside_the_static_folder_is_served(shared_client):
    assert shared_client.simulate_get("/static/../app.py").status_code == 404


def test_every_static_file_is_package_data():
    """pyproject's package-data globs cover every file the page needs, so an install that
    is not editable ships them too."""
    tomllib = pytest.importorskip("tomllib")
    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["api"]
    files = [p.relative_to(STATIC_DIR.parent).as_posix() for p in STATIC_DIR.rglob("*")]
    missing = [f for f in files if "." in f.rsplit("/", 1)[-1]]
    missing = [f for f in missing if not any(fnmatch.fnmatch(f, g) for g in globs)]
    assert missing == []
