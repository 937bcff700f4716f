"""JSONPath and reference paths as Step Functions evaluates them (Jayway JSONPath semantics).

A path is compiled once into a `Path` of steps. A *definite* path (only names and single indexes) returns
the value it points at; an indefinite one (`[*]`, `..`, `[0,1]`, slices, filters) returns the list of
matches. Paths start at `$` (the input), `$$` (the context object) or `$name` (a variable).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, Final

from workflows.engine.errors import PathSyntaxError

ROOT_INPUT: Final = "$"
ROOT_CONTEXT: Final = "$$"
ROOT_VARIABLE: Final = "var"

_NAME_STOP = frozenset(".[]()'\" \t\r\n")
MAX_NESTING = 64  # deeper filters are certainly mistakes, and would exhaust Python's stack
_OPERATORS = ("==", "!=", "<=", ">=", "=~", "<", ">")


class PathNotFound(LookupError):
    """A definite path that points at nothing in the document (an internal signal, never user-facing).

    `step` is the name or index that could not be applied; `index_out_of_range` says the miss was an
    array index past the end, which payload templates forgive (AWS resolves it to null there).
    """

    def __init__(
        self,
        source: str,
        step: str | int | None = None,
        *,
        index_out_of_range: bool = False,
        position: int | None = None,
    ) -> None:
        super().__init__(source)
        self.step = step
        self.index_out_of_range = index_out_of_range
        self.position = position  # which of a definite path's keys could not be applied


Step = tuple[Any, ...]
Predicate = Callable[[Any, Any], bool]


class Path:
    """A compiled path: `get(document)` reads it, `set(document, value)` writes a reference path."""

    __slots__ = ("definite", "keys", "root", "source", "steps", "variable")

    def __init__(self, source: str, root: str, variable: str | None, steps: list[Step]) -> None:
        self.source = source
        self.root = root
        self.variable = variable
        self.steps = tuple(steps)
        self.definite = all(step[0] in ("key", "index") for step in steps)
        self.keys: tuple[str | int, ...] = tuple(step[1] for step in steps) if self.definite else ()

    def __repr__(self) -> str:
        return f"Path({self.source!r})"

    def normalized(self, length: int | None = None) -> str:
        """The path (or its first `length` steps) in Jayway's normalized form, `$['a'][0]`, as AWS quotes
        it in error causes."""
        parts = []
        for step in self.steps[:length]:
            if step[0] == "key":
                parts.append(f"['{step[1]}']")
            elif step[0] == "index":
                parts.append(f"[{step[1]}]")
            else:
                return self.source
        return ("$$" if self.root == ROOT_CONTEXT else "$") + "".join(parts)

    @property
    def is_reference(self) -> bool:
        """A reference path names one node and can be written to (ResultPath, Choice Variable)."""
        return self.definite

    def get(self, document: Any) -> Any:
        """The value at this path (definite) or the list of matches (indefinite); PathNotFound if none."""
        if not self.definite:
            return list(_walk(document, self.steps, 0, document))
        value = document
        for position, key in enumerate(self.keys):
            if type(key) is str:
                if type(value) is not dict or key not in value:
                    raise PathNotFound(self.source, key, position=position)
                value = value[key]
            else:
                if type(value) is not list:
                    raise PathNotFound(self.source, key, position=position)
                if not -len(value) <= key < len(value):  # type: ignore[operator]
                    raise PathNotFound(self.source, key, index_out_of_range=True, position=position)
                value = value[key]  # type: ignore[index]
        return value

    def exists(self, document: Any) -> bool:
        try:
            found = self.get(document)
        except PathNotFound:
            return False
        return self.definite or bool(found)

    def set(self, document: Any, value: Any) -> Any:
        """A copy of `document` with `value` at this reference path, creating missing objects on the way.

        Only the objects along the path are copied, so the original document is never modified.
        Raises PathNotFound when a node on the way is not an object (or a list index out of range).
        """
        if not self.definite:
            raise PathNotFound(self.source)
        return _set(document, self.keys, 0, value, self.source)


_MISSING = object()


def _set(node: Any, keys: tuple[str | int, ...], position: int, value: Any, source: str) -> Any:
    if position == len(keys):
        return value
    key = keys[position]
    if type(key) is str:
        if node is _MISSING:
            node = {}  # ResultPath creates the objects a path names but the document lacks
        if type(node) is not dict:
            raise PathNotFound(source, key)
        copy = dict(node)
        copy[key] = _set(node.get(key, _MISSING), keys, position + 1, value, source)
        return copy
    if type(node) is not list or not -len(node) <= key < len(node):  # type: ignore[operator]
        raise PathNotFound(source, key)
    items = list(node)
    items[key] = _set(node[key], keys, position + 1, value, source)  # type: ignore[index]
    return items


def _walk(node: Any, steps: tuple[Step, ...], position: int, root: Any) -> Iterator[Any]:
    if position == len(steps):
        yield node
        return
    step = steps[position]
    for match in _SELECT[step[0]](node, step, root):
        yield from _walk(match, steps, position + 1, root)


def _select_key(node: Any, step: Step, root: Any) -> Iterator[Any]:
    if type(node) is dict and step[1] in node:
        yield node[step[1]]


def _select_index(node: Any, step: Step, root: Any) -> Iterator[Any]:
    if type(node) is list and -len(node) <= step[1] < len(node):
        yield node[step[1]]


def _select_keys(node: Any, step: Step, root: Any) -> Iterator[Any]:
    if type(node) is dict:
        yield from (node[key] for key in step[1] if key in node)


def _select_indexes(node: Any, step: Step, root: Any) -> Iterator[Any]:
    if type(node) is list:
        yield from (node[index] for index in step[1] if -len(node) <= index < len(node))


def _select_slice(node: Any, step: Step, root: Any) -> Iterator[Any]:
    if type(node) is list:
        yield from node[step[1] : step[2] : step[3]]


def _select_filter(node: Any, step: Step, root: Any) -> Iterator[Any]:
    # On an object, a filter tests the object itself (Jayway); on an array, each element.
    candidates = node if type(node) is list else [node] if type(node) is dict else []
    yield from (child for child in candidates if step[1](child, root))


_SELECT: dict[str, Callable[[Any, Step, Any], Iterator[Any]]] = {
    "key": _select_key,
    "index": _select_index,
    "keys": _select_keys,
    "indexes": _select_indexes,
    "wildcard": lambda node, step, root: iter(_children(node)),
    "slice": _select_slice,
    "filter": _select_filter,
    # `..name` (or `..*` when the name is None): matches at this node and every node below it
    "descend": lambda node, step, root: _descendants(node, step[1]),
}


def _children(node: Any) -> list[Any]:
    if type(node) is dict:
        return list(node.values())
    if type(node) is list:
        return node
    return []


def _descendants(node: Any, name: str | None) -> Iterator[Any]:
    if name is None:
        for child in _children(node):
            yield child
            yield from _descendants(child, None)
        return
    if type(node) is dict and name in node:
        yield node[name]
    for child in _children(node):
        yield from _descendants(child, name)


@lru_cache(maxsize=4096)
def compile_path(expression: str) -> Path:
    """Compile `$...`, `$$...` or `$var...` into a Path; PathSyntaxError says what is wrong and where."""
    if not isinstance(expression, str):
        raise PathSyntaxError(f"a path must be a string, got {type(expression).__name__}")
    parser = _Parser(expression)
    path = parser.parse()
    return path


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.depth = 0

    def fail(self, message: str) -> PathSyntaxError:
        return PathSyntaxError(f"{message} at position {self.at} of {self.text!r}")

    def peek(self, count: int = 1) -> str:
        return self.text[self.at : self.at + count]

    def parse(self) -> Path:
        text = self.text
        if not text.startswith("$"):
            raise self.fail("a path must start with '$'")
        if text.startswith("$$"):
            root, variable, self.at = ROOT_CONTEXT, None, 2
        else:
            self.at = 1
            name = self.read_variable_name()
            root, variable = (ROOT_VARIABLE, name) if name else (ROOT_INPUT, None)
        steps = self.read_steps(allow_filters=True)
        if self.at != len(text):
            raise self.fail(f"unexpected {text[self.at]!r}")
        return Path(text, root, variable, steps)

    def read_variable_name(self) -> str:
        start = self.at
        while self.at < len(self.text) and (self.text[self.at].isalnum() or self.text[self.at] == "_"):
            self.at += 1
        name = self.text[start : self.at]
        if name and name[0].isdigit():
            self.at = start
            raise self.fail("a variable name must start with a letter or '_'")
        return name

    def read_steps(self, *, allow_filters: bool) -> list[Step]:
        steps: list[Step] = []
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char == ".":
                if self.peek(2) == "..":
                    self.at += 2
                    if self.peek() == "*":
                        self.at += 1
                        steps.append(("descend", None))
                    elif self.peek() == "[":
                        steps.append(("descend", None))
                    else:
                        steps.append(("descend", self.read_name()))
                    continue
                self.at += 1
                if self.peek() == "*":
                    self.at += 1
                    steps.append(("wildcard",))
                else:
                    steps.append(("key", self.read_name()))
            elif char == "[":
                steps.append(self.read_bracket(allow_filters=allow_filters))
            else:
                break
        return steps

    def read_name(self) -> str:
        start = self.at
        text = self.text
        while self.at < len(text) and text[self.at] not in _NAME_STOP and text[self.at] != "*":
            self.at += 1
        if self.at == start:
            raise self.fail("expected a field name")
        return text[start : self.at]

    def skip_spaces(self) -> None:
        while self.at < len(self.text) and self.text[self.at] in " \t":
            self.at += 1

    def expect(self, token: str) -> None:
        self.skip_spaces()
        if not self.text.startswith(token, self.at):
            raise self.fail(f"expected {token!r}")
        self.at += len(token)

    def read_bracket(self, *, allow_filters: bool) -> Step:
        self.at += 1  # "["
        self.skip_spaces()
        char = self.peek()
        if char == "*":
            self.at += 1
            self.expect("]")
            return ("wildcard",)
        if char in ("'", '"'):
            names = [self.read_quoted()]
            self.skip_spaces()
            while self.peek() == ",":
                self.at += 1
                self.skip_spaces()
                names.append(self.read_quoted())
                self.skip_spaces()
            self.expect("]")
            return ("key", names[0]) if len(names) == 1 else ("keys", tuple(names))
        if char == "?":
            if not allow_filters:
                raise self.fail("filters cannot be nested")
            self.at += 1
            self.expect("(")
            predicate = self.read_or()
            self.expect(")")
            self.expect("]")
            return ("filter", predicate)
        return self.read_indexes()

    def read_quoted(self) -> str:
        quote = self.peek()
        if quote not in ("'", '"'):
            raise self.fail("expected a quoted name")
        self.at += 1
        chars: list[str] = []
        text = self.text
        while self.at < len(text) and text[self.at] != quote:
            # Only the quote itself is escaped; any other backslash is part of the name, as AWS reads
            # $['Test\""Name"'] (recorded execution, test_jsonpath.py).
            if text[self.at] == "\\" and self.at + 1 < len(text) and text[self.at + 1] == quote:
                self.at += 1
            chars.append(text[self.at])
            self.at += 1
        if self.at >= len(text):
            raise self.fail("unterminated quoted name")
        self.at += 1
        return "".join(chars)

    def read_int(self) -> int | None:
        self.skip_spaces()
        match = re.compile(r"-?\d+").match(self.text, self.at)
        if not match:
            return None
        self.at = match.end()
        self.skip_spaces()
        return int(match.group())

    def read_indexes(self) -> Step:
        first = self.read_int()
        if self.peek() == ":":
            bounds: list[int | None] = [first]
            while self.peek() == ":" and len(bounds) < 3:
                self.at += 1
                bounds.append(self.read_int())
            self.expect("]")
            start, end, *rest = bounds
            step = rest[0] if rest else None
            if step == 0:
                raise self.fail("a slice step cannot be 0")
            return ("slice", start, end, step)
        if first is None:
            raise self.fail("expected an index, a slice, '*', a quoted name or a filter")
        indexes = [first]
        while self.peek() == ",":
            self.at += 1
            index = self.read_int()
            if index is None:
                raise self.fail("expected an index")
            indexes.append(index)
        self.expect("]")
        return ("index", first) if len(indexes) == 1 else ("indexes", tuple(indexes))

    # Filter expressions: `||` binds loosest, then `&&`, then `!`, comparisons and parentheses.
    def read_or(self) -> Predicate:
        terms = [self.read_and()]
        self.skip_spaces()
        while self.peek(2) == "||":
            self.at += 2
            terms.append(self.read_and())
            self.skip_spaces()
        if len(terms) == 1:
            return terms[0]
        return lambda item, root: any(term(item, root) for term in terms)

    def read_and(self) -> Predicate:
        terms = [self.read_unary()]
        self.skip_spaces()
        while self.peek(2) == "&&":
            self.at += 2
            terms.append(self.read_unary())
            self.skip_spaces()
        if len(terms) == 1:
            return terms[0]
        return lambda item, root: all(term(item, root) for term in terms)

    def read_unary(self) -> Predicate:
        self.skip_spaces()
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"filter nested more than {MAX_NESTING} levels deep")
        try:
            return self._read_unary()
        finally:
            self.depth -= 1

    def _read_unary(self) -> Predicate:
        if self.peek() == "!" and self.peek(2) != "!=":
            self.at += 1
            inner = self.read_unary()
            return lambda item, root: not inner(item, root)
        if self.peek() == "(":
            self.at += 1
            inner = self.read_or()
            self.expect(")")
            return inner
        return self.read_comparison()

    def read_comparison(self) -> Predicate:
        left = self.read_operand()
        self.skip_spaces()
        operator = next((op for op in _OPERATORS if self.text.startswith(op, self.at)), None)
        if operator is None:
            return lambda item, root: left(item, root) is not _ABSENT
        self.at += len(operator)
        self.skip_spaces()
        if operator == "=~":
            pattern = self.read_regex()
            return lambda item, root: _regex_matches(left(item, root), pattern)
        right = self.read_operand()
        compare = _COMPARE[operator]
        return lambda item, root: compare(left(item, root), right(item, root))

    def read_regex(self) -> re.Pattern[str]:
        if self.peek() != "/":
            raise self.fail("expected a /regex/ after '=~'")
        end = self.text.find("/", self.at + 1)
        while end != -1 and self.text[end - 1] == "\\":
            end = self.text.find("/", end + 1)
        if end == -1:
            raise self.fail("unterminated /regex/")
        body = self.text[self.at + 1 : end]
        self.at = end + 1
        flags = 0
        if self.peek() == "i":
            self.at += 1
            flags = re.IGNORECASE
        try:
            return re.compile(body, flags)
        except re.error as exc:
            raise self.fail(f"bad regex ({exc})") from None

    def read_operand(self) -> Callable[[Any, Any], Any]:
        self.skip_spaces()
        char = self.peek()
        if char in ("@", "$") and self.peek(2) != "$$":
            self.at += 1
            steps = tuple(self.read_steps(allow_filters=False))
            relative = char == "@"
            return lambda item, root: _first(item if relative else root, steps)
        if char in ("'", '"'):
            literal: Any = self.read_quoted()
        else:
            match = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null").match(self.text, self.at)
            if not match:
                raise self.fail("expected '@', '$', a number, a string, true, false or null")
            self.at = match.end()
            token = match.group()
            literal = {"true": True, "false": False, "null": None}.get(token, token)
            if literal is token:
                literal = float(token) if match.group(1) or match.group(2) else int(token)
        return lambda item, root: literal


_ABSENT = object()


def _first(node: Any, steps: tuple[Step, ...]) -> Any:
    return next(_walk(node, steps, 0, node), _ABSENT)


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _equal(left: Any, right: Any) -> bool:
    if left is _ABSENT or right is _ABSENT:
        return False
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    return type(left) is type(right) and left == right


def _ordered(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(left: Any, right: Any) -> bool:
        if _is_number(left) and _is_number(right):
            return test(left, right)
        if type(left) is str and type(right) is str:
            return test(left, right)
        return False

    return compare


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": _equal,
    "!=": lambda left, right: left is not _ABSENT and right is not _ABSENT and not _equal(left, right),
    "<": _ordered(lambda left, right: left < right),
    "<=": _ordered(lambda left, right: left <= right),
    ">": _ordered(lambda left, right: left > right),
    ">=": _ordered(lambda left, right: left >= right),
}


def _regex_matches(value: Any, pattern: re.Pattern[str]) -> bool:
    return type(value) is str and pattern.fullmatch(value) is not None
