"""Where the portal's front-end libraries are: npm installs them, Socle serves them itself.

The ``SOCLE_ASSETS_DIR`` setting may point at a ``node_modules`` folder; otherwise the folder
is looked for from the working directory and from this package upwards (a checkout).
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("socle.portal")
DSFR_DIST = Path("@gouvfr") / "dsfr" / "dist"
SWAGGER_UI_DIST = Path("swagger-ui-dist")
# URL folder under /static -> distribution folder under node_modules.
LIBRARIES = {
    "dsfr": DSFR_DIST,
    "chartjs": Path("chart.js") / "dist",
    "leaflet": Path("leaflet") / "dist",
    "markercluster": Path("leaflet.markercluster") / "dist",
}


def find_node_modules(configured: Path | None) -> Path | None:
    starts = [configured] if configured else [Path.cwd(), Path(__file__).resolve()]
    for start in starts:
        for folder in (start, *start.parents):
            candidate = folder if configured else folder / "node_modules"
            if (candidate / DSFR_DIST / "dsfr.min.css").is_file():
                return candidate
            if configured:
                break
    log.warning(
        "DSFR introuvable (node_modules/@gouvfr/dsfr) : lancez « npm ci --ignore-scripts » ; "
        "le portail s'affichera sans mise en forme"
    )
    return None
