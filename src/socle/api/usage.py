"""Where usage is counted: one ASGI middleware mapping the route that answered to a counter.

Counted: the portal's dataset pages (every tab, embeds apart), the exports of the native and
Opendatasoft-compatible APIs (which CKAN resources and DCAT distributions link to), and the
records endpoints of every API. Only successful (2xx) answers count: a dataset the caller
may not see answers 404, so counting never reveals it. Obvious robots are skipped by a word
of their User-Agent, read here and never stored; no other part of the request is looked at
(no address, no cookie). See docs/statistics.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socle.api.routes import ckan, datasets, ods, ogc
from socle.core.usage import Kind, Ref, UsageCounter
from socle.portal.routes import charts, maps, quality, table
from socle.portal.routes import datasets as pages
from socle.portal.routes._dataset import EMBED_PREFIX

ROBOT_WORDS = ("bot", "crawl", "spider", "slurp", "archiver", "facebookexternalhit", "lighthouse")
DATASTORE_SEARCH = "datastore_search"


@dataclass(frozen=True)
class Rule:
    """What an answered route counts; a download's detail is the route's ``{fmt}``."""

    kind: Kind
    detail: str = ""
    by_resource: bool = False  # the dataset is named by a CKAN resource id in the data


RULES: dict[Callable[..., Any], Rule] = {
    pages.dataset_page: Rule(Kind.VIEW, "informations"),
    table.table_page: Rule(Kind.VIEW, "tableau"),
    charts.chart_page: Rule(Kind.VIEW, "graphique"),
    maps.map_page: Rule(Kind.VIEW, "carte"),
    quality.quality_page: Rule(Kind.VIEW, "qualite"),
    pages.api_page: Rule(Kind.VIEW, "api"),
    pages.downloads_page: Rule(Kind.VIEW, "telechargements"),
    datasets.exports: Rule(Kind.DOWNLOAD),
    ods.export: Rule(Kind.DOWNLOAD),
    datasets.records: Rule(Kind.API, "v1"),
    ods.records: Rule(Kind.API, "ods"),
    ckan.action: Rule(Kind.API, "ckan", by_resource=True),  # datastore_search only
    ogc.items: Rule(Kind.API, "ogc"),
}


class UsageMiddleware:
    """Counts each successful answer of a route in :data:`RULES` into ``counter``."""

    def __init__(self, app: ASGIApp, counter: UsageCounter) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        body: bytearray | None = None
        if scope["method"] == "POST" and scope["path"].endswith("/" + DATASTORE_SEARCH):
            # CKAN clients post the resource id in the body: keep a copy as it is read.
            body = bytearray()
            receive = _copying(receive, body)

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                self._count(scope, body)
            await send(message)

        await self.app(scope, receive, counting_send)

    def _count(self, scope: Scope, body: bytearray | None) -> None:
        rule = RULES.get(getattr(scope.get("route"), "endpoint", None))  # type: ignore[arg-type]
        if rule is None or _robot(scope):
            return
        params = scope.get("path_params", {})
        if rule.by_resource:
            ref = _datastore_resource(scope, params, body)
            if ref is not None:
                self.counter.add(Ref(ref, ckan=True), rule.kind, rule.detail)
            return
        detail = rule.detail or params["fmt"]
        if scope["path"].startswith(EMBED_PREFIX + "/"):
            detail += "-integre"
        self.counter.add(Ref(params["slug"]), rule.kind, detail)


def _robot(scope: Scope) -> bool:
    agent = Headers(scope=scope).get("user-agent", "").lower()
    return any(word in agent for word in ROBOT_WORDS)


def _datastore_resource(scope: Scope, params: dict[str, Any], body: bytearray | None) -> str | None:
    """The resource a ``datastore_search`` read, as the action itself parsed its data."""
    if params.get("name") != DATASTORE_SEARCH:
        return None
    try:
        data = ckan.action_data(
            scope["method"],
            Headers(scope=scope).get("content-type", ""),
            QueryParams(scope["query_string"]).multi_items(),
            bytes(body or b""),
        )
    except ckan.BadActionRequest:
        return None
    ref = data.get("resource_id") or data.get("id")
    return ref if isinstance(ref, str) else None


def _copying(receive: Receive, body: bytearray) -> Receive:
    async def wrapped() -> Message:
        message = await receive()
        if message["type"] == "http.request" and len(body) <= ckan.MAX_BODY:
            body.extend(message.get("body", b""))
        return message

    return wrapped
