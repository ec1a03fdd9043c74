"""Mathematical notation, read by a grammar: text -> an expression tree (:class:`Node`).

People type formulas the way books, papers and slides write them: ``2x``, ``x y``,
``0.26(x² + y²)``, ``sin(x) cos(y)``, ``sin x``, ``(x − 1)²(1 + sin²(3πy))``, or LaTeX such as
``\\frac{1}{2}\\sqrt{x^{2}+y^{2}}``. A Lark LALR(1) grammar reads them; it is strict (a
conflict in the grammar fails at start-up), so every text has at most one reading and the
reading takes time linear in the text. The text is only ever matched by regular expressions
and the grammar: nothing is evaluated. :mod:`formula` builds SymPy from the tree.

Conventions (the ones calculators and math parsers share):
- a product may be written without ``*`` when a number, a variable, a constant or a closing
  bracket is followed by a variable, a constant, a function, a root, a fraction, bars or an
  opening bracket; never before a number (``x2`` and ``2 3`` are refused, not guessed);
- implicit and explicit products have the same precedence, left to right (``1/2x`` is
  ``(1/2)·x``), below the power (``2x^2`` is ``2·x²``) and above a sign (``-x^2`` is ``−(x²)``);
  ``^`` (or ``**``) groups to the right (``2^3^2`` is ``2⁹``);
- a function applied without brackets takes the product of numbers, variables and constants
  that follows it (``sin 2πx`` is ``sin(2πx)``; ``sin x cos y`` is ``sin(x)·cos(y)``), and a
  bracket right after such an argument is refused as ambiguous (``sin x (y + 1)``);
- ``sin^2 x`` and ``sin²(x)`` are ``(sin x)²``; ``√`` and ``\\sqrt`` take one atom (``√2x`` is
  ``√2·x``), ``\\sqrt[n]{…}`` is the n-th root;
- letters run together are split into known names with the fewest pieces (``xy`` is ``x·y``,
  ``sinx`` is ``sin x``, ``exp`` is the function); anything else is an unknown name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lark import PostLex

from .base import FormulaError  # declared without SymPy or Lark: the page catches it cheaply

MAX_LENGTH = 1000  # characters of formula text (LaTeX pasted from a paper is wordy)
MAX_NODES = 200  # nodes of the expression tree (Goldstein–Price, the longest classic, has 77)
MAX_DEPTH = 30  # nesting of the tree (brackets, signs, powers, calls)

VARIABLES = ("x", "y")
CONSTANTS = {"pi": "pi", "π": "pi", "e": "e"}
# every spelling of a function -> its name in the tree (formula.FUNCTIONS gives its meaning)
FUNCTIONS = {name: name for name in ("sin", "cos", "tan", "exp", "log", "log10", "sqrt", "abs",
                                     "tanh", "sinh", "cosh", "arctan")}  # fmt: skip
FUNCTIONS.update({"ln": "log", "atan": "arctan"})
_WORDS = {**{v: ("VAR", v) for v in VARIABLES}, **{c: ("CONST", n) for c, n in CONSTANTS.items() if c.isascii()},
          **{f: ("FUNC", n) for f, n in FUNCTIONS.items() if f.isalpha()}}  # fmt: skip

# LaTeX commands: what each one is in the grammar (None: only layout, dropped)
_LATEX: dict[str, tuple[str, str] | None] = {
    **{f"\\{f}": ("FUNC", n) for f, n in FUNCTIONS.items() if f.isalpha()},
    "\\arctan": ("FUNC", "arctan"), "\\pi": ("CONST", "pi"), "\\cdot": ("TIMES", "*"),
    "\\times": ("TIMES", "*"), "\\div": ("DIVIDE", "/"), "\\frac": ("FRAC", "frac"),
    "\\dfrac": ("FRAC", "frac"), "\\tfrac": ("FRAC", "frac"), "\\sqrt": ("ROOT", "sqrt"),
    "\\lvert": ("BAR_OPEN", "|"), "\\rvert": ("BAR_CLOSE", "|"), "\\vert": ("BAR", "|"),
    **dict.fromkeys(("\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr",
                     "\\big", "\\Big", "\\bigg", "\\Bigg", "\\displaystyle", "\\quad", "\\qquad",
                     "\\mathrm", "\\operatorname")),
}  # fmt: skip

GRAMMAR = r"""
start: LHS? sum

