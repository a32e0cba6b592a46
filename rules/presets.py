"""Model, GPU and training-workload presets loaded from fixtures/presets/*.json (each entry sourced)."""
import copy
import json
from functools import lru_cache
from pathlib import Path

PRESET_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "presets"


@lru_cache(maxsize=None)
def _load(kind):
    with open(PRESET_DIR / f"{kind}.json", encoding="utf-8") as f:
        data = json.load(f)
    return {k: v for k, v in data.items() if not k.startswith("_")}


def names(kind):
    """Preset ids of one kind: 'models', 'gpus' or 'workloads'."""
    return sorted(_load(kind))


def get(kind, name):
    """A copy of one preset, or None when the id is unknown (ids are case-insensitive)."""
    entry = _load(kind).get(str(name).lower())
    return copy.deepcopy(entry) if entry is not None else None


def model(name):
    return get("models", name)


def gpu(name):
    return get("gpus", name)


def workload(name):
    return get("workloads", name)
