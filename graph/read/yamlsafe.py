"""Load one front matter's YAML safely, boundedly, and with plain-worded errors.

On top of PyYAML's safe loader (libyaml when available, ~10x faster):
- duplicate keys are reported (YAML forbids them; PyYAML silently keeps the last);
- aliases may not expand beyond MAX_VALUES values, refer to themselves, or nest
  deeper than MAX_DEPTH: checked on the composed node graph, before anything is
  built, so an "alias bomb" costs nothing; libyaml bounds nesting as written;
- an impossible date such as 2020-13-45 stays text (the record reports it)
  instead of aborting the whole file;
- characters YAML does not allow in a stream (control characters) are replaced
  with U+FFFD, with a warning, rather than losing the article;
- "\\ud83d\\ude00"-style escapes (surrogates, which libyaml refuses) are read
  by the pure-Python loader; records repair or replace them.

Most front matter never reaches libyaml: yamlfast reads it with yaml_rs (Rust; this
loader then runs ~4x faster) wherever that provably gives the same data, and says
UNSURE everywhere else. ``load_exact`` is the libyaml path alone, the reference.
"""
from __future__ import annotations

import functools
import re

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from . import yamlfast

MAX_VALUES = 200_000  # values in one front matter, aliases expanded (real ones: ~300)
MAX_DEPTH = 100       # nesting levels through aliases (real front matter: ~6)
SYNTAX_DEPTH = 1000   # nesting levels as written: libyaml's own limit

# An anchor (&name) opens the text or follows white space or a flow indicator; '&' in
# URLs and words does not. Without anchors there are no aliases: the text's own size
# bounds the values, libyaml bounds the nesting, and the check can be skipped (it costs
# a third of the parse time).
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]")

# Characters YAML allows in a stream (YAML 1.1 "printable"); anything else is refused by the reader.
_NOT_ALLOWED = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MERGE = "tag:yaml.org,2002:merge"


