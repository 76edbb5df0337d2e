"""The anonymisation recipe: what a user declares, validated before any data is read.

A recipe is a YAML (or JSON) document naming the personal dataset to read, the new dataset
to write, the steps (drop, pseudonymise, generalise) and the protections to reach
(k-anonymity, ℓ-diversity, statistical secrecy of an aggregate). It never holds the
pseudonymisation key: that comes from the instance's settings (see ``key``).
Docs: docs/anonymisation.md.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from socle.core.metadata import check_slug
from socle.errors import InputError

DEFAULT_THRESHOLD = 11  # statistical secrecy: the usual floor of French official statistics

Column = Annotated[str, Field(min_length=1, max_length=200)]
Columns = Annotated[list[Column], Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Drop(_Strict):
    """Remove columns (direct identifiers: name, NIR, e-mail...)."""

    step: Literal["drop"]
    columns: Columns


class Pseudonymise(_Strict):
    """Replace each value by its HMAC-SHA256 under the instance's key (hex)."""

    step: Literal["pseudonymise"]
    columns: Columns


class GeneraliseDate(_Strict):
    """A date (or timestamp) becomes its ISO week, its month or its year."""

    step: Literal["generalise_date"]
    column: Column
    to: Literal["week", "month", "year"]


class GeneraliseAge(_Strict):
    """A number (an age) becomes a band: fixed ``width`` or the lower ``bounds`` given."""

    step: Literal["generalise_age"]
    column: Column
    width: Annotated[int, Field(ge=1, le=200)] | None = None
    bounds: Annotated[list[Annotated[int, Field(ge=0, le=200)]], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> GeneraliseAge:
        if (self.width is None) == (self.bounds is None):
            raise ValueError("donnez soit « width » (largeur des tranches), soit « bounds »")
        if self.bounds is not None and self.bounds != sorted(set(self.bounds)):
            raise ValueError("« bounds » doit être une liste croissante sans doublon")
        return self


class GeneralisePostalCode(_Strict):
    """A postal code becomes its département code (2A/2B for Corsica, 3 digits overseas)."""

    step: Literal["generalise_postal_code"]
    column: Column


class CommunesLayer(_Strict):
    """A dataset of the instance holding the communes' polygons and their INSEE code."""

    dataset: Annotated[str, Field(min_length=1, max_length=100)]
    code: Column
    geometry: Column | None = None  # default: the layer's first geojson field


class GeneraliseCoordinates(_Strict):
    """Latitude/longitude columns become a grid cell's centre, or the commune's code."""

    step: Literal["generalise_coordinates"]
    latitude: Column
    longitude: Column
    to: Literal["grid", "commune"]
    size: Annotated[float, Field(gt=0, le=100_000)] | None = None  # metres, for the grid
    communes: CommunesLayer | None = None
    into: Column = "commune"  # the new column, for ``to: commune``

    @model_validator(mode="after")
    def _target(self) -> GeneraliseCoordinates:
        if self.to == "grid" and self.size is None:
            raise ValueError("« size » (taille de la maille en mètres) est requis pour la grille")
        if self.to == "commune" and self.communes is None:
            raise ValueError(
                "« communes » (jeu de données des contours communaux : dataset, code) est requis"
            )
        return self


Step = Annotated[
    Drop
    | Pseudonymise
    | GeneraliseDate
    | GeneraliseAge
    | GeneralisePostalCode
    | GeneraliseCoordinates,
    Field(discriminator="step"),
]
STEP_NAMES = (
    "drop",
    "pseudonymise",
    "generalise_date",
    "generalise_age",
    "generalise_postal_code",
    "generalise_coordinates",
)


class Source(_Strict):
    dataset: Annotated[str, Field(min_length=1, max_length=100)]
    version: Annotated[int, Field(ge=1)] | None = None  # default: the latest


class Output(_Strict):
    dataset: Annotated[str, Field(min_length=1, max_length=100)]
    title: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    description: str | None = None
    access: Literal["public", "partners", "internal", "restricted"] = "internal"


class KAnonymity(_Strict):
    quasi_identifiers: Columns
    k: Annotated[int, Field(ge=2, le=1_000_000)]
    # Share of rows the run may suppress to reach k; beyond it nothing is suppressed and k
    # is reported as not met.
    max_suppression: Annotated[float, Field(ge=0, le=1)] = 1.0


class LDiversity(_Strict):
    sensitive: Columns
    l: Annotated[int, Field(ge=2, le=1_000_000)] | None = None  # noqa: E741 - the ℓ of ℓ-diversity


class Aggregate(_Strict):
    group_by: Columns
    count: Column = "effectif"
    sum: list[Column] = Field(default_factory=list)
    threshold: Annotated[int, Field(ge=1, le=1_000_000)] = DEFAULT_THRESHOLD


class Recipe(_Strict):
    source: Source
    output: Output
    steps: list[Step] = Field(default_factory=list)
    k_anonymity: KAnonymity | None = None
    l_diversity: LDiversity | None = None
    aggregate: Aggregate | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Recipe:
        if self.l_diversity is not None and self.k_anonymity is None:
            raise ValueError(
                "« l_diversity » se mesure par classe d'équivalence : déclarez aussi "
                "« k_anonymity » (ses quasi_identifiers)"
            )
        if self.source.dataset == self.output.dataset:
            raise ValueError("le jeu produit doit être un nouveau jeu, distinct de la source")
        return self


def parse_recipe(text: str) -> Recipe:
    """The recipe of a YAML or JSON document, or InputError with French reasons."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (ligne {mark.line + 1}, colonne {mark.column + 1})" if mark else ""
        raise InputError(f"Recette illisible{where} : {getattr(exc, 'problem', exc)}") from None
    if not isinstance(document, dict):
        raise InputError("Recette : un document avec « source », « output » et « steps » attendu")
    try:
        recipe = Recipe.model_validate(document)
    except ValidationError as exc:
        reasons = "; ".join(_french(error) for error in exc.errors())
        raise InputError(f"Recette invalide : {reasons}") from None
    check_slug(recipe.output.dataset)
    return recipe


_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "clé inconnue",
    "string_type": "texte attendu",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "list_type": "liste attendue",
    "model_type": "dictionnaire attendu",
    "model_attributes_type": "dictionnaire attendu",
    "too_short": "ne doit pas être vide",
    "string_too_short": "ne doit pas être vide",
    "string_too_long": "trop long",
}


def _french(error: Any) -> str:
    """One pydantic error as « where : what » in French."""
    loc = [str(p) for p in error["loc"] if not str(p).startswith(STEP_NAMES)]
    where = ".".join(loc) or "recette"
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "union_tag_invalid" or kind == "union_tag_not_found":
        what = f"étape inconnue ou absente (« step: » parmi {', '.join(STEP_NAMES)})"
    elif kind == "literal_error":
        what = f"valeur attendue parmi {ctx.get('expected', '')}"
    elif kind in ("greater_than_equal", "greater_than"):
        sign = "≥" if kind == "greater_than_equal" else ">"
        what = f"doit être {sign} {ctx.get('ge', ctx.get('gt'))}"
    elif kind in ("less_than_equal", "less_than"):
        what = (
            f"doit être {'≤' if kind == 'less_than_equal' else '<'} {ctx.get('le', ctx.get('lt'))}"
        )
    elif kind == "value_error":
        what = str(ctx.get("error", error["msg"]))
    else:
        what = _MESSAGES.get(kind, error["msg"])
    return f"{where} : {what}"
