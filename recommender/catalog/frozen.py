"""Read-only dict and list types for the shared catalog snapshot (copies of them are plain and mutable)."""
import copy


def _refuse(self, *args, **kwargs):
    raise TypeError(f"the catalog snapshot is read-only: copy it first ({type(self).__name__})")


class FrozenDict(dict):
    """A dict that refuses every change; `dict(d)` and `copy.deepcopy(d)` give mutable copies."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        return {copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self):
        return dict, (dict(self),)


class FrozenList(list):
    """A list that refuses every change; `list(l)`, `l + [...]` and `copy.deepcopy(l)` are mutable."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = clear = extend = insert = pop = remove = reverse = sort = _refuse

    def __copy__(self):
        return list(self)

    def __deepcopy__(self, memo):
        return [copy.deepcopy(v, memo) for v in self]

    def __reduce__(self):
        return list, (list(self),)


def freeze(value):
    """A deep read-only copy of a JSON-shaped value (dicts, lists, tuples, scalars)."""
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return FrozenList(freeze(v) for v in value)
    return value