?sum: product
    | sum PLUS product                  -> add
    | sum MINUS product                 -> sub

?product: open_product | closed_product

// a product a variable or a bracket may follow without "*": 2x, x y, (x + 1)(x - 1)
?open_product: signed_open
    | product TIMES signed_open         -> mul
    | product DIVIDE signed_open        -> div
    | open_product tight                -> imul
    | open_product grouped              -> imul
    | product loose                     -> imul

// a product that ends in a function applied without brackets (sin x): only another
// function, root, fraction or bars may follow it without "*"
?closed_product: signed_closed
    | product TIMES signed_closed       -> mul
    | product DIVIDE signed_closed      -> div
    | product bare_call                 -> imul

?signed_open: MINUS signed_open         -> neg
    | PLUS signed_open                  -> pos
    | number | tight | grouped | loose
?signed_closed: MINUS signed_closed     -> neg
    | PLUS signed_closed                -> pos
    | bare_call

// factors, each with an optional exponent; the exponent is one signed factor (x^-2, e^x^2)
?number: NUMBER | NUMBER power_tail     -> power
?tight: name | name power_tail          -> power
?grouped: group | group power_tail      -> power
?loose: call | root | frac | abs
    | (call | root | frac | abs) power_tail -> power
?name: VAR | CONST
power_tail: POW exponent | SUP
?exponent: MINUS exponent               -> neg
    | PLUS exponent                     -> pos
    | number | tight | grouped | loose

group: LPAR sum RPAR | LSQB sum RSQB | LBRACE sum RBRACE
call: FUNC group | FUNC power_tail group
bare_call: FUNC bare | FUNC power_tail bare
?bare: number | tight | bare tight      -> imul
root: ROOT root_arg | ROOT_N sum RSQB root_arg
?root_arg: NUMBER | name | group | abs
frac: FRAC group group
abs: BAR_OPEN sum BAR_CLOSE

