"""Durability tests reuse the validation fixtures: a stored use case and tmp_path targets."""
from tests.validation.conftest import make_target, use_case  # noqa: F401  (pytest fixtures)
