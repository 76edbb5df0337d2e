"""Table Schema field types as SQL: does a cell's text parse, and what value does it give.

Each type gives two DuckDB expressions over a VARCHAR cell that is not missing: ``value``
(the typed value, NULL when the text does not parse) and ``parses`` (a boolean), so that
every check runs as a column operation over the whole table. ``parses`` is given the SQL of
the value too, so that a grammar ending in "and the conversion succeeds" does not convert
twice. The grammar of each type follows frictionless v5 (Python's ``int``, ``Decimal``,
``strptime``, dateutil's ``isoparse``), which is what schema.data.gouv.fr's Validata applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from socle.errors import InvalidSchemaError
from socle.quality.schema import Field
from socle.sql import literal

# What Python's str.strip() removes, as an RE2 class.
SPACE = (
    r"[\s\x{0B}\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}"
    r"\x{205F}\x{3000}]"
)
DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?i:inf|infinity|s?nan)"
INTEGER = r"[+-]?[0-9]+"
ISO_OFFSET = r"(?:Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
ISO_TIME = r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?" + ISO_OFFSET
DURATION = (
    r"[+-]?P(?:(?:[0-9]+(?:[.,][0-9]+)?Y)?(?:[0-9]+(?:[.,][0-9]+)?M)?(?:[0-9]+(?:[.,][0-9]+)?W)?"
    r"(?:[0-9]+(?:[.,][0-9]+)?D)?(?:T(?:[0-9]+(?:[.,][0-9]+)?H)?(?:[0-9]+(?:[.,][0-9]+)?M)?"
    r"(?:[0-9]+(?:[.,][0-9]+)?S)?)?)"
)
EMAIL = r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+"
URI = r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*"
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
BASE64 = r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"
GEOJSON_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
    "Feature",
    "FeatureCollection",
)
# Python strptime directives as its own regular expressions (C locale).
STRPTIME: dict[str, str] = {
    "d": r"(?:3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])",
    "f": r"[0-9]{1,6}",
    "H": r"(?:2[0-3]|[01][0-9]|[0-9])",
    "I": r"(?:1[0-2]|0[1-9]|[1-9])",
    "j": r"(?:36[0-6]|3[0-5][0-9]|[12][0-9][0-9]|0[1-9][0-9]|00[1-9]|[1-9][0-9]|0[1-9]|[1-9])",
    "m": r"(?:1[0-2]|0[1-9]|[1-9])",
    "M": r"(?:[0-5][0-9]|[0-9])",
    "S": r"(?:6[01]|[0-5][0-9]|[0-9])",
    "y": r"[0-9]{2}",
    "Y": r"[0-9]{4}",
    "z": r"(?:[+-][0-9]{2}:?[0-5][0-9](?::?[0-5][0-9](?:\.[0-9]{1,6})?)?|Z)",
    "p": r"(?i:am|pm)",
    "b": r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    "B": r"(?i:january|february|march|april|may|june|july|august|september|october"
    r"|november|december)",
    "a": r"(?i:mon|tue|wed|thu|fri|sat|sun)",
    "A": r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
    "%": "%",
}
ANY_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%Y")


@dataclass(frozen=True)
class TypeSQL:
    """How a field's cells parse and what they mean, as SQL over a cell expression.

    ``parses(cell, value)`` is None when every text parses, ``value(cell)`` None when the
    value is the text itself: then there is nothing to compute for the column.
    """

    parses: Callable[[str, str], str] | None
    value: Callable[[str], str] | None
    # The SQL type of the value (constraint literals are cast to it).
    sql_type: str

    def typed(self, text: str) -> str:
        """The value of the SQL text ``text``: a constraint's bound as the field's type."""
        return self.value(text) if self.value else text


# Strings without a format, and types Socle does not check: any text, as itself.
TEXT = TypeSQL(None, None, "VARCHAR")


def full(regex: str) -> str:
    return f"(?s:{regex})"


def matches(cell: str, regex: str) -> str:
    return f"regexp_full_match({cell}, {literal(full(regex))})"


def plain_or_cleaned(cell: str, cleaned: str, regex: str) -> str:
    """``cell`` matches, or else its ``cleaned`` text does: a CASE, so that the cleaning only
    runs on the few cells that need it (DuckDB computes both sides of an OR on every row)."""
    return f"CASE WHEN {matches(cell, regex)} THEN TRUE ELSE {matches(cleaned, regex)} END"


def stripped(cell: str) -> str:
    return f"regexp_replace({cell}, {literal(f'^{SPACE}+|{SPACE}+$')}, '', 'g')"


def strptime_regex(fmt: str, where: str) -> str:
    """Python's own regular expression for ``strptime(text, fmt)`` (whole text)."""
    out: list[str] = []
    index = 0
    while index < len(fmt):
        char = fmt[index]
        if char == "%" and index + 1 < len(fmt):
            directive = fmt[index + 1]
            if directive not in STRPTIME:
                raise InvalidSchemaError(
                    f"{where} : directive de date %{directive} non prise en charge"
                )
            out.append(STRPTIME[directive])
            index += 2
            continue
        out.append(r"\s+" if char.isspace() else re.escape(char))
        index += 1
    return "".join(out)


