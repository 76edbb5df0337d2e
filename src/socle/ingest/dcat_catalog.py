"""Reading another portal's DCAT catalog: what a harvest into Socle needs of it.

The real catalogs differ (udata exports, GeoDCAT records, JSON-LD with Hydra pages), so
the reader is lenient the way data.gouv.fr's harvester is, never strict as a validator.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node


def read_catalog(graph: Graph) -> list[dict[str, Any]]:
    """What a harvest needs of each ``dcat:Dataset`` in another portal's catalog.

    Read as data.gouv.fr's harvester reads: texts in French first, ``dct:abstract`` when
    there is no description, a distribution's download URL else its access URL, and the
    licence from the dataset (``dct:license``, then ``dct:rights``) else the one all its
    distributions share. Licences and formats are IRIs or labels, as published.
    """
    found = []
    for node in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str):
        distributions = [
            {
                "url": str(url),
                "title": _pick(graph, d, DCTERMS.title),
                "format": _label(graph, graph.value(d, DCTERMS.format)),
                "licence": _label(graph, graph.value(d, DCTERMS.license)),
            }
            for d in graph.objects(node, DCAT.distribution)
            if (url := graph.value(d, DCAT.downloadURL) or graph.value(d, DCAT.accessURL))
        ]
        shared = {d["licence"] for d in distributions}
        found.append(
            {
                "uri": str(node) if isinstance(node, URIRef) else None,
                "identifier": _pick(graph, node, DCTERMS.identifier),
                "title": _pick(graph, node, DCTERMS.title),
                "description": _pick(graph, node, DCTERMS.description)
                or _pick(graph, node, DCTERMS.abstract),
                "keywords": sorted({str(k) for k in graph.objects(node, DCAT.keyword)}),
                "licence": _label(graph, graph.value(node, DCTERMS.license))
                or _label(graph, graph.value(node, DCTERMS.rights))
                or (shared.pop() if len(shared) == 1 else None),
                "distributions": distributions,
            }
        )
    return found


def _pick(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    """A property's text, French first, then untagged, then any language."""
    values = [v for v in graph.objects(node, predicate) if isinstance(v, Literal)]
    for wanted in ("fr", ""):
        for value in values:
            if (value.language or "").lower().split("-")[0] == wanted:
                return str(value)
    return str(values[0]) if values else None


def _label(graph: Graph, node: Node | None) -> str | None:
    """An IRI as itself; a blank node by its label or title; a literal as its text."""
    if node is None or isinstance(node, URIRef | Literal):
        return None if node is None else str(node)
    for predicate in (SKOS.prefLabel, RDFS.label, DCTERMS.title, DCTERMS.identifier):
        if text := _pick(graph, node, predicate):
            return text
    return None
