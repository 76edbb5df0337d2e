"""``opening-hours-value``: opening hours in OpenStreetMap's ``opening_hours`` syntax.

The grammar covers what authorities publish: ``24/7``; rules separated by ``;``, ``,`` or
``||``, each an optional month and weekday selection (``Jan-Mar``, ``Mo-Fr``, ``Sa,Su``,
``PH``, ``SH``, ``Mo[1]``) then times (``08:00-12:00,14:00-18:00``, ``sunrise-sunset``) or a
state (``off``, ``closed``, ``open``) with an optional quoted comment. Free text (``lundi à
dimanche``) is refused, as Validata refuses it.
"""

from __future__ import annotations

from socle.quality.checks import ValueCheck
from socle.sql import literal

DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|SH)(?:\[-?[1-5](?:-[1-5])?\])?(?:\s*[+-][0-9]+\s*days?)?"
DAYS = rf"{DAY}(?:\s*-\s*{DAY})?(?:\s*,\s*{DAY}(?:\s*-\s*{DAY})?)*"
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?:\s*[0-9]{1,2})?"
MONTHS = rf"(?:[0-9]{{4}}\s*)?{MONTH}(?:\s*-\s*{MONTH})?(?:\s*,\s*{MONTH}(?:\s*-\s*{MONTH})?)*"
WEEKS = r"week\s*[0-9]{1,2}(?:-[0-9]{1,2})?(?:/[0-9]+)?"
CLOCK = r"(?:[01]?[0-9]|2[0-4]):[0-5][0-9]"
EVENT = r"\(?(?:sunrise|sunset|dawn|dusk)(?:\s*[+-]\s*[0-9]{1,2}:[0-5][0-9]\))?\)?"
MOMENT = rf"(?:{CLOCK}|{EVENT})"
SPAN = rf"{MOMENT}(?:\s*-\s*{MOMENT}\+?|\+)?(?:/[0-9]+|/{CLOCK})?"
TIMES = rf"{SPAN}(?:\s*,\s*{SPAN})*"
STATE = r"(?:open|closed|off|unknown)"
COMMENT = r"\"[^\"]*\""
SELECTOR = rf"(?:(?:{MONTHS}|{WEEKS})\s*:?\s*)?(?:{DAYS}\s*:?\s*)?"
RULE = rf"(?:24/7|{SELECTOR}(?:{TIMES})?(?:\s*{STATE})?(?:\s*{COMMENT})?)"
OPENING_HOURS = rf"\s*{RULE}(?:\s*(?:;|,|\|\|)\s*{RULE})*\s*;?\s*"


CHECK = ValueCheck(
    name="opening-hours-value",
    invalid=lambda cell, params: (
        f"trim({cell}) = '' OR NOT regexp_full_match({cell}, {literal(OPENING_HOURS)})"
    ),
    message=lambda cell: (
        f"'La valeur ''' || {cell} || ''' n''est pas une définition d''horaire "
        "d''ouverture correcte. Celle-ci doit respecter la spécification OpenStreetMap "
        "(https://wiki.openstreetmap.org/wiki/Key:opening_hours).'"
    ),
)
