"""SPARQL queries: bundled ones, parameters bound safely, run on either store, printed.

Parameters are never pasted into the query text as text. The embedded store
binds them with pyoxigraph's ``substitutions`` (SEP-0007); for an endpoint the
value becomes a term in a VALUES clause, written by pyoxigraph's N-Triples
serializer (which escapes quotes, backslashes and line breaks), placed at the
start of the query's WHERE group: a value can only ever be that one term.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolution,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    Variable,
    parse,
    parse_query_results,
    serialize,
)

from ..problems import printable
from ..terms import PREFIXES, XSD
from .embedded import EmbeddedStore, StoreError
from .remote import GRAPH_ACCEPT, RESULTS_ACCEPT, GraphStoreClient, RemoteError, RemoteStore

TABLE_FORMATS = ("table", "csv", "tsv", "json")  # SELECT and ASK
GRAPH_FORMATS = ("ttl", "nt")  # CONSTRUCT and DESCRIBE
FORMATS = TABLE_FORMATS + GRAPH_FORMATS
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
XSD_BOOLEAN = XSD + "boolean"
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_PARAM_DOC = re.compile(r"^#\s*param\s+([A-Za-z_]\w*)\s*:\s*(.*)$")
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int", "short",
                              "byte", "nonNegativeInteger", "positiveInteger", "unsignedInt")}


class QueryError(Exception):
    """A query that cannot be run: unknown name, missing parameter, syntax error, failed request."""


@dataclass(frozen=True)
class Bundled:
    name: str
    description: str
    text: str
    params: dict[str, str] = field(default_factory=dict)  # name -> what to give


# --- bundled queries -------------------------------------------------------------

def bundled() -> dict[str, Bundled]:
    """The queries shipped in graph/queries/, by name (the file name without .rq)."""
    found = {}
    for entry in resources.files("graph.store").joinpath("queries").iterdir():
        if entry.name.endswith(".rq"):
            found[entry.name[:-3]] = _parse_bundled(entry.name[:-3], entry.read_text(encoding="utf-8"))
    return dict(sorted(found.items()))


def _parse_bundled(name: str, text: str) -> Bundled:
    """First comment line: the description; ``# param NAME: what`` lines: its parameters."""
    lines = text.splitlines()
    description = lines[0].lstrip("#").strip() if lines and lines[0].startswith("#") else ""
    params = {}
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        m = _PARAM_DOC.match(line)
        if m:
            params[m.group(1)] = m.group(2).strip()
    return Bundled(name, description, text, params)


def resolve_query(arg: str) -> tuple[str, Bundled | None]:
    """QUERY as given on the command line: a bundled name, a .rq file, or SPARQL text."""
    queries = bundled()
    if _NAME.match(arg) and arg in queries:
        return queries[arg].text, queries[arg]
    if arg.endswith(".rq") or ("\n" not in arg and _is_file(arg)):
        try:
            return Path(arg).read_text(encoding="utf-8"), None
        except (OSError, UnicodeDecodeError) as err:
            raise QueryError(f"cannot read the query file {arg}: {printable(str(err))}") from None
    if _NAME.match(arg):
        raise QueryError(f"no bundled query named '{arg}' (kg query --list shows them), "
                         f"and no such file")
    return arg, None


def _is_file(arg: str) -> bool:
    try:
        return Path(arg).is_file()
    except OSError:  # not a possible path (a name over 255 bytes): query text
        return False


# --- parameters -------------------------------------------------------------------

def parse_params(pairs, query: str, spec: Bundled | None = None) -> dict[str, NamedNode | Literal]:
    """``NAME=VALUE`` pairs to RDF terms: a plain string literal, or an IRI when written <IRI>."""
    params: dict[str, NamedNode | Literal] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"--param {pair!r}: expected NAME=VALUE")
        if spec is not None and name not in spec.params:
            known = ", ".join(spec.params) or "none"
            raise QueryError(f"the query {spec.name} has no parameter '{name}' (its parameters: {known})")
        if not re.search(rf"[?$]{name}\b", query):
            raise QueryError(f"--param {name}: the query has no variable ?{name}")
        params[name] = _term(name, value)
    if spec is not None:
        missing = [n for n in spec.params if n not in params]
        if missing:
            raise QueryError("; ".join(f"the query {spec.name} needs --param {n}=VALUE ({spec.params[n]})"
                                       for n in missing))
    return params


