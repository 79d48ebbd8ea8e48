"""Score expressions over layers, as the Navigator's "create layer from other layers" takes them.

The stock Navigator hands the expression to math.js; llmnav parses the part of that
language a score expression needs with a small recursive-descent parser and
evaluates the tree itself (nothing is ever passed to ``eval`` or ``compile``).

Grammar, lowest precedence first (the precedence is math.js's)::

    expression  := or_expr [ "?" expression ":" expression ]
    or_expr     := xor_expr { "or" xor_expr }
    xor_expr    := and_expr { "xor" and_expr }
    and_expr    := not_expr { "and" not_expr }
    not_expr    := "not" not_expr | comparison
    comparison  := additive { ("==" | "!=" | "<" | "<=" | ">" | ">=") additive }
    additive    := term { ("+" | "-") term }
    term        := unary { ("*" | "/") unary }
    unary       := ("-" | "+") unary | power
    power       := primary [ "^" unary ]
    primary     := NUMBER | VARIABLE | FUNCTION "(" expression { "," expression } ")"
                 | "(" expression ")"

``VARIABLE`` is one letter, ``a`` for the first layer, ``b`` for the second and
so on; ``FUNCTION`` is ``min``, ``max`` or ``abs``. Comparisons give 1 (true)
or 0 (false), chain as in math.js (``a < b < c`` means ``a < b and b < c``),
and ``and``/``or``/``xor``/``not`` treat any non-zero number as true. The text
is lower-cased first, as the Navigator does.

>>> expression = parse_expression("(a + b) / 2")
>>> expression.variables
('a', 'b')
>>> expression.evaluate({"a": 10, "b": 30})
20.0
>>> parse_expression("a > b and a >= 75").evaluate({"a": 80, "b": 10})
1.0
>>> parse_expression("a / b").evaluate({"a": 1, "b": 0}) is None   # no score
True
>>> try:
...     parse_expression("a + * b")
... except ExpressionError as error:
...     print(error)
Expected a number, a layer variable, a function or '(', found '*' at position 5 of the
score expression:
    a + * b
        ^
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from llmnav.errors import ConfigError

__all__ = [
    "FUNCTIONS",
    "Expression",
    "ExpressionError",
    "parse_expression",
    "variable_name",
]

FUNCTIONS: dict[str, tuple[int, int | None]] = {"abs": (1, 1), "max": (1, None), "min": (1, None)}
"""Function name -> (fewest, most) arguments; ``None`` for any number."""

_KEYWORDS = frozenset({"and", "or", "xor", "not"})
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)
  | (?P<name>[a-z_][a-z0-9_]*)
  | (?P<op><=|>=|==|!=|[-+*/^()<>?:,])
    """,
    re.VERBOSE,
)


def variable_name(index: int) -> str:
    """The variable of the layer at ``index`` (0 -> ``a``, 25 -> ``z``).

    >>> variable_name(1)
    'b'
    """
    if not 0 <= index < 26:
        raise ConfigError(f"A score expression can name at most 26 layers (a-z), not {index + 1}")
    return chr(ord("a") + index)


class ExpressionError(ConfigError):
    """A score expression that cannot be parsed or names something unknown.

    ``position`` is the 1-based character position of the problem in ``expression``;
    the message ends with the expression and a caret under that position.
    """

    def __init__(self, message: str, expression: str, position: int) -> None:
        self.expression = expression
        self.position = position
        super().__init__(
            f"{message} at position {position} of the\nscore expression:\n"
            f"    {expression}\n    {' ' * (position - 1)}^"
        )


class _NoScore(Exception):
    """Raised while evaluating when the result has no value (division by zero)."""


@dataclass(frozen=True, slots=True)
class _Token:
    kind: Literal["number", "name", "op", "end"]
    text: str
    position: int  # 1-based


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(text):
        match = _TOKEN.match(text, index)
        if match is None:
            raise ExpressionError(f"Unexpected character {text[index]!r}", text, index + 1)
        kind = match.lastgroup
        if kind != "space":
            tokens.append(_Token(kind, match.group(), index + 1))  # type: ignore[arg-type]
        index = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


# -- the tree ------------------------------------------------------------------------

Scope = Mapping[str, float]


@dataclass(frozen=True, slots=True)
class _Number:
    value: float

    def run(self, scope: Scope) -> float:
        return self.value


