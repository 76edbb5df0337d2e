"""The algorithm transparency register (CRPA art. L312-1-3 and R311-3-1-2).

Each organization lists the algorithms its individual decisions rest on, with the fields of
Etalab's inventory guide (``fields``); entries are drafts for the organization's keepers
(``access``) until published, every change is a numbered revision and an audit entry
(``register``), and readers get one JSON view and a CSV export (``views``). Docs:
docs/algorithms.md.
"""

from socle.governance.algorithms.access import DRAFT, PUBLISHED, can_keep
from socle.governance.algorithms.fields import FIELDS, LABELS_FR, parse_parameter
from socle.governance.algorithms.register import (
    AlgorithmEntry,
    add_algorithm,
    get_algorithm,
    list_algorithms,
    set_published,
    update_algorithm,
)
from socle.governance.algorithms.views import (
    algorithm_view,
    csv_chunks,
    parameter_text,
    revisions_view,
)

__all__ = [
    "DRAFT",
    "FIELDS",
    "LABELS_FR",
    "PUBLISHED",
    "AlgorithmEntry",
    "add_algorithm",
    "algorithm_view",
    "can_keep",
    "csv_chunks",
    "get_algorithm",
    "list_algorithms",
    "parameter_text",
    "parse_parameter",
    "revisions_view",
    "set_published",
    "update_algorithm",
]
