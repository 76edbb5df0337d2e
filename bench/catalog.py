"""Catalog search and dataset pages with 10,000 datasets, over HTTP.

Socle serves an instance whose catalog holds ``--datasets`` entries (20 organizations,
themes, keywords, licences, one version each; 10 % internal, so the policy filters). The
metadata rows are written in bulk with SQLAlchemy — ingesting 10,000 files would measure
ingest, not search — and every version points to one real ingested version's files.

Measured with one keep-alive client, p50 and p95 of each request kind:
  - API search with facets: ``/api/v1/datasets?q=...`` and ``?theme=...``;
  - the portal's catalog page with a query;
  - the compatible APIs' searches: CKAN ``package_search`` with three facets, Opendatasoft
    ``catalog/datasets`` with a full-text ``where``;
  - the DCAT-AP feed, one page of 100 datasets in Turtle (a harvester walks every page), and
    OGC API Features' list of collections;
  - a dataset page (a different dataset each time).
Peer: the same search as one SQLite FTS5 query plus its facet counts (GROUP BY), on the
same metadata, in process — the floor of an indexed search without any web layer.
Targets: search with facets p95 <= 100 ms; dataset page p95 <= 100 ms (the feed page, which
describes 100 datasets, is printed against the same line for comparison only).

    .venv/bin/python -m bench.catalog [--datasets 10000] [--requests 100]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from bench.records import free_port, wait_until_up
from socle.config import Settings
from socle.core.catalog import get_entry
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import Instance, open_instance
from socle.storage.tables import Dataset, Organization, Version

SUBJECTS = [
    "Comptages vélos",
    "Qualité de l'air",
    "Subventions aux associations",
    "Équipements sportifs",
    "Arrêts de bus",
    "Éclairage public",
    "Consommation énergétique des bâtiments",
    "Collecte des déchets",
    "Budget primitif",
    "Délibérations du conseil",
    "Stationnement",
    "Arbres d'alignement",
]
PLACES = ["Bourg-en-Bresse", "Péronnas", "Viriat", "Attignat", "Ceyzériat", "Jasseron"]
THEMES = ["TRAN", "ENVI", "ECON", "GOVE", "SOCI", "ENER", "REGI", "EDUC"]
KEYWORDS = ["vélo", "mobilité", "air", "budget", "énergie", "déchets", "sport", "arbres"]
LICENCES = ["lov2", "odc-odbl", "cc-by-4.0"]
QUERIES = ["velo", "qualité air", "bourg", "budget 2023", "équipements sportifs viriat"]


def populate(instance: Instance, count: int, work: Path) -> list[str]:
    """``count`` datasets sharing one real version's files; returns the public slugs."""
    source = work / "template.csv"
    source.write_text("code_insee;valeur\n01053;1\n01289;2\n", encoding="utf-8")
    add_version(instance, ADMIN, source, "template", metadata=parse_metadata(access="public"))
    template = get_entry(instance, ADMIN, "template").latest
    assert template is not None
    for n in range(20):
        create_organization(instance, f"org-{n}", f"Organisation {n} du Val")
    rng = random.Random(42)
    now = datetime.now(UTC)
    with instance.db.session() as session:
        orgs = [o.id for o in session.query(Organization).all()]
        copied = {
            c.key: getattr(template, c.key)
            for c in Version.__table__.columns
            if c.key not in ("id", "dataset_id")
        }
        datasets, versions, public = [], [], []
        for n in range(count):
            dataset_id = f"00000000-0000-4000-8000-{n:012d}"
            subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
            access = "internal" if n % 10 == 0 else "public"
            slug = f"jeu-{n}"
            if access == "public":
                public.append(slug)
            datasets.append(
                {
                    "id": dataset_id,
                    "slug": slug,
                    "title": f"{subject} — {place} {2015 + n % 10}",
                    "description": f"{subject} de la commune de {place}, année {2015 + n % 10}.",
                    "organization_id": rng.choice(orgs),
                    "themes": rng.sample(THEMES, 2),
                    "keywords": rng.sample(KEYWORDS, 3),
                    "licence": rng.choice(LICENCES),
                    "access": access,
                    "spatial": [],
                    "primary_key": [],
                    "created_at": now - timedelta(minutes=n),
                    "modified_at": now - timedelta(minutes=n),
                }
            )
            versions.append(
                {**copied, "id": f"10000000-0000-4000-8000-{n:012d}", "dataset_id": dataset_id}
            )
        session.execute(insert(Dataset), datasets)
        session.execute(insert(Version), versions)
    return public


