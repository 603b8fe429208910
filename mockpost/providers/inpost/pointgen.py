"""Builds data/points.json, the mock's parcel lockers and PaczkoPunkts (run once; not imported).

    python -m mockpost.providers.inpost.pointgen

Deterministic: the same file every run. Cities are real (name, province, post-code prefix,
coordinates of the centre); streets and numbers come from a seeded Faker; names follow InPost's
pattern (city agency code + number + optional letter). KRA010 and POP-WAW364 from the documentation
are included, KRA010 with the location, address and functions the documentation's sample shows.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from faker import Faker

CITIES = [
    # name, province, agency, post-code prefix, latitude, longitude, lockers
    ("Warszawa", "mazowieckie", "WAW", "0", 52.2297, 21.0122, 60),
    ("Kraków", "małopolskie", "KRA", "3", 50.0647, 19.9450, 40),
    ("Łódź", "łódzkie", "LOD", "9", 51.7592, 19.4560, 25),
    ("Wrocław", "dolnośląskie", "WRO", "5", 51.1079, 17.0385, 25),
    ("Poznań", "wielkopolskie", "POZ", "6", 52.4064, 16.9252, 25),
    ("Gdańsk", "pomorskie", "GDA", "8", 54.3520, 18.6466, 20),
    ("Szczecin", "zachodniopomorskie", "SZC", "7", 53.4285, 14.5528, 15),
    ("Bydgoszcz", "kujawsko-pomorskie", "BYD", "8", 53.1235, 18.0084, 12),
    ("Lublin", "lubelskie", "LUB", "2", 51.2465, 22.5684, 12),
    ("Katowice", "śląskie", "KAT", "4", 50.2649, 19.0238, 15),
    ("Białystok", "podlaskie", "BIA", "1", 53.1325, 23.1688, 10),
    ("Gdynia", "pomorskie", "GDY", "8", 54.5189, 18.5305, 10),
    ("Rzeszów", "podkarpackie", "RZE", "3", 50.0412, 21.9991, 8),
    ("Kielce", "świętokrzyskie", "KIE", "2", 50.8661, 20.6286, 8),
    ("Olsztyn", "warmińsko-mazurskie", "OLS", "1", 53.7784, 20.4801, 8),
    ("Opole", "opolskie", "OPO", "4", 50.6751, 17.9213, 6),
    ("Zielona Góra", "lubuskie", "ZGO", "6", 51.9356, 15.5062, 6),
    ("Toruń", "kujawsko-pomorskie", "TOR", "8", 53.0138, 18.5984, 8),
]
LOCKER_FUNCTIONS = [
    "parcel",
    "parcel_send",
    "parcel_collect",
    "parcel_reverse_return_send",
    "allegro_parcel_collect",
    "allegro_parcel_send",
    "standard_courier_send",
]
POP_FUNCTIONS = [
    "parcel",
    "parcel_send",
    "parcel_collect",
    "standard_letter_collect",
    "standard_letter_send",
    "allegro_parcel_collect",
]
PLACES = [
    "przy sklepie Żabka",
    "przy stacji paliw",
    "obok wejścia do marketu",
    "przy parkingu",
    "przy przystanku",
    "na osiedlu, obok placu zabaw",
    "przy galerii handlowej",
]
# The documentation's sample point, as it shows it (applied after the random draws, so every
# other point stays as it was).
DOCUMENTED: dict[str, dict[str, object]] = {
    "KRA010": {
        "status": "Operating",
        "location": {"latitude": 50.03988, "longitude": 19.92485},
        "opening_hours": "24/7",
        "address": {"line1": "Kapelanka 14", "line2": "30-347 Kraków"},
        "address_details": {
            "city": "Kraków",
            "province": "małopolskie",
            "post_code": "30-347",
            "street": "Kapelanka",
            "building_number": "14",
            "flat_number": None,
        },
        "functions": ["parcel", "parcel_send", "parcel_collect"],
        "partner_id": 0,
        "is_next": False,
        "payment_available": True,
        "location_247": True,
    }
}


def build() -> list[dict[str, object]]:
    rng = random.Random(2026)
    faker = Faker("pl_PL")
    faker.seed_instance(2026)
    points: list[dict[str, object]] = []
    used: set[str] = set()
    for city, province, agency, prefix, lat, lng, count in CITIES:
        for index in range(count):
            pop = index % 9 == 8
            if agency == "KRA" and index == 0:
                name = "KRA010"
            elif agency == "WAW" and index == 8:
                name = "POP-WAW364"
            elif pop:
                name = f"POP-{agency}{rng.randint(1, 999):02d}"
            else:
                name = f"{agency}{rng.randint(1, 399):02d}{rng.choice(['', '', 'M', 'A', 'N'])}"
            if name in used:
                continue
            used.add(name)
            street = faker.street_name()
            number = str(rng.randint(1, 180)) + rng.choice(["", "", "", "A", "B"])
            post_code = f"{prefix}{rng.randint(0, 9)}-{rng.randint(1, 999):03d}"
            latitude = round(lat + rng.uniform(-0.06, 0.06), 5)
            longitude = round(lng + rng.uniform(-0.09, 0.09), 5)
            hours_247 = not pop and rng.random() < 0.85
            status = "Operating" if rng.random() < 0.96 else "NonOperating"
            place = rng.choice(PLACES)
            points.append(
                {
                    "name": name,
                    "type": ["pop"] if pop else ["parcel_locker"],
                    "status": status,
                    "location": {"latitude": latitude, "longitude": longitude},
                    "location_type": "Indoor" if pop else rng.choice(["Outdoor", "Outdoor", "Indoor"]),
                    "location_description": place,
                    "location_description_1": None,
                    "location_description_2": None,
                    "opening_hours": "24/7" if hours_247 else "pn-pt 8-20, sb 9-15",
                    "address": {"line1": f"{street} {number}", "line2": f"{post_code} {city}"},
                    "address_details": {
                        "city": city,
                        "province": province,
                        "post_code": post_code,
                        "street": street,
                        "building_number": number,
                        "flat_number": None,
                    },
                    "phone_number": None,
                    "payment_point_descr": "Płatność kartą lub BLIK" if not pop else "Płatność gotówką",
                    "functions": POP_FUNCTIONS if pop else LOCKER_FUNCTIONS,
                    "partner_id": rng.choice([0, 0, 0, 34, 41]) if pop else 0,
                    "is_next": (not pop) and rng.random() < 0.3,
                    "payment_available": True,
                    "payment_type": {"0": "Payments are not supported", "2": "Payment by card"},
                    "virtual": "0",
                    "recommended_low_interest_box_machines_list": [],
                    "location_date": None,
                    "location_247": hours_247,
                    "operating_hours_extended": None,
                    "agency": agency,
                    **DOCUMENTED.get(name, {}),
                }
            )
    points.sort(key=lambda p: str(p["name"]))
    return points


if __name__ == "__main__":
    target = Path(__file__).with_name("data") / "points.json"
    target.write_text(json.dumps(build(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {target}")