class YAMLProblem(Exception):
    """The front matter cannot be loaded; ``line`` is a line of the file (see ``load``)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class _Checks:
    """Constructor overrides shared by the libyaml and the pure-Python loader."""

    def __init__(self, stream, first_line: int = 1):
        super().__init__(stream)  # type: ignore[call-arg]  # a mixin: the loader's __init__
        self.first_line = first_line
        self.warnings: list[tuple[int, str]] = []

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, MappingNode):
            return super().construct_mapping(node, deep=deep)
        explicit = {id(k) for k, _ in node.value if k.tag != _MERGE}
        self.flatten_mapping(node)  # merged keys ("<<: *base") come first and may be overridden
        mapping: dict = {}
        seen_at: dict = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(None, None, "a list or mapping is used as a key", key_node.start_mark) from None
            if id(key_node) in explicit:
                line = key_node.start_mark.line + self.first_line
                if key in seen_at:
                    self.warnings.append((line, (f"duplicate key {_show(key)} (first on line {seen_at[key]}); "
                                                 f"the value on line {line} is kept")))
                else:
                    seen_at[key] = line
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError, AttributeError):
            return self.construct_scalar(node)  # e.g. 2020-13-45: kept as text, reported by records


class _CLoader(_Checks, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


class _PyLoader(_Checks, yaml.SafeLoader):
    pass


for _cls in (_CLoader, _PyLoader):
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _Checks.construct_yaml_timestamp)


def load(text: str, first_line: int = 1) -> tuple[object, list[tuple[int, str]]]:
    """Parse YAML text whose first line is line ``first_line`` of its file.

    Returns (data, warnings as (line, message)); raises YAMLProblem. The same as
    ``load_exact``, by yaml_rs where yamlfast can prove it.
    """
    return _read(text, first_line, fast=True)


def load_exact(text: str, first_line: int = 1) -> tuple[object, list[tuple[int, str]]]:
    """``load`` on the libyaml path alone: the reference the fast path is held to."""
    return _read(text, first_line, fast=False)


def _read(text: str, first_line: int, fast: bool) -> tuple[object, list[tuple[int, str]]]:
    warnings: list[tuple[int, str]] = []
    if _NOT_ALLOWED.search(text):
        for match in _NOT_ALLOWED.finditer(text):
            warnings.append((text.count("\n", 0, match.start()) + first_line,
                             (f"control character U+{ord(match.group()):04X} is not allowed in YAML; "
                              f"replaced with U+FFFD")))
        text = _NOT_ALLOWED.sub("\ufffd", text)
    if fast:
        data = yamlfast.load(text, _timestamp)
        if data is not yamlfast.UNSURE:
            return data, warnings
    try:
        data, found = _load(_CLoader, text, first_line)
    except YAMLProblem as err:
        if "invalid Unicode character escape" not in str(err):
            raise
        data, found = _load(_PyLoader, text, first_line)  # surrogate escapes: the pure loader accepts them
    return data, warnings + found


_TIMESTAMPS = _PyLoader("")  # only its constructor is used, which keeps no state


@functools.lru_cache(maxsize=4096)  # dates recur (related articles); datetimes are immutable
def _timestamp(value: str) -> object:
    """A plain scalar PyYAML resolves as a timestamp, read as the loaders read it."""
    return _TIMESTAMPS.construct_yaml_timestamp(ScalarNode("tag:yaml.org,2002:timestamp", value))


def _load(loader_class, text: str, first_line: int):
    loader = loader_class(text, first_line)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        if "&" in text and _ANCHOR.search(text):  # 'in' first: 4x faster on the common case
            _check_size(node, first_line)
        return loader.construct_document(node), loader.warnings
    except yaml.YAMLError as err:
        raise _problem(err, first_line) from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as err:
        # explicit tags with impossible values, e.g. `!!int abc`, `!!bool maybe`
        raise YAMLProblem(f"a tagged value cannot be read ({type(err).__name__}: {err})") from None
    except RecursionError:  # only the pure-Python loader recurses
        raise YAMLProblem(f"front matter is nested more than {SYNTAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()


def _children(node):
    if isinstance(node, ScalarNode):
        return ()
    if isinstance(node, SequenceNode):
        return node.value
    return [n for pair in node.value for n in pair]


def _check_size(root, first_line: int) -> None:
    """Count values as if every alias were expanded, without expanding anything."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    shared = False  # a node met twice: the front matter uses aliases
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            line = node.start_mark.line + first_line
            if depth[key] > MAX_DEPTH:
                raise YAMLProblem(f"front matter is nested more than {MAX_DEPTH} levels deep", line)
            if size[key] > MAX_VALUES:
                raise YAMLProblem(
                    f"aliases (*name) expand the front matter to more than {MAX_VALUES:,} values "
                    f"(an 'alias bomb')" if shared else
                    f"front matter has more than {MAX_VALUES:,} values", line)
            continue
        if key in size:
            shared = True
            continue
        on_path.add(key)
        stack.append((node, True))
        for kid in _children(node):
            if id(kid) in on_path:
                raise YAMLProblem("an alias (*name) refers to a value that contains it (a recursive alias)",
                                  kid.start_mark.line + first_line)
            if id(kid) in size:
                shared = True
            else:
                stack.append((kid, False))


def _problem(err: yaml.YAMLError, first_line: int) -> YAMLProblem:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line = mark.line + first_line if mark is not None else None
    reason = getattr(err, "problem", None) or str(err).splitlines()[0]
    tag = re.match(r"could not determine a constructor for the tag '([^']*)'", reason or "")
    if tag:
        name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
        return YAMLProblem(f"the YAML tag '{name}' is not allowed: kg loads YAML safely and never "
                           f"creates Python objects or custom types", line)
    if "exceeded maximum nesting depth" in reason:
        return YAMLProblem(f"front matter is nested more than {SYNTAX_DEPTH} levels deep", line)
    context = getattr(err, "context", None)
    if context and context not in reason:
        reason = f"{reason} ({context})"
    return YAMLProblem(f"YAML error: {reason}", line)


def _show(key) -> str:
    text = f"'{key}'" if isinstance(key, str) else repr(key)
    return text if len(text) <= 60 else text[:57] + "..."
