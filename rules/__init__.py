"""Knowledge base (owned by the rules work; placeholder until it lands)."""


class UseCaseError(ValueError):
    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def evaluate(use_case):
    raise UseCaseError({"workload": ["the knowledge base is not installed yet"]})
