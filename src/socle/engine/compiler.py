"""Compiling parsed query parameters to DuckDB SQL: identifiers from the schema, values bound.

Comparisons are typed by the field: a date field compares with ``date'2024-01-31'`` or with
``'2024-01-31'``; a numeric field accepts numbers (and numeric strings, ``'12,5'`` too); a
text field takes any literal as text, so ``code_insee = 01053`` keeps its leading zero. A value
that cannot have the field's type is an error that names the field, never a silent cast.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Tree

from socle.core.tableschema import NUMERIC_TYPES
from socle.engine import functions, geofunctions
from socle.engine.parser import parse
from socle.errors import QuerySyntaxError
from socle.sql import identifier

COMPARATORS = {"=": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
TRUE_WORDS = {"true", "oui", "vrai", "1"}
FALSE_WORDS = {"false", "non", "faux", "0"}
TEXT_SEARCHABLE = {"string", "array"}


def fold(text: str) -> str:
    """Lower case without accents, as ``strip_accents(lower(...))`` does in DuckDB."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def folded(sql: str) -> str:
    return f"strip_accents(lower(CAST({sql} AS VARCHAR)))"


@dataclass
class Compiled:
    """SQL fragments of a records query; values are in ``params``, in order of appearance."""

    select: list[tuple[str, str]]  # (expression, output name)
    where: str | None = None
    group_by: list[str] = field(default_factory=list)
    order_by: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    aggregated: bool = False


@dataclass(frozen=True)
class TextColumns:
    """How text search reads a table: the fields a bare string searches (None: every text
    field) and columns holding fields already folded, i.e. ``folded(field)`` computed once
    for the whole table (field -> column name), so each query only compares strings."""

    searched: Collection[str] | None = None
    folded: Mapping[str, str] = field(default_factory=dict)


@dataclass
class GeoContext:
    """Bounds tables beside the data: field -> its box columns; ``used``: the ones read."""

    bounds: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    points_only: set[str] = field(default_factory=set)  # fields whose bounds are all points
    used: set[str] = field(default_factory=set)


GEO_USAGE = {
    "within_distance": "within_distance(champ, geom'POINT(lon lat)', 1km)",
    "in_bbox": "in_bbox(champ, lat1, lon1, lat2, lon2)",
    "intersects": "intersects(champ, geom'POLYGON((lon lat, …))')",
    "within": "within(champ, geom'POLYGON((lon lat, …))')",
    "disjoint": "disjoint(champ, geom'POLYGON((lon lat, …))')",
}


