"""experta's Rete network, made cheaper for one evaluation of a use case (rules.engine builds it once
per thread and resets it between evaluations). Each change keeps experta 1.9.4's behaviour and its
watchers' log lines; importing this module applies them (tests/rules/test_engine_runs.py)."""
import logging
from collections.abc import Mapping

from experta import watchers
from experta.fact import Fact
from experta.fieldconstraint import L
from experta.matchers import ReteMatcher
from experta.matchers.rete.abstract import OneInputNode, TwoInputNode
from experta.matchers.rete.check import FeatureCheck, TypeCheck
from experta.matchers.rete.mixins import NoMemory
from experta.matchers.rete.nodes import BusNode, ConflictSetNode, FeatureTesterNode
from experta.matchers.rete.token import Token
from experta.watchers import MATCH

def _token_copy(token):
    """experta's Token.copy (new mutable parts, same tag), without re-running the constructor's checks
    on facts it checked when the token was made: every node a token passes copies it (~45 copies,
    ~550 isinstance calls an evaluation)."""
    return tuple.__new__(type(token), (token.tag, set(token.data), token.context.copy()))


Token.copy = _token_copy


# experta copies a token on entry to every node (~190 copies an LLM-training evaluation), but only a
# feature tester whose test binds names changes the token it is given: the others read it, store
# frozen views of it (to_info) or build new tokens. So nodes take the token as it comes and that
# tester copies it before adding its bindings; every node still logs as experta's does.

def _one_input_activate(node, token):
    """experta's OneInputNode.activate without the copy (watchers.worth('MATCHER', 'DEBUG') inlined)."""
    if logging.NOTSET < watchers.MATCHER.level <= logging.DEBUG:
        watchers.MATCHER.debug("Node <%s> activated with token %r", node, token)
    return node._activate(token)


def _activate_left(node, token):
    watchers.MATCHER.debug("Node <%s> activated left with token %r", node, token)
    return node._activate_left(token)


def _activate_right(node, token):
    watchers.MATCHER.debug("Node <%s> activated right with token %r", node, token)
    return node._activate_right(token)


def _feature_tester_activate(node, token):
    """experta's FeatureTesterNode._activate, copying the token only when the test's bindings go into it."""
    (fact,) = token.data
    match = node.matcher(fact)
    if not match:
        return
    if isinstance(match, Mapping):
        if not _bindings_agree(match, token.context):
            return False
        token = _token_copy(token)
        token.context.update(match)
    _pass_on(node, fact, token)


def _bindings_agree(match, context):
    """experta's test that a feature test's bindings agree with those the token carries (negations too)."""
    for key, value in match.items():
        if isinstance(key, tuple):  # a negated condition
            if key[1] in context and context[key[1]] == value:
                return False
        else:
            if context.get(key, value) != value:
                return False
            if (False, key) in context and context[(False, key)] == value:
                return False
    return True


def _terminal_activate(node, token):
    """experta's ConflictSetNode._activate, and the node noted as touched for FlatResetMatcher.changes."""
    _experta_terminal_activate(node, token)
    touched = node.__dict__.get("_touched")
    if touched is not None:
        touched.add(node)


def _terminal_position(node):
    return node._position


def _bus_add(bus, fact):
    """experta's BusNode.add, the fact's first tests made here for the children that would fail them."""
    token = Token.valid(fact)
    watchers.MATCHER.debug("<BusNode> added %r", token)
    _pass_on(bus, fact, token)


# A child that is a feature tester of one fact's type, of a field's literal value (no binding), or of
# any test of a field the fact lacks does nothing when its test fails (a failed type or literal test
# logs a MATCH debug line; a missing field returns before any log). So while neither the MATCH nor the
# MATCHER watcher logs debug lines, the parent makes those tests itself and calls only the children
# that pass: most of the ~50–160 feature testers an evaluation activates fail their test.

def _pass_on(node, fact, token):
    """Send `token` (about `fact`) to each child of `node`, skipping those whose plain test fails."""
    if 0 < watchers.MATCHER.level <= logging.DEBUG or MATCH.isEnabledFor(logging.DEBUG):
        for child in node.children:
            child.callback(token)
        return
    for callback, kind, what, value in _routes(node):
        if kind is None or _may_pass(kind, what, value, fact):
            callback(token)


