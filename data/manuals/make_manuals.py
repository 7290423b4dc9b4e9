#!/usr/bin/env python
"""Write the course's product manuals and their questions as offline replicas of two hub datasets.

    python data/manuals/make_manuals.py

Chapter 15 loads `m-ric/huggingface_doc` (documents: `text`, `source`) and
`m-ric/huggingface_doc_qa_eval` (questions: `context`, `question`, `answer`, `source_doc`, ...)
through `load_hub_dataset`. Offline, the same calls read the replicas this script writes under
data/hub/: twelve manuals of made-up household products (one markdown document each, about 25
sections) and one question per fact worth asking, whose `source_doc` names the manual and the
section (`manuals/<slug>.md#<Section>`) that answers it. Seeded, so reruns write the same files.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd

HUB = Path(__file__).resolve().parents[1] / "hub"
DOCS = HUB / "m-ric--huggingface_doc"
QA = HUB / "m-ric--huggingface_doc_qa_eval"

PRODUCTS = [
    ("Brewmaster 300", "espresso machine", "brewing chamber"),
    ("Kestrel K2", "robot vacuum", "brush roll"),
    ("Nimbus AP-40", "air purifier", "fan unit"),
    ("Tundra T5", "smart thermostat", "sensor board"),
    ("Volta E-City", "electric bike", "drive motor"),
    ("Lumen L8", "home projector", "lamp module"),
    ("Aria Buds", "pair of wireless earbuds", "charging case"),
    ("Cascade DW-60", "dishwasher", "spray arm"),
    ("Ember IH-4", "induction hob", "cooking zone"),
    ("Orbit O3", "action camera", "image sensor"),
    ("Sprout S1", "indoor herb garden", "grow light"),
    ("Pulse PW-2", "fitness watch", "heart-rate sensor"),
]
COLOURS = ["slate grey", "forest green", "ivory", "copper", "midnight blue", "coral red"]
APPS = ["HomeLink", "Brightside", "Nestor", "CasaHub", "Loop", "Kinetic"]
CITIES = ["Leeds", "Utrecht", "Porto", "Tartu", "Lyon", "Gdansk", "Cork", "Bergen"]
FAULTS = [
    "the water tank is empty",
    "the filter is blocked",
    "the battery is too cold",
    "the lid is not closed",
    "a sensor needs cleaning",
    "the firmware update failed",
    "the motor is overheating",
    "the Wi-Fi password was rejected",
]


def facts(rng: random.Random, name: str) -> dict:
    """The product's own numbers, drawn once so every section and question agrees."""
    codes = rng.sample(FAULTS, 3)
    return {
        "warranty": rng.choice([2, 3, 5]),
        "battery": rng.choice([6, 8, 10, 12, 18, 24, 40]),
        "charge": rng.choice([45, 60, 90, 120, 150]),
        "weight": round(rng.uniform(0.2, 9.5), 1),
        "clean_days": rng.choice([3, 5, 7, 10, 14]),
        "filter_months": rng.choice([2, 3, 4, 6, 9, 12]),
        "reset_seconds": rng.choice([5, 8, 10, 12, 15]),
        "noise": rng.choice([32, 38, 41, 45, 52]),
        "min_temp": rng.choice([0, 5, 10]),
        "max_temp": rng.choice([30, 35, 40]),
        "colour": rng.choice(COLOURS),
        "app": rng.choice(APPS),
        "city": rng.choice(CITIES),
        "phone": f"0800 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "codes": {f"E{rng.randint(10, 99)}": fault for fault in codes},
        "power": rng.choice([5, 20, 45, 250, 1200, 2000]),
        "eco": rng.choice([15, 20, 25, 30]),
        "firmware": f"{rng.randint(1, 4)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
        "lock_seconds": rng.choice([3, 4, 6]),
        "storage_months": rng.choice([1, 3, 6]),
        "accessory": rng.choice(
            [
                "a travel pouch",
                "a spare filter",
                "a wall mount",
                "a cleaning brush",
                "a second charging cable",
                "a quick-start card",
            ]
        ),
        "serial": f"{name.split()[0][:3].upper()}-{rng.randint(100000, 999999)}",
    }


