"""The DCAT-AP 3 catalog feed.

The feed lists the datasets the caller may see (the policy's own listing, never a query of
its own), so data.gouv.fr and data.europa.eu can harvest an instance. IRIs name things and
never change: a dataset is ``{base}/datasets/{id}`` on its uuid, so a rename keeps its IRI
and ``dct:identifier``; its distributions are ``{base}/datasets/{id}/distributions/{fmt}``;
an organization is ``{base}/organizations/{id}``. Pages people open are ``dcat:landingPage``.

Controlled-vocabulary values (EU themes, frequencies, file types, language, access rights)
carry their type, ``skos:inScheme`` and a French label in the feed itself, so validators
and harvesters need not fetch the EU tables to check them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from socle.core.catalog import Entry, Stamp, load_entries, visible_stamps
from socle.core.features import collection_of
from socle.core.organizations import get_organization
from socle.core.records import known_export
from socle.core.tableschema import geometry_field
from socle.core.views import EXPORT_FORMATS, dataset_view
from socle.core.vocabularies import FREQUENCIES, FREQUENCY_URI, THEME_URI, THEMES
from socle.engine.exports import FORMATS
from socle.errors import InputError
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.storage.tables import as_utc

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
INSEE_COMMUNE = "http://id.insee.fr/geo/commune/"

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# Access level -> EU access-right code.
ACCESS_RIGHTS = {
    "public": ("PUBLIC", "public"),
    "partners": ("RESTRICTED", "restreint"),
    "internal": ("NON_PUBLIC", "non public"),
    "restricted": ("NON_PUBLIC", "non public"),
}
# Feed suffix -> (rdflib format, media type).
SERIALISATIONS = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_EMAIL = re.compile(r"^[^\s<>\"@:/]+@[^\s<>\"@/]+\.[^\s<>\"@/]+$")
# Characters XML 1.0 cannot carry: RDF/XML would be unreadable with them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedQuery:
    """Which slice of the catalog a request asks for."""

    organization: str | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    modified_since: date | None = None


def parse_since(text: str | None) -> date | None:
    """``modified_since`` as given in a query string: a calendar date, or InputError."""
    if text is None:
        return None
    if _DATE.fullmatch(text):
        with suppress(ValueError):  # 2024-02-30 has the shape of a date, not a date
            return date.fromisoformat(text)
    raise InputError(
        "Le paramètre modified_since attend une date au format AAAA-MM-JJ (ex. 2024-01-31)"
    )


def catalog_graph(
    instance: Instance,
    principal: Principal,
    base: str,
    query: FeedQuery,
    page_url: Callable[[int], str],
) -> Graph:
    """One page of the catalog as a DCAT-AP graph; ``page_url(n)`` locates page ``n``."""
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise InputError(f"La taille de page doit être entre 1 et {MAX_PAGE_SIZE}")
    selected = _selected(instance, principal, query)
    graph = _new_graph()
    name = instance.settings.instance_name
    operator = _agent(graph, URIRef(f"{base}/catalog#publisher"), name)
    catalog = _catalog(graph, instance, base, query.organization, operator)
    if selected:
        graph.add((catalog, DCTERMS.modified, Literal(max(s.modified_at for s in selected))))
    service = _service(graph, base, name, operator)
    graph.add((catalog, DCAT.service, service))
    start = (query.page - 1) * query.page_size
    page = selected[start : start + query.page_size]
    for entry in load_entries(instance, [s.dataset_id for s in page]):
        dataset = _dataset(graph, instance, principal, entry, base, service, operator)
        graph.add((catalog, DCAT.dataset, dataset))
        graph.add((service, DCAT.servesDataset, dataset))
    if len(selected) > query.page_size or query.page > 1:
        _paging(graph, catalog, len(selected), query, page_url)
    return graph


def serialise(graph: Graph, suffix: str) -> bytes:
    """The graph in the format of a feed suffix (``ttl``, ``rdf``, ``jsonld``)."""
    rdflib_format, _ = SERIALISATIONS[suffix]
    options: dict[str, Any] = {"auto_compact": True} if rdflib_format == "json-ld" else {}
    return graph.serialize(format=rdflib_format, encoding="utf-8", **options)


def _selected(instance: Instance, principal: Principal, query: FeedQuery) -> list[Stamp]:
    """What the caller may see in the asked scope, oldest first so pages stay put."""
    stamps = visible_stamps(instance, principal)
    if query.organization:
        stamps = [s for s in stamps if s.organization == query.organization]
    if query.modified_since:
        since = datetime.combine(query.modified_since, datetime.min.time(), UTC)
        stamps = [s for s in stamps if s.modified_at >= since]
    return sorted(stamps, key=lambda s: (s.created_at, s.dataset_id))


def _catalog(
    graph: Graph, instance: Instance, base: str, organization: str | None, operator: URIRef
) -> URIRef:
    """The catalog's own description: the instance's, or one organization's."""
    name = instance.settings.instance_name
    node, publisher = URIRef(f"{base}/catalog"), operator
    title, description = f"Catalogue de {name}", f"Les jeux de données publiés sur {name}."
    homepage = f"{base}/"
    if organization:
        org = get_organization(instance, organization)
        node = URIRef(f"{base}/organizations/{org.slug}/catalog")
        publisher = _organization(graph, base, org.id, org.name, org.siren)
        title = f"Catalogue de {org.name}"
        description = org.description or f"Les jeux de données de {org.name} sur {name}."
        homepage = f"{base}/organisations/{org.slug}"
    language = _concept(graph, f"{AUTHORITY}language/FRA", DCTERMS.LinguisticSystem, "français")
    graph.add((node, RDF.type, DCAT.Catalog))
    graph.add((node, DCTERMS.title, _text(title)))
    graph.add((node, DCTERMS.description, _text(description)))
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((node, FOAF.homepage, _document(graph, homepage)))
    graph.add((node, DCTERMS.language, language))
    graph.add((node, DCAT.themeTaxonomy, _scheme(graph, THEME_URI, "Data theme")))
    return node


