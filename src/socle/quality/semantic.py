"""Semantic types of columns (SIRET, INSEE code, e-mail...), named as data.gouv.fr's csv-detective.

Knowing that a text column holds SIRET numbers or INSEE codes lets the portal suggest a
national schema, a join or a map; the storage type alone cannot say it. Detection is
vectorised: a bounded sample of each column's non-null values is drawn by DuckDB, every
detector is a SQL condition counted over it in one aggregate, and the first detector in
precedence order (specific before generic) whose share reaches its threshold wins.

Where values alone are ambiguous the column's name decides, as csv-detective's labels do:

- 5 characters: ``code_postal`` needs a postal name hint (postal, cp, zip...);
  ``code_commune`` (INSEE) needs an INSEE name hint (insee, code_commune, depcom, codgeo,
  com...) or a Corsican code (``2A004``) among the values, which no postal code has.
  Five digits under neither hint get no semantic type: they could be either.
- 2-3 characters: ``code_departement`` and ``code_region`` need their name hint (dep,
  departement / reg, region), since small numbers are everywhere.
- decimal numbers: ``latitude_wgs`` / ``longitude_wgs`` need a name hint (lat, y /
  lon, lng, long, x) and a value in range that is not a whole number.

Integer columns are tested on their text (a SIRET read as BIGINT still is one; an INSEE code
read as an integer has lost its leading zero and, rightly, no longer matches).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from socle.sql import identifier

SAMPLE_SIZE = 20_000
THRESHOLD = 0.9
TEXT_TYPES = frozenset({"string", "any"})
INTEGER_TYPES = frozenset({"integer"})
NUMBER_TYPES = frozenset({"number"})

# Name hints: a column name hints a kind when one of its words is in the set, or when its
# words run together contain one of the substrings.
HINTS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "postal": (frozenset({"cp", "zip", "zipcode", "postcode"}), ("postal", "postaux")),
    "insee": (
        frozenset({"insee", "depcom", "codgeo", "numcom", "codcom", "com", "commune"}),
        ("insee", "codecommune", "codecom"),
    ),
    "departement": (
        frozenset({"dep", "dept", "dpt", "numdep", "coddep", "codedep"}),
        ("departement",),
    ),
    "region": (frozenset({"reg", "numreg", "codreg", "codereg"}), ("region",)),
    "latitude": (frozenset({"lat", "y", "ylat"}), ("latitude",)),
    "longitude": (frozenset({"lon", "lng", "long", "x", "xlong", "xlon"}), ("longitude",)),
}


@dataclass(frozen=True)
class Semantic:
    """The semantic type found for a column and the share of sampled values matching it."""

    type: str
    share: float


@dataclass(frozen=True)
class Detector:
    """A csv-detective format as SQL over the sample's columns.

    ``v`` is the trimmed text, ``c`` the text without spaces, ``t`` the text without
    spaces, dots and dashes, ``num`` the value as a number (number columns, or decimal text).
    ``check`` (a key, a calendar) only runs on values that pass the cheap ``test``.
    """

    name: str
    test: str
    check: str | None = None
    hint: str | None = None
    threshold: float = THRESHOLD

    @property
    def condition(self) -> str:
        if self.check is None:
            return self.test
        return f"CASE WHEN {self.test} THEN {self.check} ELSE false END"


def _match(column: str, pattern: str) -> str:
    return f"regexp_full_match({column}, '{pattern}')"


def _digit(column: str, position: int) -> str:
    return f"(ascii(substr({column}, {position}, 1)) - 48)"


def _luhn(column: str, length: int) -> str:
    """SQL: the first ``length`` digits of ``column`` pass the Luhn key (as SIREN/SIRET)."""
    terms = []
    for position in range(1, length + 1):
        digit = _digit(column, position)
        # Every second digit from the right is doubled; a doubled digit >= 5 loses 9.
        terms.append(f"(2 * {digit} - 9 * ({digit} // 5))" if (length - position) % 2 else digit)
    return f"(({' + '.join(terms)}) % 10 = 0)"


def _digit_sum(column: str, length: int) -> str:
    return "(" + " + ".join(_digit(column, p) for p in range(1, length + 1)) + ")"


DATE_FORMATS = "['%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d', '%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y']"
ISO_DATETIME = (
    "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?"
)
TIMEZONE = "(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)"
VALID_ISO_DAY = "try_strptime(left(v, 10), '%Y-%m-%d') IS NOT NULL"
BOOLEANS = "('0', '1', 'true', 'false', 'vrai', 'faux', 'oui', 'non', 'yes', 'no', 'o', 'n', 'y')"
REGIONS = (
    "('01', '02', '03', '04', '06', '11', '24', '27', '28', '32', '44', '52', '53', '75', '76', "
    "'84', '93', '94')"
)

# In precedence order: the first whose share reaches its threshold wins.
DETECTORS: tuple[Detector, ...] = (
    Detector(
        "siret",
        _match("c", "[0-9]{14}"),
        f"{_luhn('c', 9)} AND ({_luhn('c', 14)}"
        # La Poste's establishments share SIREN 356000000; their key is a digit sum.
        f" OR (left(c, 9) = '356000000' AND {_digit_sum('c', 14)} % 5 = 0))",
    ),
    Detector("siren", _match("c", "[0-9]{9}"), _luhn("c", 9)),
    Detector("tel_fr", _match("t", "(0|\\+33|0033)[1-9][0-9]{8}")),
    Detector("code_postal", _match("v", "(0[1-9]|[1-8][0-9]|9[0-8])[0-9]{3}"), hint="postal"),
    Detector(
        "code_commune",
        _match("v", "(0[1-9]|[1-8][0-9]|9[0-5])[0-9]{3}|2[AB][0-9]{3}|97[1-6][0-9]{2}"),
        "right(v, 3) <> '000'",
        hint="insee",
    ),
    Detector(
        "code_departement",
        _match("v", "0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6]"),
        "v <> '20'",
        hint="departement",
    ),
    Detector("code_region", f"v IN {REGIONS}", hint="region"),
    Detector(
        "email", _match("v", "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}")
    ),
    Detector("url", _match("v", "(?i)(https?|ftp)://[^\\s/?#]+[^\\s]*|www\\.[^\\s.]+\\.[^\\s]+")),
    Detector("datetime_aware", _match("v", ISO_DATETIME + TIMEZONE), VALID_ISO_DAY),
    Detector("datetime_naive", _match("v", ISO_DATETIME), VALID_ISO_DAY),
    Detector(
        "date",
        _match("v", "[0-9]{4}[-/.][0-9]{2}[-/.][0-9]{2}|[0-9]{2}[-/.][0-9]{2}[-/.][0-9]{4}"),
        f"try_strptime(v, {DATE_FORMATS}) IS NOT NULL",
    ),
    Detector("year", _match("v", "(19|20)[0-9]{2}|2100")),
    Detector("latitude_wgs", "num BETWEEN -90 AND 90 AND num <> trunc(num)", hint="latitude"),
    Detector("longitude_wgs", "num BETWEEN -180 AND 180 AND num <> trunc(num)", hint="longitude"),
    # As csv-detective: every value must be one, or a column of 1s and 7s would be boolean.
    Detector("booleen", f"lower(v) IN {BOOLEANS}", threshold=1.0),
)
SEMANTIC_TYPES = tuple(d.name for d in DETECTORS)
CORSICAN_CODE = _match("v", "2[AB][0-9]{3}")
DECIMAL_TEXT = _match("v", "-?[0-9]+[.,][0-9]+")


def name_hints(name: str) -> frozenset[str]:
    """The kinds of code a column's name points to (see HINTS), accents and case ignored."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", ascii_name).lower())
    joined = "".join(words)
    return frozenset(
        kind
        for kind, (tokens, parts) in HINTS.items()
        if tokens.intersection(words) or any(part in joined for part in parts)
    )