def type_sql(field: Field) -> TypeSQL:
    where = f"champ « {field.name} »"
    builder = BUILDERS.get(field.type)
    if builder is None:
        return TEXT
    return builder(field, where)


def _string(field: Field, where: str) -> TypeSQL:
    regex = {"email": EMAIL, "uri": URI, "uuid": UUID, "binary": BASE64}.get(field.format)
    if regex is None:
        return TEXT
    return TypeSQL(lambda c, v: matches(c, regex), None, "VARCHAR")


def _integer(field: Field, where: str) -> TypeSQL:
    def text(c: str) -> str:
        t = stripped(c)
        if not field.bare_number:
            t = f"regexp_replace({t}, '^[^-0-9]*|[^0-9]*$', '', 'g')"
        return t

    if not field.bare_number:
        return TypeSQL(
            lambda c, v: matches(text(c), INTEGER),
            lambda c: f"TRY_CAST({text(c)} AS HUGEINT)",
            "HUGEINT",
        )
    # Fast path: most cells are plain digits, which need no stripping.
    return TypeSQL(
        lambda c, v: plain_or_cleaned(c, text(c), INTEGER),
        lambda c: f"coalesce(TRY_CAST({c} AS HUGEINT), TRY_CAST({text(c)} AS HUGEINT))",
        "HUGEINT",
    )


def _number(field: Field, where: str) -> TypeSQL:
    def text(c: str) -> str:
        t = stripped(c)
        if field.number_options:
            if not field.bare_number:
                t = f"regexp_replace({t}, '^[^-0-9]*|[^0-9]*$', '', 'g')"
            if field.group_char:
                t = f"replace({t}, {literal(field.group_char)}, '')"
            if field.decimal_char != ".":
                t = f"replace({t}, {literal(field.decimal_char)}, '.')"
        return t

    def parses(c: str, v: str) -> str:
        if not field.number_options:
            # Fast path: most cells are plain numbers, which need no stripping.
            return plain_or_cleaned(c, text(c), DECIMAL)
        ok = matches(text(c), DECIMAL)
        if field.number_options and field.decimal_char != ".":
            # frictionless refuses a '.' when another decimal mark is declared.
            without_groups = f"replace({stripped(c)}, {literal(field.group_char or chr(0))}, '')"
            ok = f"({ok} AND NOT contains({without_groups}, '.'))"
        return ok

    def value(c: str) -> str:
        if not field.number_options:
            # Fast path: the text itself, unless it only parses once stripped.
            return f"coalesce(TRY_CAST({c} AS DOUBLE), TRY_CAST({text(c)} AS DOUBLE))"
        return f"TRY_CAST({text(c)} AS DOUBLE)"

    return TypeSQL(parses, value, "DOUBLE")