class _Compiler:
    """Walks one parameter's tree; recursion depth is bounded by the parser's limits."""

    def __init__(
        self,
        parameter: str,
        fields: dict[str, str],
        aliases: set[str] = frozenset(),  # type: ignore[assignment]
        geo: GeoContext | None = None,
        text_columns: TextColumns | None = None,
    ):
        self.parameter = parameter
        self.fields = fields
        self.aliases = aliases
        self.geo = geo or GeoContext()
        self.text = text_columns or TextColumns()
        self.params: list[Any] = []
        self.aggregated = False

    def error(self, message: str, node: Tree | Token | None) -> QuerySyntaxError:
        position = None
        if isinstance(node, Token):
            position = node.start_pos
        elif isinstance(node, Tree) and node.meta and not node.meta.empty:
            position = node.meta.start_pos
        return QuerySyntaxError(
            f"{message} (« {self.parameter} », position {position})",
            parameter=self.parameter,
            position=position,
        )

    # Fields -------------------------------------------------------------------------------

    def field_name(self, node: Tree) -> str:
        token = node.children[0]
        assert isinstance(token, Token)
        name = token.value[1:-1] if token.type == "BACKQUOTED" else token.value
        if name not in self.fields and name not in self.aliases:
            raise self.error(f"Champ inconnu « {name} »", token)
        return name

    def folded_field(self, name: str) -> str:
        """SQL of the field without case or accents: its folded column if the table has one."""
        column = self.text.folded.get(name)
        return identifier(column) if column is not None else folded(identifier(name))

    def field_type(self, node: Tree) -> str:
        return self.fields.get(self.field_name(node), "string")

    def scalar(self, node: Tree) -> tuple[str, str, str]:
        """(SQL, default output name, type) of a field or a function of one field."""
        if node.data == "field":
            name = self.field_name(node)
            return identifier(name), name, self.fields.get(name, "string")
        function, subject, *rest = node.children
        assert isinstance(subject, Tree)
        argument = self.literal_text(rest[0]) if rest else None  # type: ignore[arg-type]
        name = self.field_name(subject)
        try:
            return functions.scalar(
                str(function).lower(), identifier(name), name, self.field_type(subject), argument
            )
        except ValueError as exc:
            raise self.error(str(exc), node) from None

    def is_scalar(self, node: Tree) -> bool:
        return node.data in ("field", "function")

    # Values -------------------------------------------------------------------------------

    def bind(self, value: Any, cast: str | None = None) -> str:
        self.params.append(value)
        return f"CAST(? AS {cast})" if cast else "?"

    def literal_text(self, node: Tree | Token) -> str | None:
        """The literal as the user wrote it (strings unquoted); None for null."""
        if isinstance(node, Token):
            return node.value
        kind = node.data
        if kind == "string":
            token = node.children[0]
            assert isinstance(token, Token)
            quote = token.value[0]
            return token.value[1:-1].replace(quote * 2, quote)
        if kind == "number":
            return str(node.children[0])
        if kind == "date":
            text = str(node.children[0])
            return text[text.index("'") + 1 : -1]
        if kind in ("true", "false"):
            return kind
        return None

    def typed_value(self, type_: str, node: Tree, target: str) -> str:
        """Bind ``node`` as a value of ``type_``; ``target`` names the field for errors."""
        text = self.literal_text(node)
        if text is None:
            return "NULL"
        if type_ in NUMERIC_TYPES:
            try:
                number = float(text.replace(",", ".").replace(" ", ""))
            except ValueError:
                raise self.error(
                    f"« {text} » n'est pas un nombre (champ « {target} »)", node
                ) from None
            return self.bind(int(number) if number.is_integer() and type_ != "number" else number)
        if type_ == "boolean":
            if text.lower() in TRUE_WORDS | FALSE_WORDS:
                return self.bind(text.lower() in TRUE_WORDS)
            raise self.error(f"« {text} » n'est pas un booléen (champ « {target} »)", node)
        if type_ in ("date", "datetime"):
            try:
                parsed = dt.datetime.fromisoformat(text)
            except ValueError:
                raise self.error(
                    f"« {text} » n'est pas une date AAAA-MM-JJ (champ « {target} »)", node
                ) from None
            if type_ == "date":
                return self.bind(parsed.date().isoformat(), "DATE")
            return self.bind(parsed.replace(tzinfo=None).isoformat(), "TIMESTAMP")
        if type_ == "time":
            try:
                return self.bind(dt.time.fromisoformat(text).isoformat(), "TIME")
            except ValueError:
                raise self.error(
                    f"« {text} » n'est pas une heure (champ « {target} »)", node
                ) from None
        return self.bind(text)

    def operand(self, node: Tree, other: Tree) -> str:
        if self.is_scalar(node):
            return self.scalar(node)[0]
        if self.is_scalar(other):
            _, name, type_ = self.scalar(other)
            return self.typed_value(type_, node, name)
        return self.bind(self.literal_text(node))

    # Expressions --------------------------------------------------------------------------

    def expr(self, node: Tree) -> str:
        handler = getattr(self, f"_{node.data.rstrip('_')}", None)
        if handler is None:
            raise self.error("Expression non prise en charge", node)
        return handler(node)  # type: ignore[no-any-return]

    def _where(self, node: Tree) -> str:
        return self.expr(node.children[0])  # type: ignore[arg-type]

    def _or(self, node: Tree) -> str:
        return "(" + " OR ".join(self.expr(c) for c in node.children) + ")"  # type: ignore[arg-type]

    def _and(self, node: Tree) -> str:
        return "(" + " AND ".join(self.expr(c) for c in node.children) + ")"  # type: ignore[arg-type]

    def _not(self, node: Tree) -> str:
        return f"(NOT {self.expr(node.children[0])})"  # type: ignore[arg-type]

    def _compare(self, node: Tree) -> str:
        left, op, right = node.children
        assert isinstance(left, Tree) and isinstance(right, Tree)
        comparator = COMPARATORS[str(op)]
        for a, b in ((left, right), (right, left)):
            if a.data == "field" and b.data == "null":
                if comparator not in ("=", "!="):
                    raise self.error("Seuls = et != se comparent à null", op)  # type: ignore[arg-type]
                negation = "NOT " if comparator == "!=" else ""
                return f"({self.operand(a, b)} IS {negation}NULL)"
            if a.data == "field" and b.data != "field" and self.field_type(a) == "array":
                if comparator not in ("=", "!="):
                    raise self.error("Seuls = et != s'appliquent à un champ multivalué", op)  # type: ignore[arg-type]
                contains = self.contains(a, [b])
                return f"(NOT {contains})" if comparator == "!=" else f"({contains})"
        return f"({self.operand(left, right)} {comparator} {self.operand(right, left)})"

    def contains(self, subject: Tree, values: list[Tree]) -> str:
        """A multivalued field holding one of ``values``."""
        bound = ", ".join(self.bind(self.literal_text(v)) for v in values)
        return f"list_has_any({identifier(self.field_name(subject))}, [{bound}])"

    def _values(self, subject: Tree, literals: Tree) -> str:
        if not self.is_scalar(subject):
            raise self.error("« in » s'applique à un champ", subject)
        sql, name, type_ = self.scalar(subject)
        if type_ == "array":
            return self.contains(subject, literals.children)  # type: ignore[arg-type]
        values = [self.typed_value(type_, v, name) for v in literals.children]  # type: ignore[arg-type]
        return f"{sql} IN ({', '.join(values)})"

    def _in(self, node: Tree) -> str:
        return f"({self._values(*node.children)})"  # type: ignore[arg-type]

    def _not_in(self, node: Tree) -> str:
        return f"(NOT {self._values(*node.children)})"  # type: ignore[arg-type]

    def _in_range(self, node: Tree) -> str:
        """``x in [a..b]``: brackets turned inwards include the bound, outwards exclude it."""
        subject, opening, low, high, closing = node.children
        assert isinstance(subject, Tree) and isinstance(low, Tree) and isinstance(high, Tree)
        if not self.is_scalar(subject):
            raise self.error("« in [a..b] » s'applique à un champ", subject)
        sql, name, type_ = self.scalar(subject)
        lower = ">=" if str(opening) == "[" else ">"
        upper = "<=" if str(closing) == "]" else "<"
        low_sql = self.typed_value(type_, low, name)
        high_sql = self.typed_value(type_, high, name)
        return f"({sql} {lower} {low_sql} AND {sql} {upper} {high_sql})"

    def _contains(self, node: Tree) -> str:
        """``'vélo' in keyword``: one of a multivalued field's values, or a plain equality."""
        value, subject = node.children
        assert isinstance(value, Tree) and isinstance(subject, Tree)
        if self.is_scalar(value):
            raise self.error("À gauche de « in champ », une valeur est attendue", value)
        if self.field_type(subject) == "array":
            return f"({self.contains(subject, [value])})"
        return f"({self.operand(subject, value)} = {self.operand(value, subject)})"

    def _startswith(self, node: Tree) -> str:
        _, subject, text = node.children
        assert isinstance(subject, Tree) and isinstance(text, Tree)
        column = f"CAST({identifier(self.field_name(subject))} AS VARCHAR)"
        return f"starts_with({column}, {self.bind(self.literal_text(text) or '')})"

    def _geo(self, node: Tree) -> str:
        token, *args = node.children
        function = str(token).lower()
        try:
            return self.geo_predicate(function, [a.children[0] for a in args])  # type: ignore[union-attr]
        except ValueError as exc:
            raise self.error(str(exc), node) from None

    def geo_predicate(self, function: str, args: list[Tree | Token]) -> str:
        """One of ODSQL's geographic functions; ValueError with a French message if misused."""
        if function == "geometry":
            raise ValueError(
                "geometry(…) est la forme d'Opendatasoft v2.0 : "
                "utilisez intersects(), within() ou disjoint()"
            )
        function = "within_distance" if function == "distance" else function  # v2.0's name
        usage = GEO_USAGE[function]
        if len(args) != {"within_distance": 3, "in_bbox": 5}.get(function, 2):
            raise ValueError(f"{function}() s'écrit {usage}")
        subject = args[0]
        if not (isinstance(subject, Tree) and subject.data == "field"):
            raise ValueError(f"{function}() s'applique d'abord à un champ : {usage}")
        name = self.field_name(subject)
        type_ = self.fields.get(name, "string")
        if type_ not in geofunctions.GEO_TYPES:
            raise ValueError(f"« {name} » n'est pas un champ géographique : {usage}")
        bounds = self.geo.bounds.get(name)
        if bounds is not None:
            self.geo.used.add(name)
        column = geofunctions.geo_column(name, type_, bounds, name in self.geo.points_only)
        if function == "in_bbox":
            lat1, lon1, lat2, lon2 = (self.geo_number(a, usage) for a in args[1:])
            box = geofunctions.box_of(lat1, lon1, lat2, lon2)
            return geofunctions.in_bbox(column, box, self.params, self.bind)
        geometry = geofunctions.parse_geometry(self.geometry_text(args[1], usage))
        if function == "within_distance":
            metres = self.geo_distance(args[2], usage)
            return geofunctions.within_distance(column, geometry, metres, self.params, self.bind)
        return geofunctions.relation(column, function, geometry, self.params, self.bind)

    def geometry_text(self, arg: Tree | Token, usage: str) -> str:
        if isinstance(arg, Token) and arg.type == "GEOM_LITERAL":
            return geofunctions.geometry_text(arg.value)
        if isinstance(arg, Tree) and arg.data == "string":
            return self.literal_text(arg) or ""
        raise ValueError(f"Géométrie attendue, ex. geom'POINT(5.22 46.2)' : {usage}")

    def geo_distance(self, arg: Tree | Token, usage: str) -> float:
        if isinstance(arg, Token) and arg.type == "DISTANCE":
            return geofunctions.parse_distance(arg.value)
        if isinstance(arg, Tree) and arg.data == "number":
            metres = functions.number(str(arg.children[0]))
            if metres >= 0:
                return metres
        raise ValueError(f"Distance attendue, ex. 500m ou 1km : {usage}")

    def geo_number(self, arg: Tree | Token, usage: str) -> float:
        if isinstance(arg, Tree) and arg.data == "number":
            return functions.number(str(arg.children[0]))
        raise ValueError(f"Coordonnée numérique attendue : {usage}")

    def _pattern(self, node: Tree) -> str:
        subject, pattern = node.children
        assert isinstance(subject, Tree) and isinstance(pattern, Tree)
        if subject.data != "field":
            raise self.error("« like » s'applique à un champ", subject)
        text = self.literal_text(pattern) or ""
        column = f"CAST({identifier(self.field_name(subject))} AS VARCHAR)"
        return f"{column} LIKE {self.bind(text.replace('*', '%'))}"

    def _like(self, node: Tree) -> str:
        return f"({self._pattern(node)})"

    def _not_like(self, node: Tree) -> str:
        return f"(NOT {self._pattern(node)})"

    def _is_null(self, node: Tree) -> str:
        return f"({self.operand(node.children[0], node.children[0])} IS NULL)"  # type: ignore[arg-type]

    def _is_not_null(self, node: Tree) -> str:
        return f"({self.operand(node.children[0], node.children[0])} IS NOT NULL)"  # type: ignore[arg-type]

    def _search(self, node: Tree) -> str:
        _, subject, text = node.children
        assert isinstance(subject, Tree) and isinstance(text, Tree)
        column = self.folded_field(self.field_name(subject))
        return f"contains({column}, {self.bind(fold(self.literal_text(text) or ''))})"

    def _fulltext(self, node: Tree) -> str:
        return self.fulltext(self.literal_text(node.children[0]) or "")  # type: ignore[arg-type]

    def fulltext(self, text: str) -> str:
        """Every word must appear in some text field (accents and case ignored)."""
        searched = self.text.searched
        columns = [
            self.folded_field(n)
            for n, t in self.fields.items()
            if t in TEXT_SEARCHABLE and (searched is None or n in searched)
        ]
        words = fold(text).split()
        if not words:
            return "TRUE"
        if not columns:
            return "FALSE"
        clauses = []
        for word in words:
            anywhere = " OR ".join(f"contains({c}, {self.bind(word)})" for c in columns)
            clauses.append(f"({anywhere})")
        return "(" + " AND ".join(clauses) + ")"

    def _truthy(self, node: Tree) -> str:
        subject = node.children[0]
        assert isinstance(subject, Tree)
        if self.field_type(subject) != "boolean":
            raise self.error(
                f"« {self.field_name(subject)} » seul n'est pas une condition : "
                "comparez-le (ex. champ = 'valeur')",
                subject,
            )
        return identifier(self.field_name(subject))

    # Select, group, order -----------------------------------------------------------------

    def aggregate(self, node: Tree) -> tuple[str, str]:
        """SQL and default output name of an aggregate."""
        function = str(node.children[0]).lower()
        self.aggregated = True
        if node.data == "count_all":
            if function != "count":
                raise self.error(f"{function}(*) n'existe pas : utilisez count(*)", node)
            return "count(*)", "count(*)"
        subject = node.children[1]
        assert isinstance(subject, Tree)
        name = self.field_name(subject)
        if node.data == "aggregate_distinct":
            if function != "count":
                raise self.error("distinct ne s'utilise qu'avec count", node)
            return f"count(DISTINCT {identifier(name)})", f"count(distinct {name})"
        if function in ("sum", "avg") and self.field_type(subject) not in NUMERIC_TYPES:
            raise self.error(f"{function} s'applique à un champ numérique, pas à « {name} »", node)
        if (node.data == "aggregate_param") != (function == "percentile"):
            raise self.error(
                "percentile s'écrit percentile(champ, 90) ; les autres agrégats ont un argument",
                node,
            )
        if function == "percentile":
            try:
                return functions.percentile(identifier(name), name, str(node.children[2]))
            except ValueError as exc:
                raise self.error(str(exc), node) from None
        return f"{function}({identifier(name)})", f"{function}({name})"

    def item(self, node: Tree) -> tuple[str, str]:
        target = node.children[0]
        assert isinstance(target, Tree)
        if self.is_scalar(target):
            sql, name, _ = self.scalar(target)
            return sql, name
        return self.aggregate(target)