def _may_pass(kind, what, value, fact):
    """False only where the child's own test certainly fails (see _route)."""
    if kind == "type":
        return type(fact) == value
    if what not in fact:
        return what in type(fact).__fields__
    return kind == "field" or value == fact[what]


def _routes(node):
    """(callback, kind, field, literal or type) of each child of a node, read once (the network is fixed)."""
    routes = node.__dict__.get("_routes")
    if routes is None:
        routes = node._routes = tuple(_route(child) for child in node.children)
    return routes


def _route(child):
    """The plain test a child makes: 'type' (TypeCheck), 'literal' (a field equal to an unbound literal),
    'field' (any other test of one field, which fails when the fact lacks it), or None."""
    test = child.node.matcher if type(child.node) is FeatureTesterNode else None
    if type(test) is TypeCheck:
        return child.callback, "type", None, test.fact_type
    if type(test) is not FeatureCheck or not isinstance(test.what, str):
        return child.callback, None, None, None
    what = test.what
    if "__" in what or what.isnumeric():
        return child.callback, None, None, None
    if type(test.how) is L and test.how.__bind__ is None:
        return child.callback, "literal", what, test.how.value
    return child.callback, "field", what, None


OneInputNode.activate = _one_input_activate
TwoInputNode.activate_left, TwoInputNode.activate_right = _activate_left, _activate_right
FeatureTesterNode._activate = _feature_tester_activate
BusNode.add = _bus_add
_experta_terminal_activate = ConflictSetNode._activate
ConflictSetNode._activate = _terminal_activate


def _feature_check(check, data, is_fact=True):
    """experta's FeatureCheck.__call__, a field the fact lacks answered False without the KeyError that
    experta raises through Fact.__missing__ and catches (~55 an LLM-training evaluation: Need facts
    meet the tests of fields that other Needs of their name carry)."""
    what, record = check.what, data
    if is_fact and not isinstance(what, str):
        try:
            record = data[what]
        except (IndexError, KeyError, TypeError):
            return False
    elif is_fact and not (what.startswith("__") or what.endswith("__")):
        for key in what.split("__"):
            key = int(key) if key.isnumeric() else key
            if isinstance(record, Fact) and key not in record and key not in type(record).__fields__:
                return False
            try:
                record = record[key]
            except (IndexError, KeyError, TypeError):
                return False
    res = check.check(record, check.expected)
    (MATCH.info if res else MATCH.debug)("what=%r, how=%r, fact=%s = %r", what, check.how, data, res)
    return res


FeatureCheck.__call__ = _feature_check


class FlatResetMatcher(ReteMatcher):
    """experta's Rete with a flat reset: its own walks the network recursively, a node once for every
    path to it (~140 calls and as many debug-log calls an evaluation); clearing each node's memory
    once leaves the same network. Its changes() collects what the rules' terminal nodes gathered,
    in experta's node order, as experta's does, without two new sets per node per change, and from
    only the terminal nodes a token reached since the last change (experta polls all ~35 each time)."""

    def changes(self, adding=None, deleting=None):
        root, touched = self.root_node, self._touched_terminals()
        for fact in deleting or ():
            root.remove(fact)
        for fact in adding or ():
            root.add(fact)
        added, removed = [], []
        for node in sorted(touched, key=_terminal_position):
            if node.added:
                added.extend(node.added)
                node.added = set()
            if node.removed:
                removed.extend(node.removed)
                node.removed = set()
        touched.clear()
        return added, removed

    def _touched_terminals(self):
        """The set each rule's terminal node joins when a token reaches it (_terminal_activate): only
        those can have activations to collect (a few of ~35 a change), taken in experta's node order."""
        touched = self.__dict__.get("_touched")
        if touched is None:
            touched = self._touched = set()
            for position, node in enumerate(self._get_conflict_set_nodes()):
                node._touched, node._position = touched, position
        return touched

    def reset(self):
        nodes = self.__dict__.get("_nodes")
        if nodes is None:  # the nodes with a memory: the others' _reset does nothing (~60 of ~110)
            nodes = self._nodes = [n for n in _network_nodes(self.root_node) if type(n)._reset is not NoMemory._reset]
        for node in nodes:
            node._reset()


def _network_nodes(root):
    """Every node reachable from `root`, each once."""
    seen, order, stack = set(), [], [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        stack.extend(child.node for child in node.children)
    return order