def sections(name: str, kind: str, part: str, f: dict) -> dict[str, str]:
    """The manual of one product: section title -> text."""
    codes = "; ".join(f"{code} means {fault}" for code, fault in f["codes"].items())
    return {
        "Overview": f"The {name} is a {kind} designed for everyday use at home. This manual "
                    f"explains how to "
        f"set it up, use it safely, keep it clean and solve common problems. Keep it with the "
        f"receipt: the serial number on the back label starts with {f['serial'][:3]}.",
        "In the "
        "box": f"The box holds the {name}, a power adapter, this manual and {f['accessory']}. If "
        f"anything is missing, contact the retailer before first use.",
        "Safety": f"Do not immerse the {name} in water. Use it only between {f['min_temp']} and "
        f"{f['max_temp']} degrees Celsius. Keep children away from the {part} while it is "
        f"running, and unplug the device before any cleaning or maintenance.",
        "First "
        "use": f"Unpack the {name}, remove all protective film and place it on a flat, dry "
               f"surface. "
        f"Connect the power adapter and wait until the status light turns steady white. The "
        f"first start takes about two minutes while the {part} calibrates itself.",
        "Power and "
        "charging": f"A full charge takes {f['charge']} minutes with the supplied adapter. One "
        f"charge lasts about {f['battery']} hours of normal use. The device draws "
        f"{f['power']} watts at most.",
        "Cleaning": f"Wipe the outside with a soft damp cloth every {f['clean_days']} days. Never "
                    f"use "
        f"abrasive sponges or solvents on the {part}; they scratch the coating.",
        "Filters and "
        "consumables": f"Replace the filter of the {name} every {f['filter_months']} months, "
        f"or sooner if the status light blinks amber. Genuine spares are sold "
        f"in packs of two.",
        "Maintenance schedule": f"Every {f['clean_days']} days: clean the outside. Every "
        f"{f['filter_months']} months: change the filter. Once a year: have the "
        f"{part} inspected by an authorised service centre.",
        "Connecting to the "
        "app": f"Install the {f['app']} app, create an account and tap Add device. Hold "
        f"the phone near the {name} and follow the prompts. Only 2.4 GHz Wi-Fi "
        f"networks are supported.",
        "Firmware "
        "updates": f"Updates arrive through the {f['app']} app. The version installed at the "
        f"factory is {f['firmware']}. Keep the device powered during an update; an "
        f"interrupted update restarts automatically.",
        "Factory "
        "reset": f"To restore factory settings, hold the power button for {f['reset_seconds']} "
        f"seconds until the light flashes three times. All settings and app pairings "
        f"are erased.",
        "Child "
        "lock": f"Press and hold the lock key for {f['lock_seconds']} seconds to lock the controls "
        f"of the {name}. Repeat to unlock. A padlock symbol shows while the lock is on.",
        "Eco "
        "mode": f"Eco mode lowers the power use of the {name} by about {f['eco']} percent. It is "
        f"switched on from the settings menu or the {f['app']} app.",
        "Noise": f"In normal operation the {name} produces about {f['noise']} decibels, roughly "
                 f"the level "
        f"of a quiet conversation. Night mode reduces this further.",
        "Error "
        "codes": f"The display shows a code when something needs attention: {codes}. Clear the "
        f"cause, then restart the device.",
        "Troubleshooting": f"If the {name} does not switch on, check the adapter and the socket "
                           f"first. "
        f"If the {part} makes a rattling sound, switch off and check for loose parts.",
        "Storage": f"For storage longer than {f['storage_months']} months, charge the battery to "
                   f"half, "
        f"switch the device off and keep it in a dry place.",
        "Travel": f"The {name} weighs {f['weight']} kilograms. Pack it in its original box or a "
                  f"padded "
        f"bag. Check local plug standards before travelling abroad.",
        "Specifications": f"Weight: {f['weight']} kg. Maximum power: {f['power']} W. Battery life: "
        f"{f['battery']} h. Operating range: {f['min_temp']} to {f['max_temp']} °C. "
        f"Colour: {f['colour']}.",
        "Accessories": f"Optional accessories for the {name} include spare filters, a replacement "
        f"{part} and {f['accessory']}. Use only accessories approved by the maker.",
        "Warranty": f"The {name} has a warranty of {f['warranty']} years from the date of "
                    f"purchase. The "
        f"warranty covers faults in materials and workmanship, not wear of the {part}.",
        "Customer "
        "support": f"Call support on {f['phone']}, Monday to Friday. Have the serial number "
        f"{f['serial']} ready. Repairs are handled at the service centre in "
        f"{f['city']}.",
        "Disposal": f"Do not put the {name} in household waste. Take it to an electronics "
                    f"recycling "
        f"point; the battery must be removed and recycled separately.",
        "Status "
        "lights": f"Steady white: ready. Blinking amber: filter or maintenance due. Red: error, "
        f"see the error codes. Blue: connected to the {f['app']} app.",
        "Calibration": f"If readings of the {part} drift, open Settings, choose Calibrate and keep "
                       f"the "
        f"{name} still for one minute.",
    }