def compile_where(
    text: str,
    fields: dict[str, str],
    params: list[Any],
    geo: GeoContext | None = None,
    text_columns: TextColumns | None = None,
) -> str:
    """SQL of a ``where`` expression; ``geo`` offers bounds tables and records which were used;
    ``text_columns`` says how text search reads the table (default: folding every text field)."""
    compiler = _Compiler("where", fields, geo=geo, text_columns=text_columns)
    sql = compiler.expr(parse("where", text))
    params.extend(compiler.params)
    return sql


def compile_fulltext(
    text: str,
    fields: dict[str, str],
    params: list[Any],
    text_columns: TextColumns | None = None,
) -> str:
    compiler = _Compiler("q", fields, text_columns=text_columns)
    sql = compiler.fulltext(text)
    params.extend(compiler.params)
    return sql


def _named(item: tuple[str, str], node: Tree) -> tuple[str, str]:
    """The item with its ``as`` alias as output name, if it has one."""
    if len(node.children) < 2:
        return item
    alias = node.children[1]
    assert isinstance(alias, Tree)
    token = alias.children[0]
    assert isinstance(token, Token)
    return item[0], token.value[1:-1] if token.type == "BACKQUOTED" else token.value


def compile_select(text: str | None, fields: dict[str, str]) -> tuple[list[tuple[str, str]], bool]:
    if not text or not text.strip() or text.strip() == "*":
        return [(identifier(n), n) for n in fields], False
    compiler = _Compiler("select", fields)
    items = []
    for node in parse("select", text).children:
        assert isinstance(node, Tree)
        items.append(_named(compiler.item(node), node))
    names = [n for _, n in items]
    if len(set(names)) != len(names):
        raise QuerySyntaxError("Nom de colonne en double dans « select »", parameter="select")
    return items, compiler.aggregated


def compile_group_by(text: str, fields: dict[str, str], aliases: set[str]) -> list[tuple[str, str]]:
    """(SQL, output name) of each group key: a field, an alias, or a function of a field."""
    compiler = _Compiler("group_by", fields, aliases)
    return [
        _named(compiler.item(node), node)  # type: ignore[arg-type]
        for node in parse("group_by", text).children
    ]


def compile_order_by(text: str, fields: dict[str, str], aliases: set[str]) -> list[str]:
    compiler = _Compiler("order_by", fields, aliases)
    terms = []
    for node in parse("order_by", text).children:
        assert isinstance(node, Tree)
        sql, name = compiler.item(node)
        if fields.get(name) == "string":
            sql += " COLLATE noaccent.nocase"  # French order: « vélo » before « voiture »
        direction = str(node.children[1]).upper() if len(node.children) > 1 else "ASC"
        terms.append(f"{sql} {direction} NULLS LAST")
    return terms
