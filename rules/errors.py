"""Field-level errors of a use-case document, keyed by dotted path ("parallelism.tensor")."""


class UseCaseError(ValueError):
    """Raised with every problem found, so the user fixes them all at once."""

    def __init__(self, errors):
        self.errors = {path: list(messages) for path, messages in errors.items()}
        super().__init__("; ".join(f"{p}: {' '.join(m)}" for p, m in self.errors.items()))


class Errors:
    """Collects messages per field while a validator walks the document."""

    def __init__(self):
        self.by_path = {}

    def add(self, path, message):
        self.by_path.setdefault(path, []).append(message)

    def __bool__(self):
        return bool(self.by_path)

    def has(self, path):
        return path in self.by_path

    def raise_if_any(self):
        if self.by_path:
            raise UseCaseError(self.by_path)
