"""Hourly bike and car counts, as the counting supplier exports them: CSV ``;``, Windows-1252,
dates ``dd/mm/yyyy hh:mm``, coordinates with a decimal comma, one block of rows per counter.

Counts follow rush hours, weekends, public and school holidays, seasons (bikes up in summer,
cars down in August) and the weather of the day, shared by every counter. The whole year is
drawn for both deliveries: the first stops at the end of November, the second appends
December and corrects the misspelled commune. Rows are built column-wise with Arrow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from socle.demo._files import between, fr_decimal, rng, second_delivery
from socle.demo.territory import BY_INSEE

SEED = 2024_01
FILENAME = "comptages-velos-voitures-2024.csv"
YEAR_START = np.datetime64("2024-01-01T00", "h")
HOURS = 366 * 24
FIRST_DELIVERY_DAYS = 335  # 1 January - 30 November


@dataclass(frozen=True)
class Counter:
    ident: str
    site: str
    insee: str
    mode: str  # "vélo" | "voiture"
    daily: float  # mean passages on an ordinary weekday of spring
    commute: float  # share of weekday traffic that follows the rush hours
    weekend: float  # weekend traffic relative to a weekday
    lat: float
    lon: float


COUNTERS = (
    Counter("CPT-01", "Boulevard de Brou", "01053", "vélo", 900, 0.8, 0.55, 46.19871, 5.23752),
    Counter("CPT-02", "Boulevard de Brou", "01053", "voiture", 17000, 0.6, 0.7, 46.19866, 5.23761),
    Counter("CPT-03", "Avenue Alsace-Lorraine", "01053", "vélo", 1100, 0.8, 0.6, 46.2063, 5.2268),
    Counter(
        "CPT-04", "Avenue Alsace-Lorraine", "01053", "voiture", 12500, 0.6, 0.7, 46.2062, 5.2269
    ),
    Counter("CPT-05", "Rue Édouard Herriot", "01053", "vélo", 650, 0.75, 0.6, 46.20412, 5.23105),
    Counter("CPT-06", "Rue Édouard Herriot", "01053", "voiture", 8000, 0.55, 0.75, 46.2041, 5.2311),
    Counter("CPT-07", "Avenue Amédée Mercier", "01053", "vélo", 520, 0.8, 0.5, 46.19774, 5.22641),
    Counter("CPT-08", "Avenue de Jasseron", "01053", "vélo", 430, 0.75, 0.6, 46.21012, 5.25514),
    Counter("CPT-09", "Avenue de Jasseron", "01053", "voiture", 9500, 0.6, 0.7, 46.21018, 5.25522),
    Counter("CPT-10", "Boulevard Voltaire", "01053", "voiture", 14000, 0.6, 0.65, 46.2026, 5.2203),
    Counter("CPT-11", "Place Carriat", "01053", "vélo", 760, 0.6, 0.8, 46.20611, 5.22915),
    Counter("CPT-12", "Route de Lyon", "01289", "vélo", 310, 0.8, 0.5, 46.18021, 5.21904),
    Counter("CPT-13", "Route de Lyon", "01289", "voiture", 11000, 0.6, 0.7, 46.18015, 5.21911),
    Counter("CPT-14", "Avenue de Bourg", "01344", "vélo", 260, 0.75, 0.6, 46.20873, 5.19502),
    Counter("CPT-15", "Avenue de Bourg", "01344", "voiture", 7000, 0.6, 0.7, 46.2088, 5.1951),
    Counter("CPT-16", "Route de Strasbourg", "01451", "voiture", 9000, 0.6, 0.7, 46.2443, 5.2315),
    Counter(
        "CPT-17", "Voie verte de la Reyssouze", "01451", "vélo", 280, 0.3, 1.9, 46.2302, 5.2244
    ),
    Counter("CPT-18", "Voie verte du Revermont", "01072", "vélo", 190, 0.25, 2.2, 46.1880, 5.3080),
    Counter("CPT-19", "Rocade Est", "01369", "voiture", 26000, 0.5, 0.6, 46.1951, 5.2702),
    Counter("CPT-20", "Rue de la Gare", "01024", "vélo", 140, 0.7, 0.7, 46.28503, 5.18311),
)
COVERED_INSEE = sorted({c.insee for c in COUNTERS})

PUBLIC_HOLIDAYS = (
    "2024-01-01",
    "2024-04-01",
    "2024-05-01",
    "2024-05-08",
    "2024-05-09",
    "2024-05-20",
    "2024-07-14",
    "2024-08-15",
    "2024-11-01",
    "2024-11-11",
    "2024-12-25",
)
# School holidays of zone A (académie de Lyon), first and last day off.
SCHOOL_HOLIDAYS = (
    ("2024-01-01", "2024-01-07"),
    ("2024-02-17", "2024-03-03"),
    ("2024-04-13", "2024-04-28"),
    ("2024-07-06", "2024-09-01"),
    ("2024-10-19", "2024-11-03"),
    ("2024-12-21", "2024-12-31"),
)
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
# The deliberate problems: (counter index, first day, last day).
OFFLINE = (6, "2024-03-12", "2024-03-14")  # CPT-07 down: its rows are missing
STUCK_AT_ZERO = (14, "2024-06-09", "2024-06-13")  # CPT-15 reports 0 (sensor fault)
MISSPELLED = (2, "2024-09-02", "2024-09-08")  # CPT-03's commune reads "Bourg en Bresse"
ERROR_CODE = (3, "2024-03-24T08")  # CPT-04 reports -1 (the supplier's error code)
DUPLICATED_ROW = 50_000


def _day_profiles() -> tuple[np.ndarray, np.ndarray]:
    """Share of a day's traffic in each hour: commuting (two rush hours) and leisure."""
    hour = np.arange(24) + 0.5
    commute = (
        np.exp(-((hour - 8.0) ** 2) / 1.2)
        + 0.9 * np.exp(-((hour - 17.5) ** 2) / 2.0)
        + 0.35 * np.exp(-((hour - 12.5) ** 2) / 2.5)
        + 0.02
    )
    leisure = np.exp(-((hour - 15.0) ** 2) / 12.0) + 0.3 * np.exp(-((hour - 10.5) ** 2) / 4) + 0.02
    return commute / commute.sum(), leisure / leisure.sum()


