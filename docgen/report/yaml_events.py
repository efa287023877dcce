"""Build a data file's values straight from the YAML parser's events, bounded as they arrive.

Why: composing PyYAML's node tree first and checking limits afterwards let a 2 MB
flat list take minutes and hundreds of megabytes before it was refused. Here every
value is counted, and its depth and text measured, the moment the parser reports
it, so the first excess stops the parse. The same pass records each field's line,
finds duplicate keys and constructs the values, which is also several times
faster than composing nodes and walking them.

Files that use what this pass does not build (anchors and aliases, explicit tags,
merge keys, keys that are not scalars) are reported as `EXOTIC` once the whole
file has been counted within the limits; the caller then reads them the general
way, whose result this pass matches for every other file.
"""

from __future__ import annotations

from typing import Any, Protocol

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)

from docgen.errors import DataError, Problem

#: Returned instead of data when the file needs the general reader.
EXOTIC = object()

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_INT = "tag:yaml.org,2002:int"
_NON_SPECIFIC = (None, "!")


class Bounds(Protocol):
    """What the pass needs of the limits: counters it updates, and the checks
    that raise the one message a limit has."""

    values: int
    text: int

    def value(self, path: str, depth: int, line: int | None = None) -> None: ...
    def string(self, path: str, text: str, line: int | None = None) -> None: ...


class ConstructProblem(Protocol):
    def __call__(self, node: yaml.Node, path: str, exc: Exception) -> Problem: ...


class _Frame:
    """A mapping or sequence being filled."""

    __slots__ = ("data", "path", "depth", "seen", "key", "child")

    def __init__(self, data: Any, path: str, depth: int) -> None:
        self.data = data
        self.path = path
        self.depth = depth
        self.seen: dict[str, int] | None = {} if isinstance(data, dict) else None
        self.key: Any = _NO_KEY  # a mapping's key waiting for its value
        self.child = ""  # that key's field path


_NO_KEY = object()