def _dataset(
    graph: Graph,
    instance: Instance,
    principal: Principal,
    entry: Entry,
    base: str,
    service: URIRef,
    publisher: Node,
) -> URIRef:
    """A dataset from its JSON view, so the feed and the API cannot tell different stories."""
    view = dataset_view(entry, base, full=False)
    node = URIRef(f"{base}/datasets/{view['id']}")
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(view["id"])))
    graph.add((node, DCTERMS.title, _text(view["title"])))
    # DCAT-AP requires a description: an undescribed dataset repeats its title.
    graph.add((node, DCTERMS.description, _text(view["description"] or view["title"])))
    graph.add((node, DCAT.landingPage, _document(graph, view["links"]["portal"])))
    graph.add((node, DCTERMS.issued, Literal(as_utc(entry.dataset.created_at))))
    graph.add((node, DCTERMS.modified, Literal(_modified(entry))))
    for keyword in view["keywords"]:
        graph.add((node, DCAT.keyword, _text(keyword)))
    for code in view["themes"]:
        theme = _concept(graph, THEME_URI.format(code=code), SKOS.Concept, THEMES[code])
        graph.add((node, DCAT.theme, theme))
    if (org := entry.organization) is not None:
        publisher = _organization(graph, base, org.id, org.name, org.siren)
    graph.add((node, DCTERMS.publisher, publisher))
    if contact := _contact(graph, view["contact_name"], view["contact_email"]):
        graph.add((node, DCAT.contactPoint, contact))
    code, label = ACCESS_RIGHTS[view["access"]]
    rights = _concept(graph, f"{AUTHORITY}access-right/{code}", DCTERMS.RightsStatement, label)
    graph.add((node, DCTERMS.accessRights, rights))
    if frequency := view["frequency"]:
        uri = FREQUENCY_URI.format(code=frequency)
        periodicity = _concept(graph, uri, DCTERMS.Frequency, FREQUENCIES[frequency])
        graph.add((node, DCTERMS.accrualPeriodicity, periodicity))
    if standard := _iri(view["conforms_to"]):
        graph.add((standard, RDF.type, DCTERMS.Standard))
        graph.add((node, DCTERMS.conformsTo, standard))
    collection = collection_of(instance, principal, entry)
    _coverage(graph, node, view, collection.known_bbox() if collection else None)
    if (latest := entry.latest) is not None:
        licence = _iri(view["licence_url"])
        if licence is not None:
            graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
            graph.add((licence, DCTERMS.title, _text(view["licence_label"])))
        geographic = geometry_field(latest.table_schema) is not None
        for fmt in EXPORT_FORMATS:
            if fmt != "geojson" or geographic:
                distribution = _distribution(graph, node, fmt, view, licence, service)
                graph.add((distribution, DCTERMS.modified, Literal(as_utc(latest.created_at))))
                if (stored := known_export(instance, latest, fmt)) is not None:
                    _describe_bytes(graph, distribution, stored.size, stored.sha256)
                graph.add((node, DCAT.distribution, distribution))
    return node