@dataclass(frozen=True, slots=True)
class _Variable:
    name: str

    def run(self, scope: Scope) -> float:
        return float(scope[self.name])


def _truth(value: float) -> float:
    return 1.0 if value else 0.0


def _divide(left: float, right: float) -> float:
    if right == 0:
        raise _NoScore
    return left / right


def _power(left: float, right: float) -> float:
    try:
        result = math.pow(left, right)
    except (OverflowError, ValueError, ZeroDivisionError):
        raise _NoScore from None
    return result


_BINARY: dict[str, Callable[[float, float], float]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": _divide,
    "^": _power,
    "==": lambda x, y: _truth(x == y),
    "!=": lambda x, y: _truth(x != y),
    "<": lambda x, y: _truth(x < y),
    "<=": lambda x, y: _truth(x <= y),
    ">": lambda x, y: _truth(x > y),
    ">=": lambda x, y: _truth(x >= y),
    "xor": lambda x, y: _truth(bool(x) != bool(y)),
}


@dataclass(frozen=True, slots=True)
class _Binary:
    op: str
    left: _Node
    right: _Node

    def run(self, scope: Scope) -> float:
        left = self.left.run(scope)
        if self.op == "and":
            return _truth(bool(left) and bool(self.right.run(scope)))
        if self.op == "or":
            return _truth(bool(left) or bool(self.right.run(scope)))
        return _BINARY[self.op](left, self.right.run(scope))


@dataclass(frozen=True, slots=True)
class _Chain:
    """``a < b <= c``: every neighbouring comparison holds."""

    operands: tuple[_Node, ...]
    ops: tuple[str, ...]

    def run(self, scope: Scope) -> float:
        left = self.operands[0].run(scope)
        for op, node in zip(self.ops, self.operands[1:], strict=True):
            right = node.run(scope)
            if not _BINARY[op](left, right):
                return 0.0
            left = right
        return 1.0


@dataclass(frozen=True, slots=True)
class _Unary:
    op: str
    operand: _Node

    def run(self, scope: Scope) -> float:
        value = self.operand.run(scope)
        if self.op == "-":
            return -value
        if self.op == "not":
            return _truth(not value)
        return value


@dataclass(frozen=True, slots=True)
class _Conditional:
    condition: _Node
    then: _Node
    otherwise: _Node

    def run(self, scope: Scope) -> float:
        branch = self.then if self.condition.run(scope) else self.otherwise
        return branch.run(scope)


@dataclass(frozen=True, slots=True)
class _Call:
    name: str
    arguments: tuple[_Node, ...]

    def run(self, scope: Scope) -> float:
        values = [argument.run(scope) for argument in self.arguments]
        if self.name == "abs":
            return abs(values[0])
        return max(values) if self.name == "max" else min(values)


_Node = _Number | _Variable | _Binary | _Chain | _Unary | _Conditional | _Call