def _boolean(field: Field, where: str) -> TypeSQL:
    trues = ", ".join(literal(v) for v in field.true_values) or "NULL"
    falses = ", ".join(literal(v) for v in field.false_values) or "NULL"
    return TypeSQL(
        lambda c, v: f"({c} IN ({trues}) OR {c} IN ({falses}))",
        lambda c: f"CASE WHEN {c} IN ({trues}) THEN TRUE WHEN {c} IN ({falses}) THEN FALSE END",
        "BOOLEAN",
    )


def _temporal(kind: str) -> Callable[[Field, str], TypeSQL]:
    sql_type = {"date": "DATE", "datetime": "TIMESTAMP", "time": "TIME"}[kind]

    def build(field: Field, where: str) -> TypeSQL:
        if field.format == "default":
            return DEFAULT_TEMPORAL[kind]
        if field.format == "any":
            formats = "[" + ", ".join(literal(f) for f in ANY_DATE_FORMATS) + "]"
            if kind == "time":
                formats = "['%H:%M:%S', '%H:%M', '%Hh%M']"
            elif kind == "datetime":
                formats = (
                    "['%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S', '%d/%m/%Y %H:%M:%S', "
                    "'%d/%m/%Y %H:%M']"
                )

            def value_any(c: str) -> str:
                return f"CAST(try_strptime(trim({c}), {formats}) AS {sql_type})"

            return TypeSQL(lambda c, v: f"({v} IS NOT NULL)", value_any, sql_type)
        regex = strptime_regex(field.format, where)
        fmt = literal(field.format)

        def value(c: str) -> str:
            return f"CAST(try_strptime({c}, {fmt}) AS {sql_type})"

        return TypeSQL(
            lambda c, v: f"({matches(c, regex)} AND {v} IS NOT NULL)",
            value,
            sql_type,
        )

    return build


def _iso_datetime_value(c: str) -> str:
    """Any separator, fractions and offsets as isoparse reads them. The common
    ``2024-01-31T12:00:00`` takes a cast five times cheaper, which gives the same value for
    every such text that passes the grammar's regular expression (the only ones used)."""
    t = f"regexp_replace({c}, '^(.{{10}}).', '\\1T')"
    return (
        f"CASE WHEN length({c}) = 19 AND substr({c}, 11, 1) = 'T' THEN TRY_CAST({c} AS TIMESTAMP) "
        f"ELSE CAST(TRY_CAST({t} AS TIMESTAMPTZ) AS TIMESTAMP) END"
    )


def _iso_time_value(c: str) -> str:
    return f"TRY_CAST(regexp_extract({c}, '^[0-9:]+(\\.[0-9]+)?') AS TIME)"


DATE_DEFAULT_REGEX = STRPTIME["Y"] + "-" + STRPTIME["m"] + "-" + STRPTIME["d"]
DEFAULT_TEMPORAL: dict[str, TypeSQL] = {
    "date": TypeSQL(
        lambda c, v: f"({matches(c, DATE_DEFAULT_REGEX)} AND {v} IS NOT NULL)",
        lambda c: f"CAST(try_strptime({c}, '%Y-%m-%d') AS DATE)",
        "DATE",
    ),
    "datetime": TypeSQL(
        lambda c, v: (
            f"({matches(c, r'[0-9]{4}-[0-9]{2}-[0-9]{2}.' + ISO_TIME)} AND {v} IS NOT NULL)"
        ),
        _iso_datetime_value,
        "TIMESTAMP",
    ),
    "time": TypeSQL(
        lambda c, v: f"({matches(c, ISO_TIME)} AND {v} IS NOT NULL)",
        _iso_time_value,
        "TIME",
    ),
}


