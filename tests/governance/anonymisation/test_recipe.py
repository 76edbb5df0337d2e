"""Recipes are validated before any data is read, with French reasons."""

from __future__ import annotations

import json

import pytest

from socle.errors import InputError
from socle.governance.anonymisation.recipe import DEFAULT_THRESHOLD, parse_recipe

BASE = "source: {dataset: patients}\noutput: {dataset: patients-anon}\n"


def test_a_full_recipe_parses_from_yaml_and_json() -> None:
    text = BASE + (
        "steps:\n"
        "  - {step: drop, columns: [nom]}\n"
        "  - {step: generalise_age, column: age, bounds: [18, 30, 60]}\n"
        "  - {step: generalise_coordinates, latitude: lat, longitude: lon, to: grid, size: 500}\n"
        "k_anonymity: {quasi_identifiers: [age], k: 5}\n"
        "aggregate: {group_by: [age]}\n"
    )
    recipe = parse_recipe(text)
    assert recipe.aggregate is not None and recipe.aggregate.threshold == DEFAULT_THRESHOLD
    assert recipe.k_anonymity is not None and recipe.k_anonymity.max_suppression == 1.0
    assert parse_recipe(json.dumps(recipe.model_dump(mode="json"))) == recipe


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n", "document avec « source »"),
        ("source: [\n", "Recette illisible"),
        ("output: {dataset: x}\n", "source : champ obligatoire manquant"),
        (BASE + "steps: [{step: chiffrer, columns: [a]}]\n", "étape inconnue"),
        (BASE + "steps: [{step: drop}]\n", "steps.0.columns : champ obligatoire manquant"),
        (BASE + "steps: [{step: drop, columns: []}]\n", "ne doit pas être vide"),
        (BASE + "steps: [{step: generalise_date, column: d, to: day}]\n", "valeur attendue parmi"),
        (BASE + "steps: [{step: generalise_age, column: a}]\n", "soit « width »"),
        (BASE + "steps: [{step: generalise_age, column: a, bounds: [30, 18]}]\n", "croissante"),
        (
            BASE + "steps: [{step: generalise_coordinates, latitude: a, longitude: b, to: grid}]\n",
            "« size »",
        ),
        (
            BASE
            + "steps: [{step: generalise_coordinates, latitude: a, longitude: b, to: commune}]\n",
            "« communes »",
        ),
        (BASE + "steps: [{step: pseudonymise, columns: [a], key: secret}]\n", "clé inconnue"),
        (BASE + "k_anonymity: {quasi_identifiers: [a], k: 1}\n", "k_anonymity.k : doit être ≥ 2"),
        (BASE + "l_diversity: {sensitive: [a], l: 2}\n", "déclarez aussi « k_anonymity »"),
        (BASE + "aggregate: {group_by: [a], threshold: 0}\n", "doit être ≥ 1"),
        ("source: {dataset: a}\noutput: {dataset: a}\n", "nouveau jeu"),
        ("source: {dataset: a}\noutput: {dataset: Pas Un Slug}\n", "Identifiant « Pas Un Slug »"),
    ],
)
def test_bad_recipes_say_what_is_wrong_in_french(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        parse_recipe(text)
    assert "Field required" not in raised.value.message