def measure(client: httpx.Client, urls: list[str]) -> tuple[float, float]:
    """p50 and p95 in ms over ``urls`` (after three warm-up requests)."""
    for url in urls[:3]:
        client.get(url).raise_for_status()
    times = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    quantiles = statistics.quantiles(times, n=20)
    return statistics.median(times), quantiles[18]


def fts_peer(instance: Instance, requests: int) -> tuple[float, float]:
    """The floor: SQLite FTS5 over the same metadata, with two facet counts, in process."""
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE VIRTUAL TABLE d USING fts5(title, description, keywords, theme UNINDEXED, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    with instance.db.session() as session:
        rows = session.query(Dataset).filter(Dataset.access == "public").all()
        con.executemany(
            "INSERT INTO d VALUES (?, ?, ?, ?)",
            [(r.title, r.description, " ".join(r.keywords), (r.themes or [""])[0]) for r in rows],
        )
    times = []
    for n in range(requests):
        words = QUERIES[n % len(QUERIES)].split()
        match = " AND ".join(f'"{w}"*' for w in words)
        start = time.perf_counter()
        con.execute(
            "SELECT rowid FROM d WHERE d MATCH ? ORDER BY rank LIMIT 20", (match,)
        ).fetchall()
        con.execute("SELECT count(*) FROM d WHERE d MATCH ?", (match,)).fetchall()
        con.execute(
            "SELECT theme, count(*) FROM d WHERE d MATCH ? GROUP BY theme", (match,)
        ).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        instance = open_instance(Settings(home=home))
        started = time.perf_counter()
        public = populate(instance, args.datasets, Path(tmp))
        print(
            f"catalog: {args.datasets} datasets ({len(public)} public) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        peer = fts_peer(instance, args.requests)
        instance.close()
        port = free_port()
        env = {**os.environ, "SOCLE_HOME": str(home)}
        server = subprocess.Popen(
            [sys.executable, "-m", "socle", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        rng = random.Random(7)
        kinds = {
            "API search q=…": [
                f"{base}/api/v1/datasets?q={QUERIES[n % len(QUERIES)]}"
                for n in range(args.requests)
            ],
            "API search theme=…": [
                f"{base}/api/v1/datasets?theme={THEMES[n % len(THEMES)]}"
                for n in range(args.requests)
            ],
            "portal catalog q=…": [
                f"{base}/jeux-de-donnees?q={QUERIES[n % len(QUERIES)]}"
                for n in range(args.requests)
            ],
            "CKAN package_search q=…": [
                f"{base}/api/3/action/package_search?q={QUERIES[n % len(QUERIES)]}"
                '&facet.field=["organization","tags","res_format"]'
                for n in range(args.requests)
            ],
            "ODS catalog where=…": [
                f"{base}/api/explore/v2.1/catalog/datasets?where='{QUERIES[n % len(QUERIES)]}'"
                for n in range(args.requests)
            ],
            "DCAT feed page (100)": [
                f"{base}/catalog.ttl?page={1 + n % 90}" for n in range(args.requests)
            ],
            "OGC collections": [f"{base}/api/ogc/collections"] * args.requests,
            "portal dataset page": [
                f"{base}/jeux-de-donnees/{rng.choice(public)}" for _ in range(args.requests)
            ],
        }
        try:
            wait_until_up(f"{base}/api/v1/datasets?page_size=1", server)
            with httpx.Client(timeout=60) as client:
                for name, urls in kinds.items():
                    p50, p95 = measure(client, urls)
                    print(
                        f"socle {name:24} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                        f"(target p95 <= 100 ms: {'met' if p95 <= 100 else 'NOT met'})"
                    )
        finally:
            server.terminate()
            server.wait()
        print(f"peer  SQLite FTS5 + facets   p50 {peer[0]:7.1f} ms  p95 {peer[1]:7.1f} ms")


if __name__ == "__main__":
    main()