def _year(field: Field, where: str) -> TypeSQL:
    return TypeSQL(
        lambda c, v: (
            f"(length({c}) = 4 AND {matches(stripped(c), INTEGER)} AND {v} BETWEEN 0 AND 9999)"
        ),
        lambda c: f"TRY_CAST({stripped(c)} AS INTEGER)",
        "INTEGER",
    )


YEARMONTH = r"\s*\+?[0-9]+\s*-\s*\+?([0-9]+)\s*"


def _yearmonth(field: Field, where: str) -> TypeSQL:
    def month(c: str) -> str:
        return f"TRY_CAST(regexp_extract({c}, {literal(full(YEARMONTH))}, 1) AS INTEGER)"

    def value(c: str) -> str:
        # In BIGINT: every cell is converted, and a year near 2**31 must not overflow.
        year = f"CAST(TRY_CAST(split_part({c}, '-', 1) AS INTEGER) AS BIGINT)"
        return f"({year} * 12 + {month(c)} - 1)"

    return TypeSQL(
        lambda c, v: f"({matches(c, YEARMONTH)} AND {month(c)} BETWEEN 1 AND 12)",
        value,
        "BIGINT",
    )


def _duration(field: Field, where: str) -> TypeSQL:
    return TypeSQL(
        lambda c, v: f"({matches(c, DURATION)} AND {c} NOT IN ('P', 'PT'))", None, "VARCHAR"
    )


def _geopoint(field: Field, where: str) -> TypeSQL:
    if field.format == "array":
        lon, lat = "json_extract({c}, '$[0]')", "json_extract({c}, '$[1]')"
        shape = (
            "(CASE WHEN json_valid({c}) THEN json_type({c}) = 'ARRAY' "
            "AND json_array_length({c}) = 2 ELSE FALSE END)"
        )
    elif field.format == "object":
        lon, lat = "json_extract({c}, '$.lon')", "json_extract({c}, '$.lat')"
        shape = (
            "(CASE WHEN json_valid({c}) THEN json_type({c}) = 'OBJECT' "
            "AND len(json_keys({c})) = 2 AND json_exists({c}, '$.lon') "
            "AND json_exists({c}, '$.lat') ELSE FALSE END)"
        )
    else:
        number = f"{SPACE}*(?:{DECIMAL}){SPACE}*"
        shape = f"regexp_full_match({{c}}, {literal(full(number + ',' + number))})"
        lon, lat = "split_part({c}, ',', 1)", "split_part({c}, ',', 2)"

    def parses(c: str, v: str) -> str:
        x = f"TRY_CAST(trim(CAST({lon.replace('{c}', c)} AS VARCHAR)) AS DOUBLE)"
        y = f"TRY_CAST(trim(CAST({lat.replace('{c}', c)} AS VARCHAR)) AS DOUBLE)"
        return (
            f"({shape.replace('{c}', c)} AND {x} BETWEEN -180 AND 180 AND {y} BETWEEN -90 AND 90)"
        )

    return TypeSQL(parses, None, "VARCHAR")


def _json(kind: str) -> Callable[[Field, str], TypeSQL]:
    def build(field: Field, where: str) -> TypeSQL:
        def parses(c: str, v: str) -> str:
            ok = f"json_type({c}) = '{kind}'"
            if field.type == "geojson":
                types = ", ".join(literal(t) for t in GEOJSON_TYPES)
                ok = f"{ok} AND json_extract_string({c}, '$.type') IN ({types})"
            return f"(CASE WHEN json_valid({c}) THEN {ok} ELSE FALSE END)"

        return TypeSQL(parses, None, "VARCHAR")

    return build


BUILDERS: dict[str, Callable[[Field, str], TypeSQL]] = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _temporal("date"),
    "datetime": _temporal("datetime"),
    "time": _temporal("time"),
    "year": _year,
    "yearmonth": _yearmonth,
    "duration": _duration,
    "geopoint": _geopoint,
    "geojson": _json("OBJECT"),
    "object": _json("OBJECT"),
    "array": _json("ARRAY"),
}