def _term(name: str, value: str) -> NamedNode | Literal:
    if value.startswith("<") and value.endswith(">"):
        try:
            return NamedNode(value[1:-1])
        except ValueError as err:
            raise QueryError(f"--param {name}: not a valid IRI: {printable(str(err))}") from None
    return Literal(value)


def bind_values(query: str, params: dict[str, NamedNode | Literal]) -> str:
    """The query with ``VALUES ?name { TERM }`` opening its WHERE group, one per parameter."""
    if not params:
        return query
    at = where_brace(query)
    if at is None:
        raise QueryError("cannot bind parameters: the query has no WHERE { ... } group")
    values = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in params.items())
    return f"{query[:at + 1]} {values} {query[at + 1:]}"


_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][\w.:-]*")


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the query's form (None when it has none of them)."""
    return _scan(query)[0]


def where_brace(query: str) -> int | None:
    """Index of the ``{`` that opens the query's top-level WHERE group."""
    return _scan(query)[1]


def _scan(query: str) -> tuple[str | None, int | None]:
    """The query's form and the index of the ``{`` that opens its top-level WHERE group.

    A small lexer: comments, strings and IRIs are skipped, so braces or the
    word WHERE inside them do not count. CONSTRUCT's template is passed over.
    """
    i, n, depth = 0, len(query), 0
    form = None
    after_where = False
    groups = 0  # top-level groups passed (CONSTRUCT's template is the first)
    while i < n:
        c = query[i]
        if c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "\"'":
            i = _skip_string(query, i)
            continue
        if c == "<":
            m = _IRIREF.match(query, i)
            if m:
                i = m.end()
                continue
        elif c in "?$":
            m = _WORD.match(query, i + 1)
            i = m.end() if m else i + 1
            continue
        elif c == "{":
            if depth == 0:
                if after_where or form in ("SELECT", "ASK", "DESCRIBE") or groups == 1:
                    return form, i
                groups += 1
            depth += 1
        elif c == "}":
            depth -= 1
        elif c.isalpha() or c == "_":
            m = _WORD.match(query, i)
            assert m is not None  # a letter or _ always starts a word
            word = m.group(0).upper()
            if depth == 0 and ":" not in word:
                if word == "WHERE":
                    after_where = True
                elif form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                    form = word
            i = m.end()
            continue
        i += 1
    return form, None


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    long = text.startswith(quote * 3, i)
    delim = quote * 3 if long else quote
    j = i + len(delim)
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith(delim, j):
            return j + len(delim)
        if not long and text[j] == "\n":
            break
        j += 1
    return j


# --- running ----------------------------------------------------------------------

def run_embedded(store: Store, query: str, params: dict | None = None):
    """SELECT -> QuerySolutions, ASK -> QueryBoolean, CONSTRUCT/DESCRIBE -> list of triples.

    The default graph is the union of the named graphs: no GRAPH clauses needed.
    """
    subs = {Variable(name): term for name, term in (params or {}).items()}
    try:
        results = store.query(query, use_default_graph_as_union=True, substitutions=subs or None)
    except SyntaxError as err:
        raise QueryError(syntax_message(query, str(err))) from None
    except (RuntimeError, OSError, ValueError) as err:
        text = str(err)
        if "SELECT projection" in text:
            text += " (pyoxigraph binds a --param only for a variable the SELECT clause returns)"
        raise QueryError(f"the query failed: {printable(text)}") from None
    if isinstance(results, QuerySolutions):
        return Solutions(results)
    if isinstance(results, QueryBoolean):
        return results
    return list(results)


