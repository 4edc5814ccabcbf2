"""lark's parse tree → dsl.ast values: one Transformer method per alias of the grammar.

The tree is already shaped by the grammar (``?rule`` inlining, filtered keywords, aliases), so each
method only builds its node and its span; there is no ``if tree.data == ...`` dispatch anywhere.

Action statements have no method of their own: every alias named by an action's grammar forms in
:data:`bt_runtime.vocabulary.ACTIONS` builds one generic :class:`dsl.ast.Action` carrying the action
key and its children as arguments, in the order the form lists its parameters. So a new action needs
a grammar alternative and a vocabulary entry, and nothing here (docs/adding-an-action.md).

Every method takes ``(meta, children)``, as lark's ``v_args(meta=True)`` would pass them, and is
called bottom-up: a new grammar alias needs a method of that name and that signature, nothing else.
Two walks call them. :mod:`dsl.lalr_driver` calls them during the LALR parse itself (no parse tree
is built; ``meta`` is then a :class:`dsl.lalr_driver.Meta` with the same attributes), which is how
every file is parsed. :meth:`ToAst.transform` walks a lark ``Tree`` (lark's ``v_args`` builds a
fresh wrapper per node, which cost more than the AST); it serves the rare text the driver refuses
but lark accepts, and the tests that compare the two. A method must be a pure function of its
arguments: the driver may call it before the parse has seen the rest of the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
from typing import Any

from lark import Token, Transformer, Tree
from lark.exceptions import VisitError

from bt_runtime import vocabulary as vocab
from bt_runtime.specs import ActionSpec
from dsl import ast as A
from dsl.lalr_driver import Meta

__all__ = ["ToAst", "action_forms"]


_ESCAPE = re.compile(r"\\([\"\\])")
#: A span built as the tuple it is, without a call of ``Span.__new__`` (one per node).
_new_span = tuple.__new__
Span = A.Span


def action_forms(actions: Mapping[str, ActionSpec]) -> Mapping[str, tuple[str, tuple[str, ...]]]:
    """Grammar alias → (action key, the parameters its children fill, in order)."""
    return MappingProxyType({form.alias: (spec.key, form.params)
                             for spec in actions.values() for form in spec.grammar_forms})


#: The table of the shipped vocabulary, built once (a file's parse should not rebuild it).
_DEFAULT_FORMS = (vocab.ACTIONS, action_forms(vocab.ACTIONS))


class ToAst(Transformer[Token, Any]):
    """Shape lark's tree into dsl.ast values; one method per alias of the grammar."""

    #: The driver may pass each span as its plain tuple (see :meth:`dsl.lalr_driver.Driver.parse`).
    raw_spans = True

    def __init__(self, path: str, actions: Mapping[str, ActionSpec] | None = None) -> None:
        """Args:
            path: the file the tree was parsed from (every span names it).
            actions: the action vocabulary (default :data:`bt_runtime.vocabulary.ACTIONS`).
        """
        super().__init__(visit_tokens=False)
        self.path = path
        table = vocab.ACTIONS if actions is None else actions
        #: grammar alias → (action key, parameters its children fill, in order)
        self.action_forms = _DEFAULT_FORMS[1] if table is _DEFAULT_FORMS[0] else action_forms(table)

    def method(self, alias: str) -> Callable[[Any, list[Any]], Any]:
        """The builder of the nodes named ``alias``: a generic action or a method of this class.

        Raises:
            AttributeError: ``alias`` is neither an action form nor a method.
        """
        form = self.action_forms.get(alias)
        if form is None:
            method: Callable[[Any, list[Any]], Any] = getattr(self, alias)
            return method
        return partial(self.action, *form)

    def transform(self, tree: Tree[Token]) -> Any:
        """Build the AST bottom-up: children first, then the method named after the node.

        Raises:
            VisitError: a method failed (the original exception is ``orig_exc``), as lark's
                ``Transformer`` does.
        """
        methods: dict[str, Callable[[Any, list[Any]], Any]] = {}

        def build(node: Tree[Token], children: list[Any]) -> Any:
            try:
                method = methods.get(node.data)
                if method is None:
                    method = methods[node.data] = self.method(node.data)
                return method(node.meta, children)
            except (VisitError, RecursionError):
                raise
            except Exception as exc:
                raise VisitError(str(node.data), node, exc) from exc

        # Post-order with an explicit stack: a chain of a thousand `and`s is a tree a thousand
        # deep, and legal. Each frame: the node, and its children built so far.
        frames: list[tuple[Tree[Token], list[Any]]] = [(tree, [])]
        while True:
            node, built = frames[-1]
            if len(built) < len(node.children):
                child = node.children[len(built)]
                if type(child) is Tree:
                    frames.append((child, []))
                else:
                    built.append(child)
                continue
            frames.pop()
            value = build(node, built)
            if not frames:
                return value
            frames[-1][1].append(value)

    # ------------------------------------------------------------------------------ helpers
    def _span(self, meta: Any) -> A.Span:
        if type(meta) is tuple or type(meta) is Meta:  # the driver's: read by index
            return _new_span(Span, (self.path, meta[0], meta[1], meta[3], meta[4]))
        if getattr(meta, "empty", True):
            return A.Span(self.path, 1, 1, 1, 1)
        return A.Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tspan(self, tok: Token) -> A.Span:
        return _new_span(Span, (self.path, tok.line or 1, tok.column or 1, tok.end_line or 1,
                            tok.end_column or 1))

    def _id(self, tok: Token) -> A.Ident:  # _tspan inlined: a name is the commonest node
        return A.Ident(str(tok), _new_span(Span, (self.path, tok.line or 1, tok.column or 1,
                                               tok.end_line or 1, tok.end_column or 1)))

    def _text(self, tok: Token) -> A.Text:
        raw = str(tok)[1:-1]
        return A.Text(_ESCAPE.sub(r"\1", raw) if "\\" in raw else raw, self._tspan(tok))

    def action(self, key: str, params: tuple[str, ...], meta: Any, c: list[Any]) -> A.Action:
        """One action statement: child i fills ``params[i]``; an omitted optional child (None)
        fills nothing, and a bare NAME token becomes an :class:`dsl.ast.Ident`.

        Raises:
            ValueError: the grammar alternative and the vocabulary's form disagree on the count.
        """
        if len(c) != len(params):
            raise ValueError(f"action `{key}`: the grammar gives {len(c)} values, its vocabulary "
                             f"form names {len(params)} parameters")
        args = []
        for name, child in zip(params, c):
            if child is None:
                continue
            value = self._id(child) if type(child) is Token else child
            args.append(A.ActionArg(name, value, value.span))
        if type(meta) is tuple:  # self._span, inlined (one action per statement, mostly)
            return A.Action(key, tuple(args), _new_span(Span, (self.path, meta[0], meta[1],
                                                               meta[3], meta[4])))
        return A.Action(key, tuple(args), self._span(meta))

    # --------------------------------------------------------------------------- top level
    def start(self, meta: Any, c: list[Any]) -> list[Any]:
        return c

    def import_decl(self, meta: Any, c: list[Any]) -> A.ImportDecl:
        return A.ImportDecl(self._text(c[0]), self._span(meta))

    def mission_decl(self, meta: Any, c: list[Any]) -> A.MissionDecl:
        return A.MissionDecl(self._text(c[0]), c[1] or (), self._span(meta))

    def robot_decl(self, meta: Any, c: list[Any]) -> A.RobotDecl:
        return A.RobotDecl(self._id(c[0]), c[1] or (), self._span(meta))

    def world_decl(self, meta: Any, c: list[Any]) -> A.WorldDecl:
        return A.WorldDecl(self._text(c[0]), self._span(meta))

    def bounds_decl(self, meta: Any, c: list[Any]) -> A.BoundsDecl:
        return A.BoundsDecl(c[0], c[1], self._span(meta))

    def _place(self, kind: str, meta: Any, c: list[Any]) -> A.PlaceDecl:
        return A.PlaceDecl(kind, self._id(c[0]), c[1], self._span(meta))

    def waypoint_decl(self, meta: Any, c: list[Any]) -> A.PlaceDecl:
        return self._place("waypoint", meta, c)

    def station_decl(self, meta: Any, c: list[Any]) -> A.PlaceDecl:
        return self._place("station", meta, c)

    def dock_decl(self, meta: Any, c: list[Any]) -> A.PlaceDecl:
        return self._place("dock", meta, c)

    def victim_decl(self, meta: Any, c: list[Any]) -> A.PlaceDecl:
        return self._place("victim", meta, c)

    def payload_decl(self, meta: Any, c: list[Any]) -> A.PayloadDecl:
        return A.PayloadDecl(self._id(c[0]), c[1], self._id(c[2]), self._span(meta))

    def area_decl(self, meta: Any, c: list[Any]) -> A.AreaDecl:
        return A.AreaDecl(self._id(c[0]), c[1], self._span(meta))

    def terrain_decl(self, meta: Any, c: list[Any]) -> A.TerrainDecl:
        return A.TerrainDecl(self._id(c[0]), self._id(c[1]), c[2], c[3] or (), self._span(meta))

    def intruder_decl(self, meta: Any, c: list[Any]) -> A.IntruderDecl:
        points = tuple(x for x in c[1:] if isinstance(x, A.Point))
        options = tuple(x for x in c[1:] if isinstance(x, A.IntruderOption))
        return A.IntruderDecl(self._id(c[0]), points, options, self._span(meta))

    def loop_option(self, meta: Any, c: list[Any]) -> A.IntruderOption:
        return A.IntruderOption("loop", None, self._span(meta))

    def speed_option(self, meta: Any, c: list[Any]) -> A.IntruderOption:
        return A.IntruderOption("speed", c[0], self._span(meta))

    def route_decl(self, meta: Any, c: list[Any]) -> A.RouteDecl:
        return A.RouteDecl(self._id(c[0]), tuple(self._id(t) for t in c[1:]), self._span(meta))

    def task_decl(self, meta: Any, c: list[Any]) -> A.TaskDecl:
        handler = c[3] if isinstance(c[3], A.Block) else None
        policy = c[3] if isinstance(c[3], A.Policy) else None
        return A.TaskDecl(self._id(c[0]), c[1] or (), c[2], handler, self._span(meta), policy)

    def task_params(self, meta: Any, c: list[Any]) -> tuple[A.TaskParam, ...]:
        return tuple(c)

    def task_param(self, meta: Any, c: list[Any]) -> A.TaskParam:
        return A.TaskParam(self._id(c[0]), self._id(c[1]), self._span(meta))

    def on_failure(self, meta: Any, c: list[Any]) -> A.Block:
        return c[0]

    def on_failure_policy(self, meta: Any, c: list[Any]) -> A.Policy:
        return c[0]

    # ----------------------------------------------------------------- failure policies
    def retry_policy(self, meta: Any, c: list[Any]) -> A.Policy:
        return A.Policy("retry", c[0], c[1], None, self._span(meta))

    def later_policy(self, meta: Any, c: list[Any]) -> A.Policy:
        return A.Policy("later", None, None, None, self._span(meta))

    def skip_policy(self, meta: Any, c: list[Any]) -> A.Policy:
        return A.Policy("skip", None, None, None, self._span(meta))

    def abort_policy(self, meta: Any, c: list[Any]) -> A.Policy:
        return A.Policy("abort", None, None, None, self._span(meta))

    def with_policy(self, meta: Any, c: list[Any]) -> A.WithPolicy:
        return A.WithPolicy(c[0], c[1], self._span(meta))

    def with_handler(self, meta: Any, c: list[Any]) -> A.WithPolicy:
        policy = A.Policy("handler", None, None, c[1], c[1].span)
        return A.WithPolicy(c[0], policy, self._span(meta))

    def require_always(self, meta: Any, c: list[Any]) -> A.TemporalRequireDecl:
        return A.TemporalRequireDecl("always", c[0], None, None, self._span(meta))

    def require_within(self, meta: Any, c: list[Any]) -> A.TemporalRequireDecl:
        return A.TemporalRequireDecl("within", c[0], c[1], c[2], self._span(meta))

    def main_decl(self, meta: Any, c: list[Any]) -> A.MainDecl:
        return A.MainDecl(c[0], self._span(meta))

    def require_decl(self, meta: Any, c: list[Any]) -> A.RequireDecl:
        return A.RequireDecl(self._id(c[0]), str(c[1]), c[2], self._span(meta))

    def var_decl(self, meta: Any, c: list[Any]) -> A.VarDecl:
        return A.VarDecl(self._id(c[0]), c[1], self._span(meta))

    def var_true(self, meta: Any, c: list[Any]) -> A.BoolCond:
        return A.BoolCond(True, self._span(meta))

    def var_false(self, meta: Any, c: list[Any]) -> A.BoolCond:
        return A.BoolCond(False, self._span(meta))

    def set_var(self, meta: Any, c: list[Any]) -> A.SetVar:
        return A.SetVar(self._id(c[0]), c[1], self._span(meta))

    def set_var_step(self, meta: Any, c: list[Any]) -> A.SetVar:
        base, op, number = self._id(c[1]), str(c[2]), c[3]
        step = A.Quantity(float(number), None, str(number), self._tspan(number))
        end = step.span
        span = A.Span(self.path, base.span.line, base.span.col, end.end_line, end.end_col)
        return A.SetVar(self._id(c[0]), A.VarStep(base, op, step, span), self._span(meta))

    def vary_decl(self, meta: Any, c: list[Any]) -> A.VaryDecl:
        return A.VaryDecl(tuple(c), self._span(meta))

    def vary_item(self, meta: Any, c: list[Any]) -> A.VaryItem:
        region = self._id(c[1]) if c[1] is not None else None
        low = self._quantity(c[2], c[3])
        high = self._quantity(c[4], c[5]) if c[4] is not None else None
        return A.VaryItem(self._id(c[0]), region, low, high, self._span(meta))

    def _quantity(self, number: Any, unit: Any) -> A.Quantity:
        end = unit if unit is not None else number
        qspan = A.Span(self.path, number.line, number.column, end.end_line, end.end_column)
        text = str(number) if unit is None else f"{number} {unit}"
        return A.Quantity(float(number), None if unit is None else str(unit), text, qspan)

    def prop_block(self, meta: Any, c: list[Any]) -> tuple[A.Prop, ...]:
        return tuple(c)

    def prop(self, meta: Any, c: list[Any]) -> A.Prop:
        number, unit = c[1], c[2]
        end = unit if unit is not None else number
        qspan = A.Span(self.path, number.line, number.column, end.end_line, end.end_column)
        text = str(number) if unit is None else f"{number} {unit}"
        value = A.Quantity(float(number), None if unit is None else str(unit), text, qspan)
        return A.Prop(self._id(c[0]), value, self._span(meta))

    # ------------------------------------------------------------------- shapes and values
    def polygon(self, meta: Any, c: list[Any]) -> A.PolygonShape:
        return A.PolygonShape(tuple(c), self._span(meta))

    def circle(self, meta: Any, c: list[Any]) -> A.CircleShape:
        return A.CircleShape(c[0], c[1], self._span(meta))

    def rect(self, meta: Any, c: list[Any]) -> A.RectShape:
        return A.RectShape(c[0], c[1], self._span(meta))

    def point(self, meta: Any, c: list[Any]) -> A.Point:
        return A.Point(tuple(x for x in c if x is not None), self._span(meta))

    def quantity(self, meta: Any, c: list[Any]) -> A.Quantity:
        number, unit = c
        if type(meta) is tuple:  # self._span, inlined: every number with a unit
            return A.Quantity(float(number), str(unit), f"{number} {unit}",
                              _new_span(Span, (self.path, meta[0], meta[1], meta[3], meta[4])))
        return A.Quantity(float(number), str(unit), f"{number} {unit}", self._span(meta))

    def number(self, meta: Any, c: list[Any]) -> A.Quantity:
        return A.Quantity(float(c[0]), None, str(c[0]), self._span(meta))

    # -------------------------------------------------------------------------- statements
    def block(self, meta: Any, c: list[Any]) -> A.Block:
        if type(meta) is tuple:  # self._span, inlined: every block
            return A.Block(tuple(c), _new_span(Span, (self.path, meta[0], meta[1], meta[3],
                                                      meta[4])))
        return A.Block(tuple(c), self._span(meta))

    def sequence(self, meta: Any, c: list[Any]) -> A.Composite:
        return A.Composite("sequence", c[0], self._span(meta))

    def fallback(self, meta: Any, c: list[Any]) -> A.Composite:
        return A.Composite("fallback", c[0], self._span(meta))

    def parallel_all(self, meta: Any, c: list[Any]) -> A.Composite:
        return A.Composite("parallel_all", c[0], self._span(meta))

    def parallel_any(self, meta: Any, c: list[Any]) -> A.Composite:
        return A.Composite("parallel_any", c[0], self._span(meta))

    def repeat(self, meta: Any, c: list[Any]) -> A.Repeat:
        return A.Repeat(c[0], c[1], self._span(meta))

    def repeat_forever(self, meta: Any, c: list[Any]) -> A.Repeat:
        return A.Repeat(None, c[0], self._span(meta))

    def retry(self, meta: Any, c: list[Any]) -> A.Retry:
        return A.Retry(c[0], c[1], self._span(meta))

    def timeout(self, meta: Any, c: list[Any]) -> A.Timeout:
        return A.Timeout(c[0], c[1], self._span(meta))

    def if_stmt(self, meta: Any, c: list[Any]) -> A.If:
        first = A.Branch(c[0], c[1], A.Span(self.path, c[0].span.line, c[0].span.col,
                                           c[1].span.end_line, c[1].span.end_col))
        branches = (first, *(b for b in c[2:-1] if isinstance(b, A.Branch)))
        return A.If(tuple(branches), c[-1], self._span(meta))

    def else_if(self, meta: Any, c: list[Any]) -> A.Branch:
        return A.Branch(c[0], c[1], self._span(meta))

    def guard(self, meta: Any, c: list[Any]) -> A.Guard:
        return A.Guard(c[0], c[1], self._span(meta))

    def guard_restart(self, meta: Any, c: list[Any]) -> A.Guard:
        return A.Guard(c[0], c[1], self._span(meta), resume=False)

    def count_literal(self, meta: Any, c: list[Any]) -> A.Quantity:
        return A.Quantity(float(c[0]), None, str(c[0]), self._span(meta))

    def count_ref(self, meta: Any, c: list[Any]) -> A.Ident:
        return self._id(c[0])

    def place_ref(self, meta: Any, c: list[Any]) -> A.Ident:
        tok = c[0]  # self._id, inlined: one per place named
        return A.Ident(str(tok), _new_span(Span, (self.path, tok.line or 1, tok.column or 1,
                                               tok.end_line or 1, tok.end_column or 1)))

    def name_ref(self, meta: Any, c: list[Any]) -> A.Ident:
        tok = c[0]  # self._id, inlined: one per name used as a value
        return A.Ident(str(tok), _new_span(Span, (self.path, tok.line or 1, tok.column or 1,
                                               tok.end_line or 1, tok.end_column or 1)))

    def text(self, meta: Any, c: list[Any]) -> A.Text:
        return self._text(c[0])

    def call(self, meta: Any, c: list[Any]) -> A.Call:
        return A.Call(self._id(c[0]), c[1] or (), self._span(meta))

    def args(self, meta: Any, c: list[Any]) -> tuple[A.CallArg, ...]:
        return tuple(c)

    def named_arg(self, meta: Any, c: list[Any]) -> A.CallArg:
        return A.CallArg(self._id(c[0]), c[1], self._span(meta))

    def positional_arg(self, meta: Any, c: list[Any]) -> A.CallArg:
        return A.CallArg(None, c[0], self._span(meta))

    # -------------------------------------------------------------------------- conditions
    def or_cond(self, meta: Any, c: list[Any]) -> A.OrCond:
        return A.OrCond(c[0], c[1], self._span(meta))

    def and_cond(self, meta: Any, c: list[Any]) -> A.AndCond:
        return A.AndCond(c[0], c[1], self._span(meta))

    def not_cond(self, meta: Any, c: list[Any]) -> A.NotCond:
        return A.NotCond(c[0], self._span(meta))

    def compare(self, meta: Any, c: list[Any]) -> A.Compare:
        return A.Compare(self._id(c[0]), str(c[1]), c[2], self._span(meta))

    def distance(self, meta: Any, c: list[Any]) -> A.DistanceCond:
        return A.DistanceCond(c[0], str(c[1]), c[2], self._span(meta))

    def terrain_is(self, meta: Any, c: list[Any]) -> A.TerrainIs:
        return A.TerrainIs(self._id(c[0]), self._span(meta))

    def gait_is(self, meta: Any, c: list[Any]) -> A.GaitIs:
        return A.GaitIs(self._id(c[0]), self._span(meta))

    def fact(self, meta: Any, c: list[Any]) -> A.FactCond:
        return A.FactCond(self._id(c[0]), None, self._span(meta))

    def fact_arg(self, meta: Any, c: list[Any]) -> A.FactCond:
        return A.FactCond(self._id(c[0]), self._id(c[1]), self._span(meta))

    def true_cond(self, meta: Any, c: list[Any]) -> A.BoolCond:
        return A.BoolCond(True, self._span(meta))

    def false_cond(self, meta: Any, c: list[Any]) -> A.BoolCond:
        return A.BoolCond(False, self._span(meta))