def _coverage(graph: Graph, node: URIRef, view: dict[str, Any], bbox: list[float] | None) -> None:
    """Where (INSEE communes, and the box of the geometries) and when the data speaks of.

    The box is given once computed (by the OGC API or ``socle exports prepare``): computing
    it here would read every geometry of every geographic dataset on a feed request.
    """
    for insee in view["spatial"]:
        place = URIRef(f"{INSEE_COMMUNE}{insee}")
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((place, DCTERMS.identifier, Literal(insee)))
        graph.add((node, DCTERMS.spatial, place))
    if bbox is not None:
        minx, miny, maxx, maxy = bbox
        ring = f"{minx} {miny}, {maxx} {miny}, {maxx} {maxy}, {minx} {maxy}, {minx} {miny}"
        box = BNode()
        graph.add((box, RDF.type, DCTERMS.Location))
        graph.add((box, DCAT.bbox, Literal(f"POLYGON(({ring}))", datatype=GSP.wktLiteral)))
        graph.add((node, DCTERMS.spatial, box))
    temporal = view["temporal"]
    if temporal["start"] or temporal["end"]:
        period = BNode()
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        for key, predicate in (("start", DCAT.startDate), ("end", DCAT.endDate)):
            if temporal[key]:
                graph.add((period, predicate, Literal(temporal[key], datatype=XSD.date)))
        graph.add((node, DCTERMS.temporal, period))


def _distribution(
    graph: Graph,
    dataset: URIRef,
    fmt: str,
    view: dict[str, Any],
    licence: URIRef | None,
    service: URIRef,
) -> URIRef:
    """One export format of the latest version."""
    node = URIRef(f"{dataset}/distributions/{fmt}")
    url = URIRef(view["links"]["exports"][fmt])
    name = fmt.upper()
    media_type = URIRef(IANA_MEDIA_TYPE + FORMATS[fmt][0].split(";")[0])
    file_type = _concept(graph, f"{AUTHORITY}file-type/{name}", DCTERMS.MediaTypeOrExtent, name)
    description = f"Export {name} de la dernière version, produit à la demande."
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, _text(f"{view['title']} ({name})")))
    graph.add((node, DCTERMS.description, _text(description)))
    graph.add((node, DCAT.accessURL, url))
    graph.add((node, DCAT.downloadURL, url))
    graph.add((node, DCAT.mediaType, media_type))
    graph.add((media_type, RDF.type, DCTERMS.MediaType))
    graph.add((node, DCTERMS.format, file_type))
    graph.add((node, DCAT.accessService, service))
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    return node


def _describe_bytes(graph: Graph, distribution: URIRef, size: int, sha256: str) -> None:
    """Size and digest, known once the whole export was written (engine.exports.store).

    ``xsd:nonNegativeInteger`` as DCAT-AP 3 requires (2.1.1 wanted ``xsd:decimal``).
    """
    graph.add((distribution, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    checksum, algorithm = BNode(), SPDX.checksumAlgorithm_sha256
    graph.add((algorithm, RDF.type, SPDX.ChecksumAlgorithm))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, algorithm))
    graph.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
    graph.add((distribution, SPDX.checksum, checksum))