def detect(
    con: duckdb.DuckDBPyConnection,
    source: str,
    fields: Mapping[str, str],
    *,
    sample: int = SAMPLE_SIZE,
) -> dict[str, Semantic]:
    """Semantic types of ``fields`` (name -> Table Schema type) of the relation ``source``.

    ``source`` is trusted SQL (a table name or ``read_parquet(...)``). Only text, integer
    and number fields are tested; fields with no type found are left out of the result.
    """
    names = [
        name for name, type_ in fields.items() if type_ in TEXT_TYPES | INTEGER_TYPES | NUMBER_TYPES
    ]
    if not names:
        return {}
    samples = " UNION ALL ".join(
        _sample(index, name, fields[name], source, sample) for index, name in enumerate(names)
    )
    counts = ", ".join(f"count(*) FILTER (WHERE {d.condition})" for d in DETECTORS)
    rows = con.execute(
        f"WITH samples AS ({samples}), s AS ("  # noqa: S608
        "SELECT f, v, replace(v, ' ', '') AS c, regexp_replace(v, '[ .-]', '', 'g') AS t, "
        f"coalesce(x, CASE WHEN {DECIMAL_TEXT} THEN TRY_CAST(replace(v, ',', '.') AS DOUBLE) END)"
        " AS num FROM samples) "
        f"SELECT f, count(*), count(*) FILTER (WHERE {CORSICAN_CODE}), {counts} FROM s GROUP BY f"
    ).fetchall()
    found = {}
    for index, total, corsican, *matches in rows:
        name = names[index]
        hints = name_hints(name) | ({"insee"} if corsican else set())
        for detector, matched in zip(DETECTORS, matches, strict=True):
            share = matched / total
            if (detector.hint is None or detector.hint in hints) and share >= detector.threshold:
                found[name] = Semantic(detector.name, round(share, 4))
                break
    return found


def _sample(index: int, name: str, type_: str, source: str, size: int) -> str:
    """SQL drawing up to ``size`` non-null values of one column, as text and as number.

    Values are trimmed after sampling: trimming a whole column costs more than the rest.
    """
    column = identifier(name)
    if type_ in NUMBER_TYPES:
        values, where = "NULL::VARCHAR AS v, x", f"isfinite({column})"
    else:
        values = "trim(CAST(x AS VARCHAR)) AS v, NULL::DOUBLE AS x"
        where = f"{column} <> ''" if type_ in TEXT_TYPES else f"{column} IS NOT NULL"
    return (
        f"(SELECT {index} AS f, {values} FROM (SELECT {column} AS x FROM {source} "  # noqa: S608
        f"WHERE {where}) USING SAMPLE reservoir({int(size)} ROWS) REPEATABLE (42))"
    )
