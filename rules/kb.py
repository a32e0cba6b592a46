"""Knowledge-base plumbing: the facts rules match on, and the base engine that records needs,
tier placements and findings. Family modules (training, inference, ...) subclass nothing here
directly; they define experta rule mixins that engine.py composes."""
from experta import Fact, KnowledgeEngine

from . import explain


_SCALARS = (int, float, str, bool, type(None))


class ScalarFact(Fact):
    """experta's Fact, keeping a scalar value as it is: experta's freeze (a singledispatch, ~1 µs a
    field, ~50 fields an LLM-training evaluation) returns scalars unchanged; other values still pass it."""

    def __setitem__(self, key, value):
        if type(value) in _SCALARS and self.__factid__ is None:
            dict.__setitem__(self, key, value)
        else:
            super().__setitem__(key, value)


class Workload(ScalarFact):
    """One workload family present in the use case, e.g. Workload(kind="llm_training")."""


class Need(ScalarFact):
    """A requirement that has been computed: Need(name="checkpoint", ...scalar fields)."""


class Decision(ScalarFact):
    """A choice a rule made that other rules build on, e.g. Decision(kv_tier="host_memory")."""


class AdvisorBase(KnowledgeEngine):
    """Holds the normalized use case and collects what rules conclude."""

    def __init__(self, use_case):
        super().__init__()
        self.use_case = use_case
        self.requirements = {}
        self.placements = []
        self.findings = []

    def need(self, name, **fields):
        """Record (or extend) requirement `name`; declares a Need fact with its scalar fields."""
        self.requirements.setdefault(name, {}).update(fields)
        scalars = {k: v for k, v in fields.items() if isinstance(v, (int, float, str, bool))}
        self.declare(Need(name=name, **scalars))

    def note(self, name, **fields):
        """Record requirement fields no rule matches on, without declaring a fact (cheaper for the Rete)."""
        self.requirements.setdefault(name, {}).update(fields)

    def finding(self, rule, inputs, result, formula, sources):
        """Record why a number is what it is; the sentence comes from rules/explain.py."""
        item = {"rule": rule, "inputs": inputs, "result": result, "formula": formula,
                "sources": list(sources)}
        item["text"] = explain.sentence(item)
        self.findings.append(item)

    def place(self, need, tier, reason, sources, capacity_bytes=0, read_bytes_per_s=0.0,
              write_bytes_per_s=0.0, iops=0.0, latency_s=None, metadata_ops_per_s=0.0):
        """Put (part of) a need on a tier; tiers.py adds up everything placed on the same tier."""
        self.placements.append({
            "need": need, "tier": tier, "reason": reason, "sources": list(sources),
            "capacity_bytes": int(capacity_bytes), "read_bytes_per_s": float(read_bytes_per_s),
            "write_bytes_per_s": float(write_bytes_per_s), "iops": float(iops), "latency_s": latency_s,
            "metadata_ops_per_s": float(metadata_ops_per_s),
        })