def _service(graph: Graph, base: str, name: str, publisher: Node) -> URIRef:
    """The records API, through which every distribution is served."""
    node = URIRef(f"{base}/api/v1#service")
    endpoint, description = URIRef(f"{base}/api/v1"), URIRef(f"{base}/api/v1/openapi.json")
    about = "Lecture, filtrage et export des enregistrements des jeux de données."
    graph.add((node, RDF.type, DCAT.DataService))
    graph.add((node, DCTERMS.title, _text(f"API de {name}")))
    graph.add((node, DCTERMS.description, _text(about)))
    graph.add((node, DCAT.endpointURL, endpoint))
    graph.add((node, DCAT.endpointDescription, description))
    # DCAT-AP 3.0.1's range shapes check this class as written, without RDFS entailment.
    graph.add((endpoint, RDF.type, RDFS.Resource))
    graph.add((description, RDF.type, RDFS.Resource))
    graph.add((node, DCAT.landingPage, _document(graph, f"{base}/api/v1/docs")))
    graph.add((node, DCTERMS.publisher, publisher))
    return node


def _paging(
    graph: Graph, catalog: URIRef, total: int, query: FeedQuery, page_url: Callable[[int], str]
) -> None:
    """Hydra paging as udata publishes it, which data.gouv.fr's harvester follows."""
    last = max(1, math.ceil(total / query.page_size))
    view = URIRef(page_url(query.page))
    graph.add((catalog, RDF.type, HYDRA.Collection))
    graph.add((catalog, HYDRA.totalItems, Literal(total)))
    graph.add((catalog, HYDRA.view, view))
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, HYDRA.first, URIRef(page_url(1))))
    graph.add((view, HYDRA.last, URIRef(page_url(last))))
    if query.page < last:
        graph.add((view, HYDRA.next, URIRef(page_url(query.page + 1))))
    if query.page > 1:
        graph.add((view, HYDRA.previous, URIRef(page_url(min(query.page - 1, last)))))


def _organization(graph: Graph, base: str, org_id: str, name: str, siren: str | None) -> URIRef:
    node = _agent(graph, URIRef(f"{base}/organizations/{org_id}"), name)
    graph.add((node, RDF.type, FOAF.Organization))
    if siren:
        graph.add((node, DCTERMS.identifier, Literal(siren)))
    return node


def _agent(graph: Graph, node: URIRef, name: str) -> URIRef:
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, _text(name)))
    return node


def _contact(graph: Graph, name: str | None, email: str | None) -> BNode | None:
    mailbox = email.strip() if email else ""
    if not name and not _EMAIL.fullmatch(mailbox):
        return None
    node = BNode()
    graph.add((node, RDF.type, VCARD.Kind))
    if name:
        graph.add((node, VCARD.fn, _text(name)))
    if _EMAIL.fullmatch(mailbox):
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{mailbox}")))
    return node


def _concept(graph: Graph, uri: str, kind: URIRef, label: str) -> URIRef:
    """An EU authority-table value, described enough to be checked without the table."""
    node = URIRef(uri)
    graph.add((node, RDF.type, kind))
    graph.add((node, SKOS.inScheme, URIRef(uri.rsplit("/", 1)[0])))
    graph.add((node, SKOS.prefLabel, _text(label)))
    return node


def _scheme(graph: Graph, template: str, title: str) -> URIRef:
    """The authority table of a URI template such as THEME_URI."""
    node = URIRef(template.rsplit("/", 1)[0])
    graph.add((node, RDF.type, SKOS.ConceptScheme))
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    return node


def _document(graph: Graph, url: str) -> URIRef:
    node = URIRef(url)
    graph.add((node, RDF.type, FOAF.Document))
    return node


def _new_graph() -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("skos", SKOS),
        ("vcard", VCARD),
        ("hydra", HYDRA),
        ("spdx", SPDX),
    ):
        graph.bind(prefix, namespace)
    return graph


def _text(value: str) -> Literal:
    """French text, without the control characters XML cannot carry."""
    return Literal(_NOT_XML.sub("", value), lang="fr")


def _iri(text: str | None) -> URIRef | None:
    """User-given URLs become IRIs only when they are plainly http(s) addresses."""
    return URIRef(text) if text and _IRI.fullmatch(text) else None


def _modified(entry: Entry) -> datetime:
    """Metadata edits and new versions both change what a harvester would copy."""
    changed = max(as_utc(entry.dataset.modified_at), as_utc(entry.dataset.created_at))
    return max(changed, as_utc(entry.latest.created_at)) if entry.latest else changed