# -- the parser ----------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0
        self.variables: dict[str, int] = {}  # name -> first position

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def error(self, message: str, token: _Token | None = None) -> ExpressionError:
        return ExpressionError(message, self.text, (token or self.token).position)

    def accept(self, *texts: str) -> _Token | None:
        token = self.token
        if token.kind in ("op", "name") and token.text in texts:
            self.index += 1
            return token
        return None

    def expect(self, text: str, what: str) -> None:
        if self.accept(text) is None:
            found = "the end" if self.token.kind == "end" else repr(self.token.text)
            raise self.error(f"Expected {what}, found {found}")

    def parse(self) -> _Node:
        if self.token.kind == "end":
            raise self.error("The score expression is empty")
        node = self.expression()
        if self.index != len(self.tokens) - 1:
            raise self.error(f"Unexpected {self.token.text!r}")
        return node

    def expression(self) -> _Node:
        node = self.or_expr()
        if self.accept("?"):
            then = self.expression()
            self.expect(":", "':' of 'condition ? then : else'")
            otherwise = self.expression()
            node = _Conditional(node, then, otherwise)
        return node

    def _left(self, operand: Callable[[], _Node], *ops: str) -> _Node:
        node = operand()
        while (token := self.accept(*ops)) is not None:
            node = _Binary(token.text, node, operand())
        return node

    def or_expr(self) -> _Node:
        return self._left(self.xor_expr, "or")

    def xor_expr(self) -> _Node:
        return self._left(self.and_expr, "xor")

    def and_expr(self) -> _Node:
        return self._left(self.not_expr, "and")

    def not_expr(self) -> _Node:
        if self.accept("not"):
            return _Unary("not", self.not_expr())
        return self.comparison()

    def comparison(self) -> _Node:
        operands = [self.additive()]
        ops: list[str] = []
        while (token := self.accept("==", "!=", "<", "<=", ">", ">=")) is not None:
            ops.append(token.text)
            operands.append(self.additive())
        if not ops:
            return operands[0]
        if len(ops) == 1:
            return _Binary(ops[0], operands[0], operands[1])
        return _Chain(tuple(operands), tuple(ops))

    def additive(self) -> _Node:
        return self._left(self.term, "+", "-")

    def term(self) -> _Node:
        return self._left(self.unary, "*", "/")

    def unary(self) -> _Node:
        if (token := self.accept("-", "+")) is not None:
            return _Unary(token.text, self.unary())
        return self.power()

    def power(self) -> _Node:
        node = self.primary()
        if self.accept("^"):
            node = _Binary("^", node, self.unary())
        return node

    def primary(self) -> _Node:
        token = self.token
        if token.kind == "number":
            self.index += 1
            value = float(token.text)
            if not math.isfinite(value):
                raise self.error(f"Number {token.text} is too large", token)
            return _Number(value)
        if self.accept("("):
            node = self.expression()
            self.expect(")", "')'")
            return node
        if token.kind == "name":
            return self.name(token)
        found = "the end" if token.kind == "end" else repr(token.text)
        raise self.error(f"Expected a number, a layer variable, a function or '(', found {found}")

    def name(self, token: _Token) -> _Node:
        self.index += 1
        if token.text in FUNCTIONS:
            if self.accept("(") is None:
                raise self.error(f"Function {token.text} needs '(' after its name")
            arguments = [self.expression()]
            while self.accept(","):
                arguments.append(self.expression())
            self.expect(")", f"')' to close {token.text}(")
            fewest, most = FUNCTIONS[token.text]
            if len(arguments) < fewest or (most is not None and len(arguments) > most):
                wanted = str(fewest) if most == fewest else f"at least {fewest}"
                raise self.error(
                    f"Function {token.text} takes {wanted} argument(s), not {len(arguments)}",
                    token,
                )
            return _Call(token.text, tuple(arguments))
        if len(token.text) == 1 and token.text.isalpha():
            self.variables.setdefault(token.text, token.position)
            return _Variable(token.text)
        if token.text in _KEYWORDS:
            raise self.error(f"{token.text!r} needs an operand before it", token)
        raise self.error(
            f"Unknown name {token.text!r}: layers are a, b, c ... and the functions are "
            + ", ".join(sorted(FUNCTIONS)),
            token,
        )


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed score expression; :meth:`evaluate` it once per technique.

    ``variables`` are the layer letters used, in alphabetical order, and
    ``positions`` where each first appears (1-based), for error messages.
    """

    text: str
    _root: _Node = field(repr=False)
    positions: Mapping[str, int] = field(default_factory=dict, repr=False)

    @property
    def variables(self) -> tuple[str, ...]:
        """The layer variables the expression uses, sorted."""
        return tuple(sorted(self.positions))

    def check_variables(self, count: int) -> None:
        """Raise :class:`ExpressionError` for a variable beyond the ``count`` layers given."""
        for name in self.variables:
            if ord(name) - ord("a") >= count:
                known = ", ".join(variable_name(i) for i in range(min(count, 26))) or "none"
                raise ExpressionError(
                    f"Variable {name!r} names layer {ord(name) - ord('a') + 1}, but only "
                    f"{count} layer(s) were given (variables: {known})",
                    self.text,
                    self.positions[name],
                )

    def evaluate(self, scope: Mapping[str, float]) -> float | None:
        """The value for one technique, or ``None`` when it has none (division by zero,
        a result too large to be a number)."""
        try:
            value = self._root.run(scope)
        except (_NoScore, OverflowError):
            return None
        return value if math.isfinite(value) else None


def parse_expression(text: str) -> Expression:
    """Parse a score expression (see the module docstring for the language).

    Raises:
        ExpressionError: a syntax error or an unknown name, with its position.
    """
    lowered = text.lower()
    parser = _Parser(lowered)
    root = parser.parse()
    return Expression(lowered, root, dict(parser.variables))
