"""Small builders for test data, shared by the test modules."""

from __future__ import annotations

from collab_assess.store.inputs import AnswerInput

SMALL_AREAS = ("PB", "SG", "DS")


def bank_data(version: int = 1, areas: tuple[str, ...] = SMALL_AREAS, per_area: int = 3) -> dict:
    """A valid bank as the TOML file would hold it, small enough to read in a test."""
    return {
        "version": version,
        "title": f"Test bank {version}",
        "released": "2026-01-01",
        "about": "A bank for tests.",
        "areas": [
            {
                "id": area,
                "name": f"Area {area}",
                "group": "core capability",
                "summary": f"What {area} covers.",
                "source": "001_f629cfe9f896f09b.txt, section 'Key points'",
            }
            for area in areas
        ],
        "statements": [
            {
                "id": f"{area}-{n}",
                "area": area,
                "statement": f"We do thing {n} of {area}.",
                "help": "Help text.",
                "levels": {
                    "emerging": "Not yet.",
                    "developing": "Started.",
                    "maturing": "Mostly.",
                    "thriving": "Embedded.",
                },
                "source": "001_f629cfe9f896f09b.txt, section 'Key points'",
            }
            for area in areas
            for n in range(1, per_area + 1)
        ],
    }


def answer(level: int | None = None, unscored: str | None = None, **extra) -> AnswerInput:
    return AnswerInput(level=level, unscored=unscored,
                       recorded_by=extra.pop("recorded_by", "tester"), **extra)