def parse_events(
    loader: Any,
    bounds: Bounds,
    max_values: int,
    max_depth: int,
    max_text: int,
    value_chars: int,
    lines: dict[str, int],
    problems: list[Problem],
    construct_problem: ConstructProblem,
) -> Any:
    """The document's data, or `EXOTIC`; raise `DataError` at the first limit passed.

    `loader` is a PyYAML loader (libyaml's ``CParser`` or the pure-Python one):
    only its events, resolver and scalar constructors are used. `value_chars` is
    the number of characters below which no text value can pass the byte limit.
    """
    get = loader.get_event
    resolve = _resolver(loader)
    constructors = loader.yaml_constructors
    scalar_node = yaml.ScalarNode
    get()  # StreamStartEvent
    event = get()
    if type(event) is StreamEndEvent:
        return None
    document = event
    exotic = False
    values = text = 0
    failures: list[tuple[int, int, Problem]] = []  # (depth, order, problem): see _first
    stack: list[_Frame] = []
    top: _Frame | None = None
    root: Any = None
    while True:
        event = get()
        kind = type(event)
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            done = stack.pop()
            top = stack[-1] if stack else None
            item = done.data
        elif kind is DocumentEndEvent:
            break
        else:
            line = event.start_mark.line + 1
            # the field this event is: a key, a mapping's value, an item, the root
            if top is None:
                path, depth = "", 0
            elif top.seen is None:
                path, depth = f"{top.path}[{len(top.data)}]", top.depth + 1
            elif top.key is _NO_KEY:
                if kind is ScalarEvent:
                    key = event.value
                    child = f"{top.path}.{key}" if top.path else key
                    size = len(key)
                    text += size
                    if size > value_chars or text > max_text:
                        bounds.values, bounds.text = values, text - size
                        bounds.string(child, key, line)
                    first = top.seen.get(key)
                    if first is not None:
                        problems.append(
                            Problem(
                                child,
                                f"duplicate key (first given on line {first}); keep only one",
                                line,
                            )
                        )
                    top.seen[key] = line
                    lines[child] = line
                    tag = event.tag
                    if tag in _NON_SPECIFIC:
                        tag = resolve(key, event.implicit)
                    if event.anchor is not None or tag == _MERGE:
                        exotic = True
                    if tag == _STR:
                        top.key = key
                    elif (construct := constructors.get(tag)) is None:
                        exotic = True
                        top.key = key
                    else:
                        try:
                            top.key = construct(
                                loader, scalar_node(tag, key, event.start_mark, None)
                            )
                        except (ValueError, OverflowError) as exc:
                            node = scalar_node(tag, key, event.start_mark, None)
                            problem = construct_problem(node, "", exc)  # keys have no path
                            failures.append((top.depth + 1, len(failures), problem))
                            top.key = key
                    top.child = child
                    continue
                # a key that is a mapping, a sequence or an alias: the general reader's case
                exotic = True
                path, depth = f"{top.path}.?", top.depth + 1
            else:
                path, depth = top.child, top.depth + 1
            values += 1
            if values > max_values or depth > max_depth:
                bounds.values, bounds.text = values - 1, text
                bounds.value(path, depth, line)
            if path not in lines:
                lines[path] = line
            if kind is ScalarEvent:
                value = event.value
                size = len(value)
                text += size
                if size > value_chars or text > max_text:
                    bounds.values, bounds.text = values, text - size
                    bounds.string(path, value, line)
                tag = event.tag
                if tag in _NON_SPECIFIC:
                    tag = resolve(value, event.implicit)
                elif tag != _STR:
                    exotic = True  # an explicit tag: !!binary, !!set members, custom tags
                if event.anchor is not None:
                    exotic = True
                if tag == _STR:
                    item = value
                elif (construct := constructors.get(tag)) is None:
                    exotic = True
                    item = None
                else:
                    try:
                        if tag == _INT and value.isdigit() and value[0] != "0" and value.isascii():
                            item = int(value)  # what construct_yaml_int gives, in one step
                        else:
                            item = construct(
                                loader, scalar_node(tag, value, event.start_mark, None)
                            )
                    except (ValueError, OverflowError) as exc:
                        node = scalar_node(tag, value, event.start_mark, None)
                        failures.append((depth, len(failures), construct_problem(node, path, exc)))
                        item = None
            elif kind is AliasEvent:
                exotic = True
                item = None
            else:  # MappingStartEvent or SequenceStartEvent
                if event.anchor is not None or (event.tag is not None and not event.implicit):
                    exotic = True
                top = _Frame({} if kind is MappingStartEvent else [], path, depth)
                stack.append(top)
                continue
        # a finished value: put it where it belongs
        if top is None:
            root = item
        elif top.seen is None:
            top.data.append(item)
        elif top.key is _NO_KEY:  # a collection used as a key
            top.key = None
            top.child = f"{top.path}.?"
        else:
            try:
                top.data[top.key] = item
            except TypeError:  # an unhashable key, which only the general reader can name
                exotic = True
            top.key = _NO_KEY
    following = get()
    if type(following) is not StreamEndEvent:
        raise yaml.composer.ComposerError(
            "expected a single document in the stream",
            document.start_mark,
            "but found another document",
            following.start_mark,
        )
    if exotic:
        return EXOTIC
    if failures:
        raise DataError(min(failures, key=_order)[2])
    return root


def _resolver(loader: Any) -> Any:
    """The loader's tag resolution for scalars, as one dictionary look-up for the
    usual value (text with no resolver for its first character). Loaders with path
    resolvers keep their own method."""
    table: dict[str, list[tuple[str, Any]]] = loader.yaml_implicit_resolvers
    if loader.yaml_path_resolvers:
        return lambda value, implicit: loader.resolve(yaml.ScalarNode, value, implicit)
    anywhere = table.get(None, [])
    by_first = {first: tuple(found) + tuple(anywhere) for first, found in table.items()}
    fallback = tuple(anywhere)

    def resolve(value: str, implicit: tuple[bool, bool]) -> str:
        if implicit[0]:
            for tag, pattern in by_first.get(value[:1], fallback):
                if pattern.match(value):
                    return tag
        return _STR

    return resolve


def _order(failure: tuple[int, int, Problem]) -> tuple[int, int]:
    """PyYAML constructs a document level by level, each level in the file's order:
    of several values it cannot construct, it names the first in that order."""
    return failure[0], failure[1]
