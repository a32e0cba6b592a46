"""The experta engine: composes every family's rules and runs one evaluation of a use case."""
import threading

from experta.strategies import DepthStrategy

from . import envelope, explain, tenancy, usecase
from .cv import CvRules
from .envelope import EnvelopeRules
from .inference import InferenceRules
from .ingest import IngestRules
from .kb import AdvisorBase, Decision, Workload
from .rag import RagRules
from .tabular import TabularRules
from .tiers import TierRules, apply_envelope, envelope_findings, shared_tier_findings, tiers_from_placements
from .training import TrainingRules
from .video import VideoRules


class FreshKeyDepthStrategy(DepthStrategy):
    """experta's depth-first agenda with the same key, computed afresh: its lru_cache on get_key
    outlives an evaluation, so each lookup compared new activations fact by fact with stale,
    equal-looking ones of earlier evaluations (~30 % of a sizing request in the profile,
    docs/performance/README.md, "Sizing API")."""

    def get_key(self, activation):
        return activation.rule.salience, sorted((f["__factid__"] for f in activation.facts), reverse=True)


class Advisor(TrainingRules, CvRules, InferenceRules, RagRules, VideoRules, TabularRules, IngestRules,
              EnvelopeRules, TierRules, AdvisorBase):
    """All families' rules over one normalized use case."""

    __strategy__ = FreshKeyDepthStrategy

    def get_deffacts(self):
        """experta lists the deffacts with inspect.getmembers on every reset(); an engine's never change."""
        if "_deffacts" not in self.__dict__:
            self._deffacts = super().get_deffacts()
        return self._deffacts


def evaluate(document):
    """Use-case document → {use_case, requirements, tiers, findings}; UseCaseError on bad input."""
    use_case = usecase.normalize(document)
    if use_case.get("partitions"):
        return _evaluate_partitions(use_case)
    return _evaluate(use_case)


def _evaluate_partitions(use_case):
    """Each partition on its own GPUs; shared tiers combined (tenancy.py), then the whole cluster's envelope."""
    parts = [(p, _evaluate(p["use_case"])) for p in use_case["partitions"]]
    tiers, findings = tenancy.combine(parts, use_case["nodes"])
    cls, why = envelope.workload_class(use_case)
    env = envelope.envelope(use_case["gpu_model"], cls, use_case["nodes"], use_case["gpus"])
    if env:
        env.update(applies=use_case["cluster"]["sizing_basis"] == "envelope")
    shared = [t for t in tiers if t["tier"] == "shared_fast"]
    for t in shared:
        apply_envelope(t, env)
    requirements = {}
    for part, result in parts:
        for key, value in result["requirements"].items():
            requirements.setdefault(key, value)
    requirements["partitions"] = [{"name": p["name"], "gpus": p["gpus"], "workloads": p["workloads"]}
                                  for p, _ in parts]
    requirements["cluster_envelope"] = dict(env or {}, workload_class=cls or "none", class_basis=why)
    part_findings = [dict(f, inputs=dict(f["inputs"], partition=p["name"])) for p, r in parts for f in r["findings"]]
    extra = findings + [x for t in shared for x in envelope_findings(t)]
    return {"use_case": use_case, "requirements": requirements, "tiers": tiers,
            "findings": part_findings + [dict(x, text=explain.sentence(x)) for x in extra]}


def _evaluate(use_case):
    """One normalized use case through the rules."""
    engine = _engine_for(use_case)
    for kind in use_case["workloads"]:
        engine.declare(Workload(kind=kind))
    model = use_case.get("model") or {}
    if model.get("kind") in ("dims", "parameters"):
        engine.declare(Decision(model="llm"))
    engine.run()
    tiers = tiers_from_placements(engine.placements, use_case, engine.requirements.get("cluster_envelope"))
    findings = engine.findings + [dict(x, text=explain.sentence(x)) for x in shared_tier_findings(tiers)]
    return {"use_case": use_case, "requirements": engine.requirements, "tiers": tiers, "findings": findings}


_local = threading.local()


def _engine_for(use_case):
    """A reset engine for this thread: building experta's Rete network is ~75 % of an evaluation,
    so each thread builds it once and reset() clears facts and agenda between evaluations."""
    engine = getattr(_local, "engine", None)
    if engine is None:
        engine = _local.engine = Advisor(use_case)
    engine.use_case, engine.requirements, engine.placements, engine.findings = use_case, {}, [], []
    engine.reset()
    return engine
