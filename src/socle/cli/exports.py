"""``socle exports``: write the whole downloads of each dataset ahead of demand."""

from __future__ import annotations

from typing import Annotated

import typer

from socle.cli._common import console, errors, fails_cleanly, instance, split_list
from socle.core.features import prepare_extents
from socle.core.records import prepare_exports
from socle.engine.exports import FORMATS
from socle.errors import InputError, SocleError
from socle.governance.policy import ADMIN

app = typer.Typer(help="Préparer les téléchargements complets.", no_args_is_help=True)


@app.command()
@fails_cleanly
def prepare(
    slugs: Annotated[
        list[str] | None, typer.Argument(help="Jeux de données (tous par défaut).")
    ] = None,
    formats: Annotated[
        str, typer.Option("--formats", help="Formats, séparés par des virgules.")
    ] = "csv,json,parquet,geojson",
) -> None:
    """Écrire d'avance l'export complet de la dernière version de chaque jeu.

    Les téléchargements sont alors servis sans attente, et le flux DCAT-AP publie leur
    taille et leur empreinte SHA-256 ; l'emprise des jeux géographiques est calculée aussi
    (flux DCAT-AP, API OGC).
    """
    chosen = split_list(formats) or []
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise InputError(
            f"Format(s) inconnu(s) : {', '.join(unknown) or '—'} ; formats : {', '.join(FORMATS)}"
        )
    written = 0
    with instance() as inst:
        for slug, fmt, result in prepare_exports(inst, ADMIN, slugs or None, chosen):
            if isinstance(result, SocleError):
                errors.print(f"{slug} ({fmt}) : {result.message}", highlight=False)
                continue
            written += 1
            size = f"{result.size:,}".replace(",", "\u202f")
            console.print(f"{slug} ({fmt}) : {size} octets", highlight=False)
        boxes = sum(1 for _ in prepare_extents(inst, ADMIN, slugs or None))
    console.print(f"{written} export(s) prêt(s), {boxes} emprise(s) géographique(s) calculée(s)")
