"""The API reference pages (Swagger UI and ReDoc), served from files shipped in the package.

FastAPI's own pages load their scripts from a CDN and are blank offline; these use the copies in
`lawsync/web/static` (see its README for versions and licences). The sandbox uses them too.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"


def install_docs(
    app: FastAPI,
    *,
    docs_url: str = "/docs",
    redoc_url: str = "/redoc",
    static_url: str = "/static",
    title: str | None = None,
) -> None:
    """Add the reference pages to an app made with `docs_url=None, redoc_url=None`.

    Every address in the pages is relative to where the app is mounted (its root path), so the
    sandbox's pages also work under `/qbo`.
    """
    page_title = title or app.title
    app.mount(static_url, StaticFiles(directory=STATIC_DIR), name="docs-static")

    def _root(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_swagger_ui_html(
            openapi_url=root + (app.openapi_url or ""),
            title=f"{page_title} – API reference",
            swagger_js_url=f"{root}{static_url}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{static_url}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{root}{static_url}/swagger-ui/favicon-32x32.png",
            # Swagger UI would otherwise send the document to validator.swagger.io for a badge.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(redoc_url, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_redoc_html(
            openapi_url=root + (app.openapi_url or ""),
            title=f"{page_title} – API reference",
            redoc_js_url=f"{root}{static_url}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{root}{static_url}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )
