"""The API reference pages work offline: every script and style they use is served by lawsync."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
PAGES = ["/docs", "/redoc", "/qbo/_sandbox/docs", "/qbo/_sandbox/redoc"]


@pytest.mark.parametrize("page", PAGES)
def test_reference_page_uses_only_local_assets(server_url: str, page: str) -> None:
    response = httpx.get(server_url + page)
    assert response.status_code == 200
    html = response.text
    assert not re.search(r"""["']https?://""", html), "the page loads something from outside"
    assets = ASSET.findall(html)
    scripts = [a for a in assets if a.endswith(".js")]
    styles = [a for a in assets if a.endswith(".css")]
    assert scripts, html
    if "redoc" not in page:
        assert styles, html
        assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
    for asset in assets:
        assert asset.startswith("/"), asset
        fetched = httpx.get(server_url + asset)
        assert fetched.status_code == 200, asset
        assert len(fetched.content) > 500, asset
    # The page names the OpenAPI document of its own app, which answers.
    spec = re.search(r"""(?:url|spec-url)\s*[:=]\s*['"]([^'"]+openapi\.json)['"]""", html)
    assert spec is not None, html
    assert httpx.get(server_url + spec.group(1)).json()["openapi"].startswith("3.")


def test_vendored_assets_carry_their_licences() -> None:
    static = ROOT / "src" / "lawsync" / "web" / "static"
    bundles = (("swagger-ui", "swagger-ui-bundle.js"), ("redoc", "redoc.standalone.js"))
    for folder, bundle in bundles:
        assert (static / folder / bundle).stat().st_size > 100_000
        assert (static / folder / "LICENSE").read_text().strip()


def test_package_data_ships_the_static_files_and_names_no_missing_folder() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["lawsync"]
    package = ROOT / "src" / "lawsync"
    files = [p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()]
    for pattern in globs:
        assert any(fnmatch.fnmatch(f, pattern) for f in files), f"{pattern} matches nothing"
    for f in files:
        if f.startswith("web/static/"):
            assert any(fnmatch.fnmatch(f, g) for g in globs), f"{f} is not packaged"


def test_api_index_lists_resources_that_answer(server_url: str) -> None:
    index = httpx.get(f"{server_url}/api/v1")
    assert index.status_code == 200
    body = index.json()
    assert body["docs"] == "/docs" and "bills" in body["resources"]
    for path in body["resources"].values():
        # Each resource exists: without a token it asks for one rather than answering 404.
        assert httpx.get(server_url + path).status_code != 404, path


def test_home_page_links_answer(server_url: str) -> None:
    """Signed out, / leads to the sign-in page, which links the API, its reference and the
    bundled sandbox."""
    home = httpx.get(server_url + "/", headers={"Accept": "text/html"}, follow_redirects=True)
    assert home.url.path == "/login"
    links = re.findall(r'href="(/[^"#]*)"', home.text)
    assert {"/api/v1", "/docs", "/qbo/"} <= set(links)
    for link in links:
        assert httpx.get(server_url + link, follow_redirects=True).status_code == 200, link


def test_sandbox_root_describes_the_sandbox(server_url: str) -> None:
    for path in ("/qbo", "/qbo/"):
        response = httpx.get(server_url + path, follow_redirects=True)
        assert response.status_code == 200, path
        body = response.json()
        assert body["docs"] == "/qbo/_sandbox/docs"
        assert httpx.get(server_url + body["oauth_discovery"]).status_code == 200
