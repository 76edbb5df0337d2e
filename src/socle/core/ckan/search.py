"""``package_search``: CKAN's dataset search over the datasets the caller may see.

Totals and facet counts are computed over the visible datasets only, so they never reveal
what the policy hides. Relevance follows CKAN's weights (name and title 4, tags 2, text 1).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from socle.core.catalog import all_entries, visible_ids
from socle.core.ckan.context import CkanContext
from socle.core.ckan.errors import SearchError, SearchQueryError
from socle.core.ckan.index import FACET_FIELDS, SORT_FIELDS, Catalog, Document
from socle.core.ckan.packages import package_dict
from socle.core.ckan.params import Params
from socle.core.ckan.solr import Filter, compile_query, free_terms, plain_words
from socle.core.search_index import derived
from socle.core.vocabularies import LICENCES
from socle.instance import Instance

MAX_ROWS = 1000  # CKAN's ckan.search.rows_max: larger values are lowered to it
DEFAULT_SORT = "score desc, metadata_modified desc"
_SORT_CLAUSE = re.compile(r"^\s*([A-Za-z_]+)\s+(asc|desc)\s*$", re.IGNORECASE)
MATCH_ALL = frozenset({"", "*:*", '""', "''"})


def package_search(ctx: CkanContext, data: dict[str, Any]) -> dict[str, Any]:
    """Datasets matching ``q`` and ``fq``, one page of them, and the requested facets."""
    params = Params(data)
    q = params.text("q") or ""
    filters = [params.text("fq") or "", *(params.strings("fq_list", json_text=True) or [])]
    rows = min(params.integer("rows", 10), MAX_ROWS)
    start = params.integer("start", 0)
    sort = params.text("sort") or DEFAULT_SORT
    facet_fields = params.strings("facet.field", json_text=True) or []
    facet_limit = params.integer("facet.limit", 50, minimum=None)
    facet_mincount = params.integer("facet.mincount", 1)
    params.check()
    keys = _sort_keys(sort)
    unknown = [f for f in facet_fields if f not in FACET_FIELDS]
    if unknown:
        raise SearchError(
            f"Facette(s) inconnue(s) : {', '.join(unknown)} ; "
            f"facettes possibles : {', '.join(sorted(FACET_FIELDS))}"
        )
    queries = [_q_filter(q), *(compile_query(f, "fq") for f in filters)]
    visible = visible_ids(ctx.instance, ctx.principal)
    catalog = derived(ctx.instance, "ckan-documents", _catalog)
    matched = [d for d in catalog.documents if d.id in visible]
    for query in queries:
        matched = query(matched)
    terms = free_terms(q) if q.strip() not in MATCH_ALL else []
    scores = dict(zip(map(id, matched), _relevance(matched, terms), strict=True)) if terms else {}
    for key, descending in reversed(keys):
        matched.sort(key=_sort_value(key, scores), reverse=descending)
    chosen = catalog.chosen(matched)
    facets = {
        f: _facet(catalog.facets[f].counts(chosen), facet_limit, facet_mincount)
        for f in facet_fields
    }
    return {
        "count": len(matched),
        "facets": facets,
        "results": [package_dict(d.entry, ctx.base_url) for d in matched[start : start + rows]],
        "sort": sort,
        "search_facets": {
            f: {"title": f, "items": _facet_items(catalog, f, counts)}
            for f, counts in facets.items()
        },
    }


def _catalog(instance: Instance) -> Catalog:
    """Every dataset's document, built once per catalog change (see search_index.derived)."""
    return Catalog.of(all_entries(instance))


def _q_filter(q: str) -> Filter:
    """``q`` as Solr reads it; text Solr's edismax would take as words is words here too."""
    if q.strip() in MATCH_ALL:
        return compile_query("", "q")
    try:
        return compile_query(q, "q")
    except SearchError:
        return plain_words(q)


def _sort_keys(sort: str) -> list[tuple[str, bool]]:
    keys = []
    for clause in sort.split(","):
        match = _SORT_CLAUSE.fullmatch(clause)
        if not match or match.group(1) not in SORT_FIELDS:
            raise SearchQueryError(
                f"Paramètre « sort » invalide : « {clause.strip()} » ; attendu « champ asc|desc » "
                f"avec un champ parmi {', '.join(sorted(SORT_FIELDS))}"
            )
        keys.append((match.group(1), match.group(2).lower() == "desc"))
    return keys


def _sort_value(key: str, scores: dict[int, int]) -> Callable[[Document], Any]:
    if key == "score":
        return lambda d: scores.get(id(d), 0)
    if key in ("title", "title_string"):
        return lambda d: d.folded_text("title")
    if key in ("name", "id"):
        return lambda d: d.keywords[key][0]
    if key in ("num_resources", "num_tags"):
        return lambda d: d.numbers[key]
    return lambda d: d.dates[key]


def _relevance(matched: list[Document], terms: list[str]) -> list[int]:
    """CKAN's query fields and boosts for each document: name^4 title^4 tags^2 text."""
    scores = [0] * len(matched)
    for term in terms:
        scores = [
            score
            + 4 * (term in d.folded_texts["name"])
            + 4 * (term in d.folded_texts["title"])
            + 2 * any(term in tag for tag in d.folded_keywords["tags"])
            + (term in d.folded_texts["text"])
            for score, d in zip(scores, matched, strict=True)
        ]
    return scores


def _facet(counter: dict[str, int], limit: int, mincount: int) -> dict[str, int]:
    """Values by count, most frequent first, as Solr returns them."""
    ranked = sorted(
        ((v, n) for v, n in counter.items() if n >= mincount), key=lambda vn: (-vn[1], vn[0])
    )
    return dict(ranked if limit < 0 else ranked[:limit])


def _facet_items(catalog: Catalog, field: str, counts: dict[str, int]) -> list[dict[str, Any]]:
    """CKAN's ``search_facets`` items, ordered as CKAN does: by display name, descending."""
    names: dict[str, str] = {}
    if field == "organization":
        names = catalog.organization_names
    elif field == "license_id":
        names = {k: title for k, (title, _) in LICENCES.items()}
    items = [
        {"name": value, "display_name": names.get(value, value), "count": count}
        for value, count in counts.items()
    ]
    return sorted(items, key=lambda i: i["display_name"], reverse=True)