def run_remote(client: GraphStoreClient, query: str, params: dict | None = None):
    """The same on a SPARQL endpoint, asking for the media type of the query's form; the answer
    is parsed by pyoxigraph, and typed values a server writes wrongly are put right."""
    text = bind_values(query, params or {})
    form = query_form(text)
    graph_form = form in GRAPH_FORMS
    try:
        answer = client.query(text, accept=GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT)
    except RemoteError as err:
        if err.status == 400:
            raise QueryError(syntax_message(text, err.detail, "the endpoint rejected the query")) from None
        raise QueryError(str(err)) from None
    if answer.max_rows is not None:
        client.http.notify(f"{client.query_url} cut its answer at {answer.max_rows:,} rows (Virtuoso: "
                           f"ResultSetMaxRows in virtuoso.ini): the results are incomplete")
    media = answer.media_type
    results_format = QueryResultsFormat.from_media_type(media) if media else None
    rdf_format = RdfFormat.from_media_type(media) if media else None
    expected = "RDF (N-Triples or Turtle)" if graph_form else "SPARQL results (JSON or XML)"
    if (rdf_format if graph_form else results_format) is None:
        raise QueryError(f"{client.query_url} answered a {form or 'SPARQL'} query with "
                         f"{media or 'no content type'}, not {expected}")
    try:
        if graph_form:
            assert rdf_format is not None
            return list(parse(answer.body, format=rdf_format))
        assert results_format is not None
        results = parse_query_results(answer.body, format=results_format)
        return Solutions(normalised(results)) if isinstance(results, QuerySolutions) else results
    except (SyntaxError, ValueError) as err:
        raise QueryError(f"cannot read the answer of {client.query_url} ({media}): {printable(str(err))}") from None


def normalised(solutions: QuerySolutions) -> QuerySolutions:
    """The solutions with booleans in their canonical form: Virtuoso writes ``true`` and
    ``false`` as 1 and 0 (``"1"^^xsd:boolean``), the same values, spelled otherwise."""
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = _json_term(_canonical(term))
        rows.append(row)
    document = {"head": {"vars": names}, "results": {"bindings": rows}}
    parsed = parse_query_results(json.dumps(document).encode("utf-8"), format=QueryResultsFormat.JSON)
    assert isinstance(parsed, QuerySolutions)
    return parsed


def _canonical(term):
    if isinstance(term, Literal) and term.datatype.value == XSD_BOOLEAN and term.value in ("1", "0"):
        return Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


def _json_term(term) -> dict:
    """One term as SPARQL 1.1 JSON results write it."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value == XSD + "string":
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    if isinstance(term, Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise QueryError(f"unexpected term in the results: {printable(str(term))}")


def syntax_message(query: str, message: str, lead: str = "syntax error in the query") -> str:
    """'... LINE:COLUMN: ...' (pyoxigraph, Oxigraph server), with the line and a caret under the column."""
    text = f"{lead}: {printable(message)}"
    m = re.search(r"\b(\d+):(\d+)\b", message)
    if m:
        line_no, col = int(m.group(1)), int(m.group(2))
        lines = query.splitlines()
        if 1 <= line_no <= len(lines):
            line = printable(lines[line_no - 1])
            text += f"\n  {line}\n  {' ' * max(col - 1, 0)}^"
    return text


# --- output -----------------------------------------------------------------------

class Solutions:
    """The rows of a SELECT: iterate them (pyoxigraph ``QuerySolution``s, ``row["name"]`` a
    term), or take them as plain Python values: ``rows()``, a list of dicts (IRIs as text,
    numbers and booleans as int, float and bool, other literals as their text, unbound
    variables left out), or ``to_dataframe()``, a pandas DataFrame of the same (pandas is
    not a kg dependency: install it to use this)."""

    def __init__(self, solutions: QuerySolutions):
        self.variables = list(solutions.variables)
        self._rows = list(solutions)

    def __iter__(self) -> Iterator[QuerySolution]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"<Solutions: {len(self._rows)} rows of {', '.join(v.value for v in self.variables)}>"

    def rows(self) -> list[dict[str, object]]:
        names = [v.value for v in self.variables]
        return [{name: python_value(row[name]) for name in names if row[name] is not None} for row in self._rows]

    def to_dataframe(self):
        try:
            import pandas  # type: ignore[import-untyped]
        except ImportError:
            raise QueryError("to_dataframe() needs pandas: pip install pandas (rows() gives plain dicts "
                             "without it)") from None
        return pandas.DataFrame(self.rows(), columns=[v.value for v in self.variables])

    def serialize(self, format: QueryResultsFormat) -> bytes:
        """The rows as SPARQL results (JSON, XML, CSV or TSV)."""
        names = [v.value for v in self.variables]
        bindings = [{name: _json_term(row[name]) for name in names if row[name] is not None} for row in self._rows]
        document = {"head": {"vars": names}, "results": {"bindings": bindings}}
        parsed = parse_query_results(json.dumps(document).encode("utf-8"), format=QueryResultsFormat.JSON)
        assert isinstance(parsed, QuerySolutions)
        return parsed.serialize(format=format) or b""


def _boolean(text: str) -> bool:
    return text in ("true", "1")


_NATIVE: dict[str, Callable[[str], object]] = {
    XSD + "boolean": _boolean, XSD + "double": float, XSD + "float": float, XSD + "decimal": float}


def python_value(term) -> object:
    """A term as a plain Python value (Solutions.rows)."""
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        datatype = term.datatype.value
        try:
            if datatype in _NUMERIC and datatype not in _NATIVE:
                return int(term.value)
            if datatype in _NATIVE:
                return _NATIVE[datatype](term.value)
        except ValueError:
            return term.value  # an ill-typed literal: its text
        return term.value
    return str(term)


def check_format(form: str | None, fmt: str) -> None:
    """A usage error when the output format does not fit the query's form (before running it)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format '{fmt}'; known: {', '.join(FORMATS)}")
    if form in GRAPH_FORMS and fmt not in GRAPH_FORMATS + ("table",):
        raise QueryError(f"--format {fmt} is for SELECT and ASK; a {form} query prints Turtle (ttl) "
                         f"or N-Triples (nt)")
    if form in ("SELECT", "ASK") and fmt in GRAPH_FORMATS:
        raise QueryError(f"--format {fmt} is for CONSTRUCT and DESCRIBE; a {form} query prints "
                         f"{', '.join(TABLE_FORMATS)}")


