"""Daily air quality measurements from the regional monitoring network's JSON API.

Each record nests its station as an object. Deliberate problems: a negative PM2.5 value and
missing days at one station; the second delivery invalidates the negative value (null).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from socle.demo._files import rng, write_json

STATIONS = (
    ("FR33101", "Bourg-en-Bresse Centre", "urbaine", "01053"),
    ("FR33102", "Bourg-en-Bresse Brou", "trafic", "01053"),
    ("FR33120", "Péronnas Périurbain", "périurbaine", "01289"),
)


def generate(directory: Path, variant: int) -> Path:
    random = rng(2024_05, variant)
    days = np.arange(366)
    winter = np.cos(days / 366 * 2 * np.pi)
    records = []
    for code, name, kind, insee in STATIONS:
        traffic = 1.5 if kind == "trafic" else 1.0
        no2 = np.clip(random.normal(22 * traffic + 8 * winter, 6), 2, None)
        pm10 = np.clip(random.normal(18 + 7 * winter, 5), 1, None)
        pm25 = random.normal(10 + 5 * winter, 3)
        o3 = np.clip(random.normal(55 - 25 * winter, 10), 5, None)
        for day in days:
            if code == "FR33120" and 150 <= day < 158:
                continue  # analyser under maintenance
            value_pm25: float | None = round(float(pm25[day]), 1)
            if code == "FR33101" and day == 40:
                value_pm25 = -3.2 if variant == 1 else None
            records.append(
                {
                    "date": (dt.date(2024, 1, 1) + dt.timedelta(days=int(day))).isoformat(),
                    "station": {"code": code, "nom": name, "typologie": kind, "code_insee": insee},
                    "no2_ugm3": round(float(no2[day]), 1),
                    "pm10_ugm3": round(float(pm10[day]), 1),
                    "pm25_ugm3": value_pm25,
                    "o3_ugm3": round(float(o3[day]), 1),
                    "unite": "µg/m³",
                }
            )
    return write_json(directory / "qualite-air-mesures-journalieres-2024.json", records)
