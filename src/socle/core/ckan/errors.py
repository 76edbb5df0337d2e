"""The errors CKAN's Action API names, as members of Socle's one exception tree.

Each carries the ``__type`` CKAN puts in its error envelope and CKAN's HTTP status, so the
router answers exactly as a CKAN site would and ``ckanapi`` raises its matching exception.
"""

from __future__ import annotations

from typing import ClassVar

from socle.errors import InputError


class CkanError(InputError):
    """A request CKAN itself would refuse; ``ckan_type`` is the envelope's ``__type``."""

    ckan_type: ClassVar[str] = "Validation Error"


class CkanValidationError(CkanError):
    """Bad parameters, each with its messages, as CKAN's ``ValidationError`` (409)."""

    status = 409
    type_slug = "ckan-validation"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k} : {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class SearchError(CkanError):
    """A filter query CKAN's search index would refuse (``fq``, ``q``, facets): 409."""

    status = 409
    type_slug = "ckan-search"
    ckan_type = "Search Error"


class SearchQueryError(CkanError):
    """A bad ``sort`` of ``package_search``, which CKAN reports apart: 400."""

    status = 400
    type_slug = "ckan-search-query"
    ckan_type = "Search Query Error"