def format_results(results, fmt: str = "table") -> bytes:
    """Bytes to print: a table or SPARQL CSV/TSV/JSON for SELECT and ASK; Turtle (the default)
    or N-Triples for graphs, sorted, so that the same graph always prints the same."""
    form = "CONSTRUCT" if isinstance(results, list) else "ASK" if isinstance(results, QueryBoolean) else "SELECT"
    check_format(form, fmt)
    if isinstance(results, list):  # CONSTRUCT, DESCRIBE
        triples = sorted(set(results), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        if fmt == "nt":
            return serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        return serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    if isinstance(results, QueryBoolean):
        if fmt == "table":
            return b"true\n" if bool(results) else b"false\n"
        return (results.serialize(format=_RESULTS[fmt]) or b"") + (b"" if fmt == "json" else b"\n")
    if fmt == "table":
        return table(results).encode("utf-8")
    return results.serialize(format=_RESULTS[fmt]) or b""


_RESULTS = {"csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV, "json": QueryResultsFormat.JSON}


def table(solutions: Solutions) -> str:
    """An aligned text table: one column per variable, numbers right-aligned."""
    names = [v.value for v in solutions.variables]
    rows = [[row[i] for i in range(len(names))] for row in solutions]
    cells = [[cell(term) for term in row] for row in rows]
    numeric = [bool(rows) and all(r[i] is None or _is_number(r[i]) for r in rows) for i in range(len(names))]
    widths = [max([len(name)] + [len(c[i]) for c in cells]) for i, name in enumerate(names)]

    def line(values):
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    out = [line(names), line(["-" * w for w in widths])]
    out.extend(line(c) for c in cells)
    out.append(f"({len(rows)} row{'s' * (len(rows) != 1)})")
    return "\n".join(out) + "\n"


def cell(term) -> str:
    """A term as a reader wants it: IRIs and literal values bare, control characters escaped."""
    if term is None:
        return ""
    if isinstance(term, (NamedNode, Literal)):
        return printable(term.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return printable(str(term))
    return printable(str(term))


def _is_number(term) -> bool:
    return isinstance(term, Literal) and term.datatype.value in _NUMERIC


def run_query(query: str, target, params=()):
    """Run QUERY (bundled name, .rq file or SPARQL text) with ``NAME=VALUE`` params on
    ``target``: an EmbeddedStore or a GraphStoreClient. Returns what run_embedded does."""
    text, spec = resolve_query(query)
    pairs = [f"{k}={v}" for k, v in params.items()] if isinstance(params, dict) else list(params)
    terms = parse_params(pairs, text, spec)
    if isinstance(target, RemoteStore):
        target = target.client
    if isinstance(target, GraphStoreClient):
        return run_remote(target, text, terms)
    if not isinstance(target, EmbeddedStore):
        target = EmbeddedStore(target)
    if not target.exists():
        raise QueryError(f"no store at {target.path}: load one with kg load (or give --store or --endpoint)")
    try:
        return run_embedded(target.open(), text, terms)
    except StoreError as err:
        raise QueryError(str(err)) from None
