"""The experta engine: composes every family's rules and runs one evaluation of a use case."""
import functools
import inspect
import logging
import threading
from itertools import chain

from experta import Rule, watchers
from experta.agenda import Agenda
from experta.factlist import FactList
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
from .rete import FlatResetMatcher


class FreshKeyDepthStrategy(DepthStrategy):
    """experta's depth-first agenda with its key computed afresh and its ties put in a fixed order.

    Afresh: its lru_cache on get_key outlives an evaluation, so each lookup compared new activations
    fact by fact with stale, equal-looking ones of earlier evaluations (~30 % of a sizing request in
    the profile, docs/performance/README.md, "Sizing API").

    Ties: activations that one change of facts brings at once, with equal keys (salience, facts), fire
    in the order their rules are written (the engine's classes in method-resolution order, each top
    to bottom). experta lists them in the order of its network, built from a set of rules hashed by
    object identity, so that order, and with it the findings' order, differed from one process (one
    gunicorn worker) to the next. Activations brought by different changes keep experta's order."""

    def __init__(self, written=None):
        super().__init__()
        self.written = written or {}  # rule function → its position among the rules as written

    def get_key(self, activation):
        return activation.rule.salience, sorted((f["__factid__"] for f in activation.facts), reverse=True)

    def _update_agenda(self, agenda, added, removed):
        # equal keys: the one inserted last fires first, so the first written goes in last
        position = self.written.get
        super()._update_agenda(agenda, sorted(added, key=lambda a: position(a.rule._wrapped, 0)), removed)


def _rules_as_written(cls):
    """The rule functions of an engine class: its classes in method-resolution order, each in source order."""
    functions = {}
    for klass in cls.__mro__:
        for value in vars(klass).values():
            if isinstance(value, Rule):
                functions.setdefault(value._wrapped, None)
    return list(functions)


class Advisor(TrainingRules, CvRules, InferenceRules, RagRules, VideoRules, TabularRules, IngestRules,
              EnvelopeRules, TierRules, AdvisorBase):
    """All families' rules over one normalized use case."""

    __strategy__ = FreshKeyDepthStrategy
    __matcher__ = FlatResetMatcher

    def __init__(self, use_case):
        super().__init__(use_case)
        self.strategy.written = {f: n for n, f in enumerate(_rules_as_written(type(self)))}

    def get_deffacts(self):
        """experta lists the deffacts with inspect.getmembers on every reset(); an engine's never change."""
        if "_deffacts" not in self.__dict__:
            self._deffacts = super().get_deffacts()
        return self._deffacts

    def run(self, steps=float("inf")):
        """experta's run, with the log line of each rule fired built only when the RULES watcher logs:
        experta joins the names of the facts of every activation it fires for a line nobody reads."""
        self.running, execution = True, 0
        while steps > 0 and self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
            if watchers.worth("AGENDA", "DEBUG"):
                _log_agenda(self.agenda)
            activation = self.agenda.get_next()
            if activation is None:
                break
            steps, execution = steps - 1, execution + 1
            if watchers.RULES.isEnabledFor(logging.INFO):
                watchers.RULES.info("FIRE %s %s: %s", execution, activation.rule.__name__,
                                    ", ".join(str(f) for f in activation.facts))
            activation.rule(self, **{k: v for k, v in activation.context.items() if not k.startswith("__")})
        self.running = False

    def reset(self, **kwargs):
        """experta's reset (new agenda and fact list, matcher reset, every deffact's facts declared), with
        each deffact's parameters read once per process: experta calls inspect.signature on each deffact
        every reset (~9 µs an evaluation)."""
        self.agenda, self.facts = Agenda(), FactList()
        self.matcher.reset()
        facts = []
        for deffact in self.get_deffacts():
            takes_any, names = _deffact_parameters(deffact._wrapped)
            facts.append(deffact(**(kwargs if takes_any else {k: v for k, v in kwargs.items() if k in names})))
        self._KnowledgeEngine__declare(*chain.from_iterable(facts))
        self.running = False


def _log_agenda(agenda):
    """experta's AGENDA watcher lines: every activation waiting, the next to fire last."""
    for idx, act in enumerate(agenda.activations):
        watchers.AGENDA.debug("%d: %r %r", idx, act.rule.__name__, ", ".join(str(f) for f in act.facts))


@functools.lru_cache(maxsize=64)
def _deffact_parameters(function):
    """(takes **kwargs, its parameter names) of a deffact's generator function, as experta's reset reads them."""
    parameters = inspect.signature(function).parameters
    return (any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters.values()), frozenset(parameters))


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
