"""Knowledge base: use-case validation, presets, formulas, experta rules and explanations (no Django)."""
from .engine import evaluate
from .errors import UseCaseError

__all__ = ["evaluate", "UseCaseError"]
