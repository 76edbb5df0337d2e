"""``socle algorithms`` end to end in a fresh home: a fiche from a YAML file, refused publication
while incomplete, revisions, the public export, clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.cli.test_accounts import home, rows, run  # noqa: F401 - fixture

FICHE = """\
department: Direction de l'éducation
contact: education@agglo.fr
decision: Tarif de la cantine facturé à chaque famille
purpose: Calculer un tarif proportionné aux revenus
decision_role: Calculé à l'inscription, appliqué à chaque facture
automation: full
legal_basis: Délibération n° 2024-12
decisions_per_year: 4 200
public_concerned: Familles des enfants inscrits
data_processed: Revenu fiscal de référence, nombre de parts
data_sources: Avis d'imposition fourni par la famille
kind: rules
operations: Quotient = revenu / 12 / parts, puis barème
datasets: [quotients, eleves]
"""


def test_a_fiche_from_draft_to_public_export(home: Path) -> None:  # noqa: F811
    run("orgs", "add", "agglo", "--name", "Agglomération du Val")
    for slug, access in (("quotients", "public"), ("eleves", "restricted")):
        source = home / f"{slug}.csv"
        source.write_text("a;b\n1;2\n", encoding="utf-8")
        run("ingest", str(source), "--dataset", slug, "--org", "agglo", "--access", access)
    (home / "fiche.yaml").write_text(FICHE, encoding="utf-8")

    run("algorithms", "add", "creches", "--org", "agglo", "--name", "Places en crèche")
    refused = run("algorithms", "publish", "creches", code=2)
    assert "ne peut pas être publiée" in refused and "Fondements juridiques" in refused

    added = run(
        "algorithms", "add", "tarif-cantine", "--org", "agglo", "--name", "Tarif de la cantine",
        "--file", str(home / "fiche.yaml"),
        "--parameter", "Quotient familial = 100 % = revenu mensuel par part",
    )  # fmt: skip
    assert "créée en brouillon (révision 1)" in added
    assert "publiée (révision 2)" in run("algorithms", "publish", "tarif-cantine")
    updated = run("algorithms", "update", "tarif-cantine", "--set", "decision_scope=external")
    assert "révision 3" in updated
    assert "Rien à modifier" in run(
        "algorithms", "update", "tarif-cantine", "--set", "decision_scope=external", code=2
    )

    listing = run("algorithms", "list")
    assert "tarif-cantine" in listing and "Publiée" in listing and "Brouillon" in listing
    assert "creches" not in run("algorithms", "list", "--status", "published")
    shown = run("algorithms", "show", "tarif-cantine")
    assert "Décision entièrement automatisée" in shown and "Quotient familial : 100 %" in shown
    assert "eleves" in shown  # the administrator sees every cited dataset
    assert "modification" in shown and "Portée de la décision" in shown

    run("algorithms", "export", "--output", str(home / "registre.csv"))
    exported = (home / "registre.csv").read_text(encoding="utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(exported), delimiter=";")
    assert row["Identifiant"] == "tarif-cantine" and row["Révision"] == "3"
    assert row["Jeux de données traités"] == "quotients (/jeux-de-donnees/quotients)"
    assert "eleves" not in exported and "creches" not in exported  # what the public sees
    target = home / "registre.json"
    run(
        "algorithms",
        "export",
        "--format",
        "json",
        "--output",
        str(target),
        "--base-url",
        "https://d.fr/",
    )
    body = json.loads(target.read_text(encoding="utf-8"))
    assert body["results"][0]["page"] == "https://d.fr/algorithmes/tarif-cantine"

    # Every change is in the audit log.
    logged = rows("SELECT action, result FROM audit_entries WHERE action = 'write/algorithm'")
    assert logged == [("write/algorithm", "allowed")] * 4  # two creations, publication, edit


def test_bad_input_is_a_clear_error(home: Path) -> None:  # noqa: F811
    run("orgs", "add", "agglo", "--name", "Agglomération du Val")
    assert "inconnue" not in run("algorithms", "add", "a", "--org", "agglo", "--name", "A")
    errors = {
        ("algorithms", "add", "b", "--org", "nulle-part", "--name", "B"): "introuvable",
        ("algorithms", "add", "c", "--org", "agglo"): "nom de l'algorithme est obligatoire",
        ("algorithms", "update", "a", "--set", "automation=parfois"): "valeurs possibles",
        ("algorithms", "update", "a", "--set", "automation"): "CHAMP=VALEUR",
        ("algorithms", "update", "a", "--set", "couleur=bleu"): "Champ(s) inconnu(s)",
        ("algorithms", "update", "a", "--file", "absent.yaml"): "illisible",
        ("algorithms", "update", "a", "--dataset", "inexistant"): "introuvable",
        ("algorithms", "show", "zzz"): "introuvable",
        ("algorithms", "export", "--output", "x.txt", "--format", "xml"): "csv ou json",
    }
    for args, message in errors.items():
        assert message in run(*args, code=2), args


def test_a_fiche_cites_processing_activities_of_its_register(home: Path) -> None:  # noqa: F811
    """algoregister: ``--processing`` (and ``processings`` in the file) link the RGPD register."""
    run("orgs", "add", "agglo", "--name", "Agglomération du Val")
    run("orgs", "add", "voisine", "--name", "Commune voisine")
    run("register", "add", "inscriptions", "--org", "agglo", "--name", "Inscriptions scolaires")
    run("register", "add", "facturation", "--org", "agglo", "--name", "Facturation cantine")
    run("register", "add", "etat-civil", "--org", "voisine", "--name", "État civil")
    (home / "fiche.yaml").write_text(
        FICHE.replace("datasets: [quotients, eleves]\n", "processings: [inscriptions]\n"),
        encoding="utf-8",
    )
    run(
        "algorithms", "add", "tarif-cantine", "--org", "agglo", "--name", "Tarif de la cantine",
        "--file", str(home / "fiche.yaml"), "--processing", "facturation",
    )  # fmt: skip
    shown = run("algorithms", "show", "tarif-cantine")
    assert "Traitements du registre RGPD : facturation, inscriptions" in shown
    assert "tarif-cantine (Brouillon)" in run("register", "show", "inscriptions")

    refused = run("algorithms", "update", "tarif-cantine", "--processing", "etat-civil", code=2)
    assert "autre organisation" in refused
    assert "introuvable" in run(
        "algorithms", "update", "tarif-cantine", "--processing", "x", code=2
    )
    assert "révision 2" in run(
        "algorithms", "update", "tarif-cantine", "--processing", "facturation"
    )
    assert "facturation" in run("algorithms", "show", "tarif-cantine")
    assert "inscriptions" not in run("algorithms", "show", "tarif-cantine")
    assert "révision 3" in run("algorithms", "update", "tarif-cantine", "--no-processings")
    assert "Traitements du registre RGPD : —" in run("algorithms", "show", "tarif-cantine")
    bad = home / "mauvaise.yaml"
    bad.write_text("processings: inscriptions\n", encoding="utf-8")
    assert "liste d'identifiants" in run(
        "algorithms", "update", "tarif-cantine", "--file", str(bad), code=2
    )