def _hours(first: str, last: str) -> slice:
    """Hour positions in the year from the first to the last day, both included."""
    start = (np.datetime64(first, "h") - YEAR_START).astype(int)
    return slice(start, (np.datetime64(last, "h") - YEAR_START).astype(int) + 24)


def _days_in(ranges: tuple[tuple[str, str], ...], days: np.ndarray) -> np.ndarray:
    inside = np.zeros(days.shape, dtype=bool)
    for first, last in ranges:
        inside |= between(days, first, last)
    return inside


def hourly_counts() -> np.ndarray:
    """Counts of the whole year, shape (counter, hour), deliberate problems included."""
    random = rng(SEED)
    days = np.arange(np.datetime64("2024-01-01"), np.datetime64("2025-01-01"))
    doy = np.arange(days.size)
    weekday = (days.astype(int) + 3) % 7  # 0 = Monday; 1970-01-01 was a Thursday
    off = (weekday >= 5) | np.isin(days, np.array(PUBLIC_HOLIDAYS, dtype="datetime64[D]"))
    school = _days_in(SCHOOL_HOLIDAYS, days) & ~off
    august = between(days, "2024-08-01", "2024-08-31")
    rainy = random.random(days.size) < 0.33 + 0.12 * np.cos(2 * np.pi * (doy - 15) / 366)

    bike = np.array([c.mode == "vélo" for c in COUNTERS])[:, None]
    greenway = np.array([c.weekend > 1 for c in COUNTERS])[:, None]
    daily = np.array([c.daily for c in COUNTERS])[:, None]
    commute_share = np.array([c.commute for c in COUNTERS])[:, None]
    weekend = np.array([c.weekend for c in COUNTERS])[:, None]

    season_amplitude = np.where(bike, np.where(greenway, 0.6, 0.35), 0.05)
    season = 1 + season_amplitude * np.sin(2 * np.pi * (doy - 105) / 366)
    factor = (
        daily
        * season
        * np.where(off, weekend, 1.0)
        * np.where(school, np.where(bike, 0.8, 0.9), 1.0)
        * np.where(august, np.where(greenway, 1.1, np.where(bike, 0.7, 0.82)), 1.0)
        * np.where(rainy, np.where(bike, np.where(greenway, 0.35, 0.55), 1.03), 1.0)
        * random.lognormal(0.0, 0.08, (len(COUNTERS), days.size))
    )
    commute, leisure = _day_profiles()
    weekday_shape = commute_share * commute + (1 - commute_share) * leisure
    hour_of_day = np.tile(np.arange(24), days.size)
    day_of_hour = np.repeat(doy, 24)
    shape = np.where(off[day_of_hour], leisure[hour_of_day], weekday_shape[:, hour_of_day])
    counts = random.poisson(factor[:, day_of_hour] * shape)

    counter, first, last = STUCK_AT_ZERO
    counts[counter, _hours(first, last)] = 0
    counter, hour = ERROR_CODE
    counts[counter, (np.datetime64(hour, "h") - YEAR_START).astype(int)] = -1
    return counts


def generate(directory: Path, variant: int) -> Path:
    second = second_delivery(variant)
    counts = hourly_counts()
    hours = FIRST_DELIVERY_DAYS * 24 if not second else HOURS
    keep = np.zeros(counts.shape, dtype=bool)
    keep[:, :hours] = True
    counter, first, last = OFFLINE
    keep[counter, _hours(first, last)] = False
    counter_index, hour_index = np.nonzero(keep)  # counter by counter, then by hour
    order = np.insert(np.arange(counter_index.size), DUPLICATED_ROW, DUPLICATED_ROW)
    counter_index, hour_index = counter_index[order], hour_index[order]

    # Each counter has two row heads: its commune spelled right, and misspelled.
    heads = []
    for c in COUNTERS:
        commune = BY_INSEE[c.insee].name
        for spelling in (commune, commune.replace("-", " ")):
            heads.append(f"{c.ident};{c.site} ({c.mode});{c.insee};{spelling};{c.mode}")
    counter, first, last = MISSPELLED
    week = _hours(first, last)
    misspelled = (counter_index == counter) & (hour_index >= week.start) & (hour_index < week.stop)
    head_index = counter_index * 2 + (misspelled & (not second))
    tails = [f"{fr_decimal(c.lat, 5)};{fr_decimal(c.lon, 5)}" for c in COUNTERS]
    stamps = [
        (YEAR_START + np.timedelta64(h, "h")).astype(dt.datetime).strftime("%d/%m/%Y %H:%M")
        for h in range(HOURS)
    ]
    lines = pc.binary_join_element_wise(
        pc.take(pa.array(heads), pa.array(head_index)),
        pc.take(pa.array(stamps), pa.array(hour_index)),
        pa.array(counts[counter_index, hour_index]).cast(pa.string()),
        pc.take(pa.array(tails), pa.array(counter_index)),
        ";",
    )
    text = "\r\n".join([";".join(HEADER), *lines.to_pylist(), ""])
    path = directory / FILENAME
    path.write_bytes(text.encode("cp1252"))
    return path
