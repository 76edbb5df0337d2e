"""Hourly bike and car counters: a year of counts, as the counting supplier exports them
(CSV ``;``, Windows-1252, French dates ``dd/mm/yyyy hh:mm``, coordinates with a decimal comma).

Counts follow daily rush hours, weekends, seasons and public holidays. Deliberate problems:
counter CPT-07 lost three days of March, one reading is the error code -1, one row is
duplicated, and one commune is misspelled in some rows (fixed in the second delivery).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from socle.demo._files import fr_decimal, rng, write_csv
from socle.demo.territory import COMMUNES

STREETS = (
    "Boulevard de Brou",
    "Avenue Alsace-Lorraine",
    "Rue Édouard Herriot",
    "Avenue de Jasseron",
    "Boulevard Édouard Herriot",
    "Rue Charles Robin",
    "Avenue du Maréchal Juin",
    "Route de Péronnas",
    "Rue de la République",
    "Avenue de Lyon",
)
HOLIDAYS_2024 = {
    dt.date(2024, 1, 1),
    dt.date(2024, 4, 1),
    dt.date(2024, 5, 1),
    dt.date(2024, 5, 8),
    dt.date(2024, 5, 9),
    dt.date(2024, 5, 20),
    dt.date(2024, 7, 14),
    dt.date(2024, 8, 15),
    dt.date(2024, 11, 1),
    dt.date(2024, 11, 11),
    dt.date(2024, 12, 25),
}
COUNTERS = 20
HEADER = (
    "identifiant_compteur",
    "nom_compteur",
    "code_insee",
    "commune",
    "mode",
    "date_heure",
    "comptage",
    "latitude",
    "longitude",
)


def _profile(hours: np.ndarray, weekday: np.ndarray, bike: bool) -> np.ndarray:
    """Expected traffic by hour of day: two rush hours on weekdays, a flat bump at weekends."""
    morning = np.exp(-((hours - 8) ** 2) / 2.0)
    evening = np.exp(-((hours - 17.5) ** 2) / 3.0)
    midday = 0.5 * np.exp(-((hours - 13) ** 2) / 8.0)
    night = 0.05
    weekday_shape = morning + evening + midday + night
    weekend_shape = 0.9 * np.exp(-((hours - 15) ** 2) / 12.0) + night
    shape = np.where(weekday < 5, weekday_shape, weekend_shape * (1.4 if bike else 0.7))
    return shape


def generate(directory: Path, variant: int) -> Path:
    random = rng(2024_01, variant)
    # The whole year is drawn for both deliveries, so that the first is a prefix of the second.
    hours_count = 366 * 24
    delivered_days = (dt.date(2024, 11, 30) - dt.date(2024, 1, 1)).days + 1 if variant == 1 else 366
    start = np.datetime64("2024-01-01T00:00")
    stamps = start + np.arange(hours_count).astype("timedelta64[h]")
    days = stamps.astype("datetime64[D]")
    hour = (stamps - days).astype(int)
    weekday = (days.astype(int) - 4) % 7  # 1970-01-01 was a Thursday
    day_of_year = (days - np.datetime64("2024-01-01")).astype(int)
    holiday = np.isin(days, np.array(sorted(HOLIDAYS_2024), dtype="datetime64[D]"))
    rows = []
    for index in range(COUNTERS):
        commune = COMMUNES[index % 6]
        bike = index % 2 == 0
        mode = "vélo" if bike else "voiture"
        base = random.uniform(40, 120) if bike else random.uniform(300, 900)
        season = 1 + (0.45 if bike else 0.08) * np.sin((day_of_year - 80) / 366 * 2 * np.pi)
        expected = base * _profile(hour, weekday, bike) * season * np.where(holiday, 0.5, 1.0)
        counts = random.poisson(np.maximum(expected, 0.1))
        name = f"{STREETS[index % len(STREETS)]} ({mode})"
        lat = commune.lat + random.uniform(-0.01, 0.01)
        lon = commune.lon + random.uniform(-0.012, 0.012)
        keep = day_of_year < delivered_days
        if index == 7:
            keep[(day_of_year >= 70) & (day_of_year < 73)] = False  # sensor down in March
        if index == 3:
            counts[2000] = -1  # the supplier's error code
        commune_name = commune.name
        for position in np.flatnonzero(keep):
            label = commune_name
            if variant == 1 and commune.insee == "01053" and position % 500 == 0:
                label = "Bourg en Bresse"  # typo in the first delivery
            moment = stamps[position].astype(dt.datetime)
            rows.append(
                (
                    f"CPT-{index + 1:02d}",
                    name,
                    commune.insee,
                    label,
                    mode,
                    moment.strftime("%d/%m/%Y %H:%M"),
                    int(counts[position]),
                    fr_decimal(lat, 5),
                    fr_decimal(lon, 5),
                )
            )
    rows.insert(5000, rows[4999])  # a duplicated row
    path = directory / "comptages-velos-voitures-2024.csv"
    return write_csv(path, HEADER, rows, encoding="cp1252", delimiter=";")
