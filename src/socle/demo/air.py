"""Daily air quality measurements, as the regional monitoring network's API returns them: a
JSON array of objects, each nesting its station (and the station's location) as objects.

Concentrations follow the seasons (NO2 and particles in winter, ozone in summer), the week
(less NO2 on Sundays), a winter particle episode, Saharan dust in spring and a summer heat
wave. Deliberate problems: a negative PM2.5 value and eight days missing at Péronnas. The
traffic station measures no ozone (null, as in the network's data). The second delivery
invalidates the negative value and validates three more months.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from socle.demo._files import between, rng, second_delivery, write_json

SEED = 2024_05
FILENAME = "qualite-air-mesures-journalieres-2024.json"
YEAR = np.arange(np.datetime64("2024-01-01"), np.datetime64("2025-01-01"))
# code, name, typology, influence, INSEE, lat, lon, NO2 factor, O3 factor
STATIONS = (
    ("FR33101", "Bourg-en-Bresse Centre", "urbaine", "fond", "01053", 46.2051, 5.2268, 1.0, 1.0),
    ("FR33102", "Bourg-en-Bresse Brou", "urbaine", "trafic", "01053", 46.1984, 5.2361, 1.7, None),
    ("FR33120", "Péronnas", "périurbaine", "fond", "01289", 46.1742, 5.2141, 0.6, 1.15),
)
COVERED_INSEE = sorted({s[4] for s in STATIONS})
# (first day, last day, pollutant, added µg/m³)
EPISODES = (
    ("2024-02-06", "2024-02-11", "pm10", 38.0),  # winter inversion
    ("2024-03-30", "2024-04-01", "pm10", 30.0),  # Saharan dust
    ("2024-07-29", "2024-08-12", "o3", 45.0),  # heat wave
)
MAINTENANCE = ("FR33120", "2024-06-10", "2024-06-17")
NEGATIVE = ("FR33101", "2024-02-20", -3.2)
VALIDATED_UNTIL = ("2024-06-30", "2024-09-30")


def _episode(pollutant: str) -> np.ndarray:
    boost = np.zeros(YEAR.size)
    for first, last, name, added in EPISODES:
        if name == pollutant:
            boost[between(YEAR, first, last)] += added
    return boost


def generate(directory: Path, variant: int) -> Path:
    second = second_delivery(variant)
    random = rng(SEED)
    doy = np.arange(YEAR.size)
    winter = np.cos(2 * np.pi * (doy - 15) / 366)  # 1 in mid-January, -1 in mid-July
    sunday = (YEAR.astype(int) + 3) % 7 == 6
    # Weather is shared by the stations: an autocorrelated daily factor.
    weather = np.empty(YEAR.size)
    weather[0] = 0.0
    shocks = random.normal(0, 0.25, YEAR.size)
    for day in range(1, YEAR.size):
        weather[day] = 0.7 * weather[day - 1] + shocks[day]
    stagnation = np.exp(weather)
    validated_until = np.datetime64(VALIDATED_UNTIL[variant - 1])
    records = []
    for code, name, typology, influence, insee, lat, lon, no2_factor, o3_factor in STATIONS:
        noise = random.normal(1.0, 0.12, (4, YEAR.size))
        no2 = (20 + 8 * winter) * no2_factor * np.where(sunday, 0.7, 1.0) * stagnation * noise[0]
        pm10 = (16 + 6 * winter) * stagnation * noise[1] + _episode("pm10")
        pm25 = np.maximum(pm10 * 0.62 * noise[2], 1.0)
        o3 = ((52 - 22 * winter) * (o3_factor or 1.0) + _episode("o3")) * noise[3]
        station = {
            "code": code,
            "nom": name,
            "typologie": typology,
            "influence": influence,
            "code_insee": insee,
            "localisation": {"latitude": lat, "longitude": lon},
        }
        for day, date in enumerate(YEAR):
            iso = str(date)
            if code == MAINTENANCE[0] and MAINTENANCE[1] <= iso <= MAINTENANCE[2]:
                continue  # analysers under maintenance: no record at all
            value_pm25: float | None = round(float(pm25[day]), 1)
            if (code, iso) == NEGATIVE[:2]:
                value_pm25 = None if second else NEGATIVE[2]
            records.append(
                {
                    "date": iso,
                    "station": station,
                    "no2": round(float(no2[day]), 1),
                    "pm10": round(float(pm10[day]), 1),
                    "pm25": value_pm25,
                    "o3": round(float(o3[day]), 1) if o3_factor else None,
                    "unite": "µg/m³",
                    "statut": "validé" if date <= validated_until else "provisoire",
                }
            )
    return write_json(directory / FILENAME, records)