NUMBER: /(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/
WORD: /[A-Za-z]+/
LOG10.2: /\\?log_?(10|\{10\})/
COMMAND: /\\[A-Za-z]+/
ROOT_N.2: /\\sqrt\s*\[/
ROOT: "√"
CONST: "π"
PLUS: "+"
MINUS: /[-\u2212\u2013]/
TIMES: /\*|[\u00b7\u00d7\u22c5\u2217]/
DIVIDE: /[\/\u00f7]/
POW: /\*\*|\^/
SUP: /\u207b?[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+/
LPAR: "("
RPAR: ")"
LSQB: "["
RSQB: "]"
LBRACE: /\\?\{/
RBRACE: /\\?\}/
BAR: "|"
LHS.3: /[fF]\s*\(\s*x\s*,\s*y\s*\)\s*=/
%declare VAR FUNC FRAC BAR_OPEN BAR_CLOSE
%ignore /[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+/
%ignore /\\[,;:! ]/
%ignore "$"
"""

# how the message names what the grammar expected at the place where reading stopped
_SAYS = {"RPAR": "')'", "RSQB": "']'", "RBRACE": "'}'", "BAR_CLOSE": "the closing '|'",
         "$END": "the end of the formula"}  # fmt: skip
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


@dataclass(frozen=True)
class Node:
    """One node of the expression tree: ``op`` is ``number``, ``x``, ``y``, ``pi``, ``e``,
    ``+ - * / ^``, ``neg`` or a function's name (``root``: the n-th root, index first).
    ``pos`` is where it starts in the text; ``text`` is a number as typed."""

    op: str
    args: tuple[Node, ...] = ()
    pos: int = 0
    text: str = ""
    depth: int = field(default=1, compare=False)
    size: int = field(default=1, compare=False)

    def __str__(self) -> str:
        """The tree as an S-expression: ``2x^2`` is ``(* 2 (^ x 2))``."""
        if not self.args:
            return self.text or self.op
        return "(" + " ".join([self.op, *map(str, self.args)]) + ")"


def _node(op: str, args: tuple[Node, ...], pos: int, text: str = "") -> Node:
    # a chain a + b + c ... is nested to the left by the grammar but written flat: only what
    # is nested inside its operands counts (the node count bounds the chain's length)
    chained = op in "+-*/" and len(args) == 2
    depth = max(args[0].depth, args[1].depth + 1) if chained else 1 + max((a.depth for a in args), default=0)
    if depth > MAX_DEPTH:
        raise FormulaError(
            f"the formula is nested more than {MAX_DEPTH} levels deep (position {pos + 1})", pos
        )
    return Node(op, args, pos, text, depth, 1 + sum(a.size for a in args))


def _leaf(token: Token) -> Node:
    if token.type == "NUMBER":
        return _node("number", (), token.start_pos, str(token))
    return _node(str(token), (), token.start_pos)


def _arg(item: Token | Node) -> Node:
    return item if isinstance(item, Node) else _leaf(item)


class _ToTree(Transformer):
    """Builds :class:`Node` s while the parser reduces (no parse tree, no recursion)."""

    def start(self, items):
        return _arg(items[-1])

    def _binary(self, op: str, items) -> Node:
        left, right = _arg(items[0]), _arg(items[-1])
        return _node(op, (left, right), left.pos)

    def add(self, items):
        return self._binary("+", items)

    def sub(self, items):
        return self._binary("-", items)

    def mul(self, items):
        return self._binary("*", items)

    imul = mul

    def div(self, items):
        return self._binary("/", items)

    def neg(self, items):
        return _node("neg", (_arg(items[1]),), items[0].start_pos)

    def pos(self, items):
        return _arg(items[1])

    def power(self, items):
        base = _arg(items[0])
        return _node("^", (base, items[1]), base.pos)

    def power_tail(self, items):
        if len(items) == 2:
            return _arg(items[1])
        sup = items[0]
        return _node("number", (), sup.start_pos, str(sup).translate(_SUPERSCRIPT))

    def group(self, items):
        return _arg(items[1])

    def call(self, items):
        fn, arg = items[0], _arg(items[-1])
        applied = _node(str(fn), (arg,), fn.start_pos)
        return _node("^", (applied, items[1]), fn.start_pos) if len(items) == 3 else applied

    bare_call = call

    def root(self, items):
        sign, arg = items[0], _arg(items[-1])
        if sign.type == "ROOT_N":
            return _node("root", (_arg(items[1]), arg), sign.start_pos)
        return _node("sqrt", (arg,), sign.start_pos)

    def frac(self, items):
        return _node("/", (items[1], items[2]), items[0].start_pos)

    def abs(self, items):
        return _node("abs", (_arg(items[1]),), items[0].start_pos)


def _split_word(word: str) -> list[str] | None:
    """``word`` as known names with the fewest pieces (``xy`` -> x, y), or None."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            piece, before = word[start:end], best[start]
            if (
                piece in _WORDS
                and before is not None
                and (best[end] is None or len(before) + 1 < len(best[end]))
            ):
                best[end] = [*before, piece]
    return best[-1]


class _Words(PostLex):
    """Gives the tokens their meaning in context: letters run together become names,
    LaTeX commands their tokens, and each ``|`` an opening or a closing bar."""

    always_accept = ("WORD", "COMMAND", "BAR", "LOG10")  # only for the contextual lexer

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        openers: list[str] = []
        previous = ""
        for token in self._words(stream):
            if token.type == "BAR":
                closes = bool(openers) and openers[-1] == "|" and previous in _ENDS_OPERAND
                token = Token.new_borrow_pos("BAR_CLOSE" if closes else "BAR_OPEN", "|", token)
            if token.type in _OPENS:
                openers.append("|" if token.type == "BAR_OPEN" else token.type)
                if len(openers) > MAX_DEPTH:
                    raise FormulaError(
                        f"the formula is nested more than {MAX_DEPTH} levels deep", token.start_pos
                    )
            elif token.type in _CLOSES and openers:
                openers.pop()
            previous = token.type
            yield token

    def _words(self, stream: Iterator[Token]) -> Iterator[Token]:
        for token in stream:
            if token.type == "WORD":
                yield from _named(token)
            elif token.type == "COMMAND":
                meaning = _latex(token)
                if meaning is not None:
                    yield Token.new_borrow_pos(meaning[0], meaning[1], token)
            elif token.type == "LOG10":
                yield Token.new_borrow_pos("FUNC", "log10", token)
            elif token.type == "CONST":
                yield Token.new_borrow_pos("CONST", CONSTANTS[str(token)], token)
            else:
                yield token


_OPENS = ("LPAR", "LSQB", "LBRACE", "BAR_OPEN", "ROOT_N")
_CLOSES = ("RPAR", "RSQB", "RBRACE", "BAR_CLOSE")
_ENDS_OPERAND = ("NUMBER", "VAR", "CONST", "RPAR", "RSQB", "RBRACE", "BAR_CLOSE", "SUP")


def _named(token: Token) -> Iterator[Token]:
    word = str(token)
    pieces = _split_word(word)
    if pieces is None:
        raise FormulaError(
            f"unknown name {word[:20]!r} (position {token.start_pos + 1}); a formula may use x, y, pi, e "
            f"and the functions {', '.join(sorted(f for f in FUNCTIONS if f.isalpha()))}",
            token.start_pos,
        )
    at = token.start_pos
    for piece in pieces:
        kind, name = _WORDS[piece]
        yield Token(
            kind, name, at, token.line, token.column + at - token.start_pos, None, None, at + len(piece)
        )
        at += len(piece)


def _latex(token: Token) -> tuple[str, str] | None:
    command = str(token)
    if command not in _LATEX:
        raise FormulaError(
            f"the LaTeX command {command[:20]} (position {token.start_pos + 1}) is not one a formula "
            r"may use (\frac, \sqrt, \cdot, \left( \right), \pi and the functions such as \sin)",
            token.start_pos,
        )
    return _LATEX[command]


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", lexer="basic", postlex=_Words(), transformer=_ToTree(), strict=True)


@cache
def _lexer() -> Lark:
    # a lexer of its own for reading the tokens before an error: Lark's parser builds (and
    # checks, ~0.08 s) a new lexer at every `lex` call, only a parser-less Lark keeps one
    return Lark(GRAMMAR, parser=None, lexer="basic", postlex=_Words(), strict=True)


def read(text: str) -> Node:
    """The expression tree of ``text``; raises :class:`FormulaError` saying where and why."""
    try:
        return _parser().parse(text)
    except UnexpectedCharacters as e:
        raise FormulaError(_unknown_character(text, e.pos_in_stream), e.pos_in_stream) from None
    except UnexpectedToken as e:
        raise FormulaError(_unexpected(text, e), _where(text, e)) from None
    except UnexpectedInput as e:  # pragma: no cover - the two above are all LALR raises
        raise FormulaError("could not read the formula") from e


def _unknown_character(text: str, at: int) -> str:
    ch = text[at]
    shown = repr(ch) if ch.isprintable() and ch.isascii() else f"{ch!r} ({unicodedata.name(ch, 'unnamed')})"
    return f"the character {shown} at position {at + 1} is not part of a formula"


def _where(text: str, e: UnexpectedToken) -> int:
    return len(text) if e.token.type == "$END" else e.token.start_pos


def _unexpected(text: str, e: UnexpectedToken) -> str:
    at = _where(text, e)
    if e.token.type == "$END":
        found = "the formula ends too early"
    else:
        found = f"reading stopped at position {at + 1} ({text[at : e.token.end_pos][:12]!r})"
    hint = _hint(e)
    return (
        f"{found}: {hint}"
        if hint
        else f"{found}: expected {_expected(e.expected, _open_bracket(text, at))} there"
    )


def _open_bracket(text: str, at: int) -> str | None:
    """The innermost bracket still open before position ``at`` (its opening token's type)."""
    openers: list[str] = []
    for token in _lexer().lex(text[:at]):
        if token.type in _OPENS:
            openers.append(token.type)
        elif token.type in _CLOSES and openers:
            openers.pop()
    return openers[-1] if openers else None


def _expected(names: set[str], open_bracket: str | None) -> str:
    """What the grammar accepts there, in words; of the closing brackets only the one that
    matches the innermost open bracket (LALR's tables also list the others)."""
    words = []
    if "TIMES" in names:
        words.append("an operator (+ − * / ^)")
    if "NUMBER" in names:
        words.append("a number, x, y, a function or '('")
    elif "LPAR" in names:
        words.append("an opening bracket")
    closer = _CLOSER.get(open_bracket or "")
    if closer in names:
        words.append(_SAYS[closer])
    if "$END" in names and open_bracket is None:
        words.append(_SAYS["$END"])
    return ", or ".join(words) or "something else"


_CLOSER = {"LPAR": "RPAR", "LSQB": "RSQB", "LBRACE": "RBRACE", "BAR_OPEN": "BAR_CLOSE", "ROOT_N": "RSQB"}


def _hint(e: UnexpectedToken) -> str:
    if e.token.type == "NUMBER" and "NUMBER" not in e.expected:
        return "a number after x, y or a bracket needs a * before it"
    if e.token.type in ("LPAR", "LSQB") and "LPAR" not in e.expected:
        return (
            "a bracket after a function written without brackets is ambiguous: write sin(x)·(…) or sin(x·(…))"
        )
    return ""


# -- showing back what was read: the tree as LaTeX, brackets only where the tree needs them --
_LEVEL = {"+": 1, "-": 1, "*": 2, "/": 4, "neg": 2, "^": 3}  # 4: an atom, a call, a fraction
_TEX_CALL = {"log": r"\ln", "log10": r"\log_{10}", "arctan": r"\arctan"}


def to_latex(node: Node) -> str:
    """LaTeX of the tree as read (not simplified), so an unexpected reading shows."""
    op, args = node.op, node.args
    if op == "number":
        mantissa, _, power = node.text.lower().partition("e")
        return mantissa + (rf" \cdot 10^{{{int(power)}}}" if power else "")
    if not args:
        return {"pi": r"\pi"}.get(op, op)
    if op in ("+", "-"):
        right = _wrapped(args[1], 2 if op == "-" else 1, neg_too=True)
        return f"{to_latex(args[0])} {op} {right}"
    if op == "*":
        right = _wrapped(args[1], 2, neg_too=True)
        joint = r" \cdot " if right[:1].isdigit() or right.startswith(r"\frac") else r" \, "
        return _wrapped(args[0], 2) + joint + right
    if op == "/":
        return rf"\frac{{{to_latex(args[0])}}}{{{to_latex(args[1])}}}"
    if op == "neg":
        return "-" + _wrapped(args[0], 2)
    if op == "^":
        return f"{_wrapped(args[0], 4, neg_too=True)}^{{{to_latex(args[1])}}}"
    return _call_latex(node)


def _call_latex(node: Node) -> str:
    inner = [to_latex(a) for a in node.args]
    if node.op == "sqrt":
        return rf"\sqrt{{{inner[0]}}}"
    if node.op == "root":
        return rf"\sqrt[{inner[0]}]{{{inner[1]}}}"
    if node.op == "abs":
        return rf"\left|{inner[0]}\right|"
    name = _TEX_CALL.get(node.op, "\\" + node.op)
    return rf"{name}\left({inner[0]}\right)"


def _wrapped(node: Node, level: int, neg_too: bool = False) -> str:
    """``node`` in brackets when it binds more loosely than ``level`` (or is a sign)."""
    tex = to_latex(node)
    loose = _LEVEL.get(node.op, 4) < level or (node.op == "number" and level >= 4 and "cdot" in tex)
    if loose or (neg_too and (node.op == "neg" or node.text.startswith("-"))):
        return rf"\left({tex}\right)"
    return tex


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise FormulaError("the formula must be text")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters ({len(text)})")
    if not text.strip():
        raise FormulaError("the formula is empty")
    return text


def read_formula(text: object) -> Node:
    """The expression tree of ``text``, within the size limits; raises `FormulaError`."""
    tree = read(_check_text(text))
    if tree.size > MAX_NODES:
        raise FormulaError(f"the formula has more than {MAX_NODES} parts")
    return tree
