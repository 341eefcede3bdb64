"""The fast path of the YAML loader: yaml_rs (Rust), used only where it provably reads a
text as the libyaml path (yamlsafe) does, value for value and type for type.

yaml_rs reads YAML 1.2, PyYAML (like Jekyll) YAML 1.1, and yaml_rs tells neither a
scalar's style (quoted or plain) nor its source text. So ``load`` returns ``UNSURE``,
and the caller takes the exact libyaml path, wherever there is room for a difference:

- in the text: a tag (yaml_rs drops them silently), an anchor or alias (the alias
  bounds stay libyaml's), a block scalar (| >), a directive, a tab (each parser accepts
  some tab indentation the other refuses), a YAML 1.1 line break (U+0085, U+2028,
  U+2029) or a BOM inside the text, a surrogate escape ("\\ud83d": libyaml refuses it,
  yaml_rs joins pairs), or more possible nesting than MAX_NESTING (yaml_rs recurses: a
  Rust stack overflow would kill the process);
- any error from yaml_rs (so errors keep libyaml's messages and line numbers), a
  duplicate key (yaml_rs refuses them; the libyaml path warns), several documents;
- in the result: a root that is not a mapping or list; a key that is not a string or
  that PyYAML would read as another type (`yes:`, `<<:`); a float; a string PyYAML's
  own implicit resolvers read as bool, int, float, null, merge or value (`yes`, `1:20`,
  `0b1`: it may have been written plain); an int when a plain scalar of the text may be
  written in a form the two read differently (`017` is 15 in YAML 1.1 and 17 in 1.2;
  `0o17`, `_1`).

yaml_rs types plain scalars only, and only as 1.2's null, bool, int and float, so its
nulls and bools are 1.1's too, its ints are once the forms above are ruled out, and a
string is one unless PyYAML's resolvers would type it. A string they resolve as a
timestamp stays on the fast path when no quoted scalar of the text can have it as its
value (``_plain_stamp``): it was written plain, and PyYAML's own constructor (passed in
by yamlsafe) converts it, so dates and time zones are read by the very same code.

If yaml_rs is not installed or fails to import, ``load`` always returns ``UNSURE``: kg
keeps working on the libyaml path, only slower.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import yaml

try:
    import yaml_rs
except ImportError:  # optional at run time: the libyaml path is complete on its own
    yaml_rs = None  # type: ignore[assignment]

UNSURE = object()  # "take the libyaml path"
MAX_NESTING = 1000  # possible nesting levels (real front matter: ~6; libyaml refuses more
                    # than 1,000); yaml_rs recurses ~1 KB of stack a level, so this needs
                    # at most ~1 MB, and a Rust stack overflow would kill the process

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# PyYAML's own implicit resolvers (the table of the loader yamlsafe uses), by first
# character. Wildcard resolvers (first=None, none by default) would apply to any string.
_TABLE = getattr(yaml, "CSafeLoader", yaml.SafeLoader).yaml_implicit_resolvers
_RESOLVERS = {first: list(pairs) for first, pairs in _TABLE.items() if first is not None}
_USABLE = yaml_rs is not None and not _TABLE.get(None)


def _at_node_start(char: str, then: str, flow: bool, sign: bool = False) -> re.Pattern[str]:
    """``char`` where a node may start, followed by ``then``; with ``sign``, also after a
    '+' or '-' that starts one. Searched in " " + text, so that the text's start counts.

    A node may start after white space; in flow style also after '[', '{', ',' and after
    a ':' that follows a quoted key or a closing bracket. Each look-behind has a fixed
    width and the pattern starts with ``char``: re then scans for ``char`` quickly."""
    befores = ["[ \\n\\r]"] + (["[\\[{,]", "[\"'\\]}]:"] if flow else [])
    signs = ["", "[-+]"] if sign else [""]
    c = re.escape(char)
    behind = "|".join(f"(?<={before}{s}{c})" for before in befores for s in signs)
    return re.compile(f"{c}(?:{behind}){then}")


# By flow (the text has '[' or '{'): at the start of a node, a tag, an anchor, an alias,
# or a block scalar's header (| or >, then only indicators, spaces, a comment: the two
# parsers differ on some block scalars, e.g. one of blank lines only).
_BLOCK_HEADER = r"[-+0-9]* *(?:[#\n\r]|$)"
_PROPERTIES = {flow: [(char, _at_node_start(char, then, flow))
                      for char, then in (("!", ""), ("&", r"\S"), ("*", r"\S"),
                                         ("|", _BLOCK_HEADER), (">", _BLOCK_HEADER))]
               for flow in (False, True)}
# After an optional sign, a plain int YAML 1.1 and 1.2 may read differently starts with
# '_', or with '0' and one of [0-9_oOXB] (017 is 15 in YAML 1.1, 17 in 1.2; 0o17, 0X1,
# 0B1 and _1 are not ints in 1.1).
_RISKY_INTS = {flow: (_at_node_start("0", "[0-9_oOXB]", flow, sign=True),
                      _at_node_start("_", "", flow, sign=True))
               for flow in (False, True)}
_DIRECTIVE = re.compile(r"%(?<=[\n\r]%)")
# In flow style, libyaml (YAML 1.1) reads some plain scalars unlike YAML 1.2 and
# yaml_rs: one that starts with '?' ([?b] is a key there) or ':' ([:x] is refused), a '-'
# alone ({a: -}), a ':' right before a flow indicator ([x:]). Where the text has flow
# collections, these step aside wherever they may start a node.
_FLOW_INDICATOR = re.compile(r":[,\[\]{}]|(?:^|(?<=[\s\[{,]))(?:[?:]|-(?=[,\[\]{}\r\n]|$))")
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
# A quoted scalar whose value may begin like a timestamp (four digits and '-') other
# than by the same characters right after its quote: an escape among them (or an escaped
# line break). Folding a line only puts a space or a line break among them.
_ESCAPED_START = re.compile(r'"\d{0,4}\\')


def _implicit_tag(value: str) -> str:
    """The tag PyYAML gives ``value`` if it was written as a plain scalar."""
    tag = _TAGS.get(value)
    if tag is None:
        tag = _STR
        for candidate, regexp in _RESOLVERS.get(value[:1], ()):
            if regexp.match(value):
                tag = candidate
                break
        if len(value) <= 40 and len(_TAGS) < 10_000:
            _TAGS[value] = tag  # keys and words like `news` recur in every file
    return tag


_TAGS: dict[str, str] = {}


def _text_allows(text: str, spaced: str, flow: bool) -> bool:
    """No feature of the text on which the two parsers may differ (``spaced`` is
    " " + text)."""
    if "\t" in text:  # tab indentation: each accepts some that the other refuses
        return False
    if not text.isascii() and ("\x85" in text or "\u2028" in text or "\u2029" in text
                               or "\ufeff" in text):
        return False  # YAML 1.1 line breaks (1.2: content), a BOM inside the text
    if "\\" in text and _SURROGATE_ESCAPE.search(text):
        return False  # libyaml refuses them (the pure loader keeps them), yaml_rs joins pairs
    if "%" in text and (text[0] == "%" or _DIRECTIVE.search(text)):
        return False  # a directive: yaml_rs ignores unknown ones, libyaml refuses them
    if flow and _FLOW_INDICATOR.search(text):
        return False
    for char, pattern in _PROPERTIES[flow]:
        if char in text and pattern.search(spaced):
            return False  # a tag (yaml_rs drops them), anchor or alias (libyaml's bounds), block scalar
    return len(text) <= MAX_NESTING or _nesting_bound(text) <= MAX_NESTING


def _nesting_bound(text: str) -> int:
    """At least the nesting depth: each collection on a path from the root owns at least
    one indicator ('-', '?' or ':' in block style; '[', '{' or ':' in flow style)."""
    bound = text.count(":") + text.count("-")
    for char in "?[{":
        if char in text:
            bound += text.count(char)
    return bound


def _ints_agree(text: str, spaced: str, flow: bool) -> bool:
    """No plain scalar of the text is an int YAML 1.1 and 1.2 may read differently."""
    zero, underscore = _RISKY_INTS[flow]
    return not (zero.search(spaced) or ("_" in text and underscore.search(spaced)))


def _plain_stamp(text: str, value: str, known: dict[str, bool]) -> bool:
    """Whether ``value`` (which PyYAML resolves as a timestamp) was written plain: no
    quoted scalar of the text can have it as its value (block scalars never reach
    here). ``known`` keeps the answers for the text."""
    head = value[:5]  # four digits and '-'
    plain = known.get(head)
    if plain is None:
        if "escaped" not in known:
            known["escaped"] = "\\" in text and bool(_ESCAPED_START.search(text))
        plain = known[head] = not (known["escaped"] or '"' + head in text or "'" + head in text)
    return plain


def load(text: str, timestamp: Callable[[str], object]) -> object:
    """The data of ``text`` as the libyaml path reads it, or ``UNSURE``.

    ``timestamp`` converts a plain scalar PyYAML resolves as a timestamp (kg keeps an
    impossible date as text). The text must already be free of characters YAML does
    not allow (yamlsafe replaces them first).
    """
    if not _USABLE:
        return UNSURE
    flow = "[" in text or "{" in text
    spaced = " " + text
    if not _text_allows(text, spaced, flow):
        return UNSURE
    try:
        data = yaml_rs.loads(text, parse_datetime=False,
                             duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except Exception:  # any refusal: libyaml's path gives the exact message and line
        return UNSURE
    if type(data) is not dict and (type(data) is not list or "---" in text or "..." in text):
        return UNSURE  # a scalar (the two differ on block scalars at the root, which front
                       # matter never is), or several documents (yaml_rs lists them,
                       # libyaml refuses them), or none (None: libyaml's path says so)
    return _prove(text, spaced, flow, data, timestamp)


def _prove(text: str, spaced: str, flow: bool, root: object,
           timestamp: Callable[[str], object]) -> object:
    """``root`` with plain timestamps converted, or UNSURE if a value may differ.

    Iterative (the data may be deeply nested); replaces values in place."""
    ints_agree: bool | None = None
    stamps: dict[str, bool] = {}
    holder = [root]
    stack: list[dict | list] = [holder]
    resolvers = _RESOLVERS
    while stack:
        node = stack.pop()
        mapping = type(node) is dict
        items = node.items() if mapping else enumerate(node)  # type: ignore[union-attr]
        for key, value in items:
            if mapping and (type(key) is not str or (key[:1] in resolvers and _implicit_tag(key) != _STR)):
                return UNSURE  # PyYAML would build another key (yes:, <<:, 1:)
            kind = type(value)
            if kind is str:
                if value[:1] not in resolvers or value.endswith("\n"):
                    continue  # no resolver for it, or never plain (plain drops line breaks)
                tag = _implicit_tag(value)
                if tag == _STR:
                    continue
                if tag == _TIMESTAMP and _plain_stamp(text, value, stamps):
                    node[key] = timestamp(value)  # same key or index: sizes do not change
                    continue
                return UNSURE  # may have been plain: `yes`, `1:20`, `0b1`, `~`
            if kind is dict or kind is list:
                stack.append(value)
            elif kind is int:
                if value.bit_length() > 2000:
                    return UNSURE  # PyYAML refuses ints too long for int(str) (sys.set_int_max_str_digits)
                if ints_agree is None:
                    ints_agree = _ints_agree(text, spaced, flow)
                if not ints_agree:
                    return UNSURE
            elif not (kind is bool or value is None):
                return UNSURE  # a float ('1e3' is a float in 1.2 only) or anything unforeseen
    return holder[0]