def questions(name: str, kind: str, part: str, f: dict) -> list[tuple[str, str, str]]:
    """(question, answer, section): asked the way a customer would, not in the manual's words."""
    code, fault = next(iter(f["codes"].items()))
    return [
        (f"How long is the {name} covered by its guarantee?", f"{f['warranty']} years", "Warranty"),
        (
            f"How many hours can I use the {name} before it needs charging again?",
            f"about {f['battery']} hours",
            "Power and charging",
        ),
        (
            f"How often do I have to swap the filter on my {name}?",
            f"every {f['filter_months']} months",
            "Filters and consumables",
        ),
        (f"What does {code} on the {name} display mean?", fault, "Error codes"),
        (
            f"How do I wipe all settings of the {name} and start over?",
            f"hold the power button for {f['reset_seconds']} seconds",
            "Factory reset",
        ),
        (f"Which phone number reaches {name} support?", f["phone"], "Customer support"),
        (f"How heavy is the {name}?", f"{f['weight']} kilograms", "Travel"),
        (f"How loud is the {name} when it runs?", f"about {f['noise']} decibels", "Noise"),
    ]


def main() -> None:
    rng = random.Random(15)
    docs, qa = [], []
    for name, kind, part in PRODUCTS:
        f = facts(rng, name)
        slug = name.lower().replace(" ", "-")
        source = f"manuals/{slug}.md"
        body = sections(name, kind, part, f)
        text = f"# {name} user manual\n\n" + "\n\n".join(
            f"## {title}\n\n{words}" for title, words in body.items()
        )
        docs.append({"text": text + "\n", "source": source})
        for question, answer, section in questions(name, kind, part, f):
            qa.append(
                {
                    "context": body[section],
                    "question": question,
                    "answer": answer,
                    "source_doc": f"{source}#{section}",
                }
            )
    DOCS.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(docs).to_csv(DOCS / "huggingface_doc.csv", index=False)
    (QA / "data").mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(qa)
    for column in ("groundedness_score", "relevance_score", "standalone_score"):
        table[column] = 5  # the hub set keeps questions its judges scored 4 or 5
        table[column.replace("score", "eval")] = (
            "Written for the course: a customer question with one answer."
        )
    table.to_parquet(QA / "data" / "train-00000-of-00001.parquet", index=False)
    print(json.dumps({"documents": len(docs), "questions": len(qa)}))


if __name__ == "__main__":
    main()
