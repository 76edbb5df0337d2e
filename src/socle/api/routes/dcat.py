"""The DCAT-AP feed at the root: ``/catalog`` and ``/organizations/{slug}/catalog``.

Each answers in Turtle, RDF/XML or JSON-LD, chosen by the ``Accept`` header or fixed by a
suffix (``.ttl``, ``.rdf``, ``.jsonld``), so a harvester can be given a plain URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from socle.api.deps import base_url, get_instance, get_principal
from socle.core import dcat
from socle.governance.policy import Principal
from socle.instance import Instance

router = APIRouter(tags=["catalogue DCAT-AP"])


def feed_query(
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=dcat.MAX_PAGE_SIZE)] = dcat.DEFAULT_PAGE_SIZE,
    modified_since: Annotated[
        str | None, Query(description="Jeux modifiés depuis cette date (AAAA-MM-JJ)")
    ] = None,
) -> dcat.FeedQuery:
    return dcat.FeedQuery(
        page=page, page_size=page_size, modified_since=dcat.parse_since(modified_since)
    )


def negotiate(accept: str | None) -> str:
    """The suffix of the serialisation the ``Accept`` header prefers; Turtle by default."""
    offered = {media: suffix for suffix, (_, media) in dcat.SERIALISATIONS.items()}
    offered |= {"application/json": "jsonld", "application/xml": "rdf", "text/xml": "rdf"}
    best, best_q = "ttl", 0.0
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = next((_weight(p[2:]) for p in params if p.startswith("q=")), 1.0)
        if media.lower() in offered and q > best_q:
            best, best_q = offered[media.lower()], q
    return best


def _weight(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


@dataclass(frozen=True)
class FeedRequest:
    """Everything a feed answer needs of the request, gathered once for every route."""

    request: Request
    instance: Instance
    principal: Principal
    base: str
    query: dcat.FeedQuery

    def answer(self, suffix: str | None, organization: str | None = None) -> Response:
        chosen = suffix or negotiate(self.request.headers.get("accept"))

        def page_url(number: int) -> str:
            return str(self.request.url.include_query_params(page=number))

        query = replace(self.query, organization=organization)
        graph = dcat.catalog_graph(self.instance, self.principal, self.base, query, page_url)
        headers = {} if suffix else {"Vary": "Accept"}
        media_type = dcat.SERIALISATIONS[chosen][1]
        return Response(dcat.serialise(graph, chosen), media_type=media_type, headers=headers)


def feed_request(
    request: Request,
    instance: Annotated[Instance, Depends(get_instance)],
    principal: Annotated[Principal, Depends(get_principal)],
    base: Annotated[str, Depends(base_url)],
    query: Annotated[dcat.FeedQuery, Depends(feed_query)],
) -> FeedRequest:
    return FeedRequest(request, instance, principal, base, query)


FeedDep = Annotated[FeedRequest, Depends(feed_request)]


def _site_catalog(suffix: str | None) -> Callable[..., Response]:
    def site_catalog(feed: FeedDep) -> Response:
        """The instance's catalog: every dataset the caller may see, in pages."""
        return feed.answer(suffix)

    return site_catalog


def _organization_catalog(suffix: str | None) -> Callable[..., Response]:
    def organization_catalog(slug: str, feed: FeedDep) -> Response:
        """One organization's catalog: its datasets the caller may see, in pages."""
        return feed.answer(suffix, organization=slug)

    return organization_catalog


def _register() -> None:
    """One route per representation, so each has its plain URL in the OpenAPI description."""
    syntaxes = {None: "selon Accept", "ttl": "Turtle", "rdf": "RDF/XML", "jsonld": "JSON-LD"}
    for suffix, syntax in syntaxes.items():
        ending = f".{suffix}" if suffix else ""
        for path, endpoint, summary in (
            (f"/catalog{ending}", _site_catalog(suffix), "Catalogue DCAT-AP"),
            (
                f"/organizations/{{slug}}/catalog{ending}",
                _organization_catalog(suffix),
                "Catalogue DCAT-AP d'une organisation",
            ),
        ):
            router.add_api_route(
                path,
                endpoint,
                methods=["GET"],
                response_class=Response,
                name=f"{endpoint.__name__}{ending}",
                summary=f"{summary} ({syntax})",
            )


_register()
