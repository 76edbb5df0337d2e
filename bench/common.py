"""Shared by the benchmarks: the generated French CSV, timing, and where things live."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
PEERS_BIN = BENCH / ".venv-peers" / "bin"

COMMUNES = [
    ("01053", "Bourg-en-Bresse"),
    ("01289", "Péronnas"),
    ("01451", "Viriat"),
    ("01344", "Saint-Denis-lès-Bourg"),
    ("01024", "Attignat"),
    ("01072", "Ceyzériat"),
    ("01195", "Jasseron"),
    ("01422", "Tossiat"),
]


def french_csv(rows: int, name: str | None = None) -> Path:
    """A `;`-separated UTF-8 CSV of hourly counts: accents, INSEE codes, ISO datetimes.

    About 85 bytes a row, so 1 M rows make ~85 MB. Generated once, kept in bench/data/.
    """
    DATA.mkdir(exist_ok=True)
    path = DATA / (name or f"comptages-{rows}.csv")
    if path.exists():
        return path
    codes = ", ".join(f"('{c}', '{n}')" for c, n in COMMUNES)
    duckdb.sql(
        f"""
        COPY (
          WITH communes(code, nom) AS (VALUES {codes}),
          numbered AS (SELECT row_number() OVER () - 1 AS i, code, nom FROM communes)
          SELECT
            'CPT-' || lpad(CAST(s.i % 997 AS VARCHAR), 4, '0') AS identifiant_compteur,
            n.code AS code_insee,
            n.nom AS commune,
            strftime(TIMESTAMP '2024-01-01' + to_hours(CAST(s.i // 97 AS BIGINT)),
                     '%Y-%m-%dT%H:%M:%S') AS date_heure,
            CASE WHEN s.i % 3 = 0 THEN 'vélo' ELSE 'voiture' END AS mode,
            CAST((s.i * 7919) % 613 AS BIGINT) AS comptage,
            round(((s.i * 31) % 400) / 10.0 - 5, 1) AS temperature,
            'Capteur n°' || CAST(s.i % 997 AS VARCHAR) || ' — entrée nord' AS libelle
          FROM range({rows}) s(i)
          JOIN numbered n ON n.i = s.i % {len(COMMUNES)}
          ORDER BY s.i
        ) TO '{path}' (HEADER, DELIMITER ';')
        """
    )
    return path


def median_seconds(run: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    """Median wall time of ``repeat`` runs, and every run's time."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def sqlite_utils_insert(source: Path, db: Path, *extra: str) -> None:
    """Load the CSV into SQLite with the peer's own command line."""
    command = [str(PEERS_BIN / "sqlite-utils"), "insert", str(db), "comptages", str(source)]
    subprocess.run([*command, "--csv", "--delimiter", ";", *extra], check=True)


def geo_points(rows: int) -> Path:
    """A GeoJSON FeatureCollection of ``rows`` points spread over the Bourg-en-Bresse area
    (about 60 × 70 km), with a commune and a number each; generated once, kept in bench/data/."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"points-{rows}.geojson"
    if path.exists():
        return path
    codes = ", ".join(f"('{c}', '{n}')" for c, n in COMMUNES)
    features = duckdb.execute(
        f"""
        WITH communes(code, nom) AS (VALUES {codes}),
        numbered AS (SELECT row_number() OVER () - 1 AS i, nom FROM communes)
        SELECT string_agg(
          '{{"type":"Feature","geometry":{{"type":"Point","coordinates":['
          || round(4.9 + ((s.i * 7919) % 100003) / 100003.0 * 0.8, 6) || ','
          || round(45.9 + ((s.i * 104729) % 99991) / 99991.0 * 0.6, 6)
          || ']}},"properties":{{"n":' || s.i || ',"commune":"' || n.nom || '"}}}}',
          ',' ORDER BY s.i)
        FROM range({rows}) s(i) JOIN numbered n ON n.i = s.i % {len(COMMUNES)}
        """
    ).fetchone()
    assert features is not None
    path.write_text(
        '{"type":"FeatureCollection","features":[' + features[0] + "]}", encoding="utf-8"
    )
    return path
