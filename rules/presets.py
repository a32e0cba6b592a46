"""Model, GPU and training-workload presets loaded from fixtures/presets/*.json (each entry sourced)."""
import json
import re
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


def _key(name):
    """One spelling for a name: 'meta-llama/Llama-3.1-70B', 'llama3.1-70b' and 'LLAMA_3.1_70B' match."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower().rsplit("/", 1)[-1])


@lru_cache(maxsize=None)
def _index(kind):
    """Normalized id or alias (the entry's "aliases") → preset id."""
    index = {}
    for preset_id, entry in _load(kind).items():
        for alias in (preset_id, *entry.get("aliases", ())):
            index[_key(alias)] = preset_id
    return index


def resolve(kind, name):
    """The preset id a user's spelling stands for, or None."""
    return _index(kind).get(_key(name))


def get(kind, name):
    """A copy of one preset, or None when neither the id nor an alias matches (any case/punctuation)."""
    entry = _load(kind).get(resolve(kind, name))
    return _copied(entry) if entry is not None else None


def known(kind, name):
    """Whether `name` spells a preset of this kind whose entry has fields (what `get` gives, uncopied)."""
    return bool(_load(kind).get(resolve(kind, name)))


_NESTED = (dict, list)  # what _copied recurses into; a scalar is kept as it is, without a call


def _copied(value):
    """A deep copy of parsed JSON (dicts, lists and immutable scalars, nothing shared): what
    copy.deepcopy gives, ~4x faster; a sizing request copies ~3 presets."""
    kind = type(value)
    if kind is dict:
        return {k: _copied(v) if type(v) in _NESTED else v for k, v in value.items()}
    if kind is list:
        return [_copied(v) if type(v) in _NESTED else v for v in value]
    return value


def model(name):
    return get("models", name)


def gpu(name):
    return get("gpus", name)


def workload(name):
    return get("workloads", name)
