"""`poscert new`: write a starting integration package, generated from the platform's contract.

A partner's first hour goes into learning which methods the harness calls and in what order. A
skeleton that already passes the contract check can be certified at once, and every failure then
names the next method to implement. It is generated from the contract itself (its methods,
signatures and docstrings), so it cannot drift from what the harness checks.
"""

from __future__ import annotations

import argparse
import builtins
import importlib.util
import inspect
import keyword
import re
import shlex
import sys
import textwrap
import types
from pathlib import Path
from string import Template
from typing import Any, NamedTuple

from poscert.base.catalog import load_catalog
from poscert.base.platform import Platform
from poscert.driver_check import KINDS, contract_methods, problems
from poscert.drivers.contract import CAPABILITIES, Option, Product
from poscert.platforms import load_object, platform

TEMPLATES = Path(__file__).with_name("templates")
PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
DOTTED_PREFIX = re.compile(r"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_])")
WIDTH = 100  # what poscert writes stays under it; docstrings are the contract's own
KNOWN_ATTRIBUTES = ("kind", "platform", "capabilities")  # the class attributes the template declares

# Methods answered from the partner's own data, whatever contract names them: no platform call.
LOCAL_BODIES = {
    "catalog": [
        "# The harness orders from this list: {ours:1} is the first product, {ours:2} the second,",
        "# {ours:with options} the first with options; plain orders take the last ones.",
        "return list(CATALOG)",
    ],
    "locations": [
        "# The first merchant gets every location but the last, a second merchant the last one.",
        "return list(LOCATIONS)",
    ],
    "sku_guide": [
        "guide = {product.sku: product.name for product in self.catalog()}",
        "options = {o.sku: o.name for product in self.catalog() for o in product.options}",
        "return list({**guide, **options}.items())",
    ],
    "handle_webhook": ["return 404  # no receiver until the integration subscribes to an event"],
    "close": ["# Nothing is held yet; close your HTTP client here once you have one."],
}


def contract_doc(plat: Platform) -> str:
    """Where a partner reads the platform's contract, method by method (one `### name` per method)."""
    return f"docs/{plat.name}-contract.md"


def class_name(package: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in package.split("_") if part)


def check_package_name(package: str) -> None:
    """A name Python can import, that shadows nothing the run imports (stdlib, poscert, installed)."""
    if not PACKAGE_NAME.fullmatch(package) or keyword.iskeyword(package):
        raise ValueError(f"{package!r} is not a Python package name: use letters, digits and _ (acme_kiosk)")
    if package in sys.stdlib_module_names or importlib.util.find_spec(package) is not None:
        raise ValueError(f"a module named {package!r} already exists and would be shadowed: choose another name")


def write_package(platform_name: str, kind: str, package: str, directory: Path) -> list[Path]:
    """Write `directory/package/` for the platform's contract; refuses to touch an existing one."""
    plat = platform(platform_name)  # ValueError naming the known platforms
    target = directory / package
    for existing in (target, directory / f"{package}.py"):
        if existing.exists():
            raise FileExistsError(f"{existing} already exists; nothing was written (choose another --package)")
    files = render_package(plat, kind, package)
    target.mkdir(parents=True)
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
    return [target / name for name in files]


def render_package(plat: Platform, kind: str, package: str) -> dict[str, str]:
    """The package's files by name; its class passes the contract check before anything is written."""
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: choose one of {', '.join(KINDS)}")
    check_package_name(package)
    contract = load_object(plat.contract)
    words = {
        "cls": class_name(package),
        "package": package,
        "kind": kind,
        "kind_said": "POS" if kind == "pos" else kind,
        "platform": plat.name,
        "title": plat.title,
        "contract": plat.contract,
        "contract_doc": contract_doc(plat),
    }
    source = _module(plat, contract, words)
    _check(source, plat, contract, package)
    return {"__init__.py": source, "README.md": _readme(plat, contract, words)}


def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


# -- the module ----------------------------------------------------------------------------------
def _module(plat: Platform, contract: type, words: dict[str, str]) -> str:
    imports = _Imports()
    imports.add(Option)
    imports.add(Product)
    methods = [*_init(contract, imports), *(_method(plat, contract, name, imports) for name in _ordered(contract))]
    return _template("integration.py.tmpl").substitute(
        words,
        imports=imports.render(),
        sku=(re.sub(r"[^A-Z0-9]", "", words["package"].split("_")[0].upper()) or "MY")[:8],
        capabilities=_capabilities(plat, words["kind"]),
        undeclared=_undeclared(contract),
        methods="\n\n".join(methods),
    )


def _capabilities(plat: Platform, kind: str) -> str:
    """None declared, each listed with the requirements it turns on: the partner opts in knowingly."""
    needs: dict[str, list[str]] = {name: [] for name in sorted(CAPABILITIES | plat.capabilities)}
    for req in load_catalog().for_platform(plat.name):
        if req.capability in needs:
            other = "" if kind in req.kinds else f", {'/'.join(req.kinds)} only"
            needs[req.capability].append(f"{req.id} {req.level}{other}")
    return "\n".join(
        f'            # "{name}",  # {", ".join(reqs) or "no requirement yet"}' for name, reqs in needs.items()
    )


def _undeclared(contract: type) -> str:
    """Class attributes the contract asks for beyond those the template declares: left to the partner."""
    asked = {
        name: annotation
        for klass in _contract_classes(contract)
        for name, annotation in vars(klass).get("__annotations__", {}).items()
        if name not in KNOWN_ATTRIBUTES
    }
    return "".join(f"    # TODO the contract also declares {name}: {_text(ann)}\n" for name, ann in asked.items())


def _init(contract: type, imports: _Imports) -> list[str]:
    """The contract's constructor, keeping what it is given (the platform's `Connection`); none if it has none."""
    init = next((vars(k)["__init__"] for k in _contract_classes(contract) if "__init__" in vars(k)), None)
    if init is None:
        return []
    signature = inspect.signature(init)
    params = [p for p in signature.parameters.values() if p.name != "self"]
    body = [f"self.{p.name} = {p.name}" for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return [_def("__init__", _signature(signature, init, imports), None, body or ["pass"])]


def _method(plat: Platform, contract: type, name: str, imports: _Imports) -> str:
    function = _function(contract, name)
    signature = _signature(contract_methods(contract)[name], function, imports)
    doc = inspect.getdoc(function)
    body = LOCAL_BODIES.get(name)
    if body is None:
        summary = _summary(doc) or signature.line(name, without_self=True)
        message = f"implement {contract.__name__}.{name}: {summary} — {contract_doc(plat)}#{name}"
        body = ["raise NotImplementedError(", *(f"    {chunk}" for chunk in _wrapped(message, WIDTH - 12)), ")"]
    return _def(name, signature, doc, body)


def _summary(doc: str | None) -> str:
    """The first paragraph of a docstring, on one line."""
    return " ".join(doc.split("\n\n")[0].split()) if doc else ""


def _def(name: str, signature: _Signature, doc: str | None, body: list[str]) -> str:
    line = f"    def {signature.line(name)}:"
    if len(line) <= WIDTH:
        lines = [line]
    else:  # one parameter a line, as formatters do
        lines = [f"    def {name}(", *(f"        {p}," for p in signature.parameters), f"    ){signature.returns}:"]
    if doc:
        doc = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        closing = "" if "\n" not in doc else "\n        "
        lines.append(f'        """{textwrap.indent(doc, " " * 8).lstrip()}{closing}"""')
    elif all(row.startswith("#") for row in body):
        body = [*body, "pass"]
    lines += [f"        {line}" for line in body]
    return "\n".join(lines)


def _wrapped(message: str, width: int) -> list[str]:
    """A long message as implicitly concatenated string literals, each under the width."""
    chunks = textwrap.wrap(message, width, drop_whitespace=False, break_long_words=False, break_on_hyphens=False)
    return [_literal(chunk) for chunk in chunks]


def _literal(text: str) -> str:
    quote = "'" if '"' in text and "'" not in text else '"'
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


class _Signature(NamedTuple):
    parameters: list[str]  # as written, "*" and "/" included
    returns: str  # " -> X" or ""

    def line(self, name: str, *, without_self: bool = False) -> str:
        shown = [p for p in self.parameters if not (without_self and p == "self")]
        return f"{name}({', '.join(shown)}){self.returns}"


def _signature(signature: inspect.Signature, function: Any, imports: _Imports) -> _Signature:
    """The signature as the contract writes it, with every name its annotations use imported."""
    parts: list[str] = []
    previous = None
    for param in signature.parameters.values():
        if previous == param.POSITIONAL_ONLY and param.kind != param.POSITIONAL_ONLY:
            parts.append("/")
        if param.kind == param.KEYWORD_ONLY and previous not in (param.KEYWORD_ONLY, param.VAR_POSITIONAL):
            parts.append("*")
        text = {param.VAR_POSITIONAL: "*", param.VAR_KEYWORD: "**"}.get(param.kind, "") + param.name
        if param.annotation is not param.empty:
            text += f": {imports.use(_text(param.annotation), function)}"
        if param.default is not param.empty:
            text += f" = {param.default!r}" if param.annotation is not param.empty else f"={param.default!r}"
        parts.append(text)
        previous = param.kind
    if previous == inspect.Parameter.POSITIONAL_ONLY:
        parts.append("/")
    returns = ""
    if signature.return_annotation is not signature.empty:
        returns = f" -> {imports.use(_text(signature.return_annotation), function)}"
    return _Signature(parts, returns)


def _text(annotation: Any) -> str:
    """An annotation as source text; objects (no `from __future__ import annotations`) lose their module path."""
    if isinstance(annotation, str):
        return annotation
    return DOTTED_PREFIX.sub("", inspect.formatannotation(annotation))


def _contract_classes(contract: type) -> list[type]:
    return [k for k in contract.__mro__ if k is not object and k.__module__ != "typing"]


def _function(contract: type, name: str) -> Any:
    return next(vars(k)[name] for k in _contract_classes(contract) if name in vars(k))


def _ordered(contract: type) -> list[str]:
    """The platform's own methods first (in the contract's order), then those every platform shares."""
    wanted = contract_methods(contract)
    seen: list[str] = []
    for klass in _contract_classes(contract):
        seen += [name for name in vars(klass) if name in wanted and name not in seen]
    return seen


class _Imports:
    """The names the generated annotations use, imported from where the contract's module found them."""

    def __init__(self) -> None:
        self.names: dict[str, set[str]] = {}

    def add(self, obj: Any, name: str | None = None) -> None:
        self.names.setdefault(obj.__module__, set()).add(name or obj.__name__)

    def use(self, text: str, function: Any) -> str:
        namespace = vars(sys.modules[function.__module__]) if function is not None else {}
        for name in IDENTIFIER.findall(text):
            obj = namespace.get(name)
            if name in vars(builtins) or getattr(obj, "__module__", None) in (None, "builtins"):
                continue
            self.add(obj, name)
        return text

    def render(self) -> str:
        def section(stdlib: bool) -> list[str]:
            return [
                _from_import(module, sorted(names, key=_isort_key))
                for module, names in sorted(self.names.items())
                if (module.partition(".")[0] in sys.stdlib_module_names) == stdlib
            ]

        return "\n\n".join("\n".join(lines) for lines in (section(True), section(False)) if lines)


def _from_import(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= WIDTH:
        return line
    return "\n".join([f"from {module} import (", *(f"    {name}," for name in names), ")"])


def _isort_key(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() and len(name) > 1 else 1 if name[0].isupper() else 2, name)


def _check(source: str, plat: Platform, contract: type, package: str) -> None:
    """Import the generated module in memory and run the harness's own contract check on it."""
    module = types.ModuleType(package)
    exec(compile(source, f"<poscert new: {package}>", "exec"), module.__dict__)
    found = problems(getattr(module, class_name(package)), contract, CAPABILITIES | plat.capabilities)
    if found:
        raise RuntimeError(f"poscert bug: the skeleton does not implement {plat.contract}: {found}")


# -- the README ------------------------------------------------------------------------------------
def _readme(plat: Platform, contract: type, words: dict[str, str]) -> str:
    todo = []
    for name in _ordered(contract):
        summary = _summary(inspect.getdoc(_function(contract, name)))
        done = "x" if name in LOCAL_BODIES else " "
        todo.append(f"- [{done}] `{name}` {('— ' + summary) if summary else ''}".rstrip())
    hosts = ", ".join(f"`https://{host}`" for host in plat.hosts)
    return _template("README.md.tmpl").substitute(words, hosts=hosts, todo="\n".join(todo))


# -- the command -----------------------------------------------------------------------------------
def add_command(sub: Any, names: list[str]) -> None:
    """`poscert new`, registered by the CLI's parser."""
    new = sub.add_parser("new", help="write a starting integration package, generated from a platform's contract")
    new.add_argument("--platform", required=True, choices=names)
    new.add_argument("--kind", required=True, choices=list(KINDS))
    new.add_argument("--package", required=True, help="the Python package to create (acme_kiosk)")
    new.add_argument("--dir", default=".", help="where the package folder goes (default: the current directory)")
    new.set_defaults(run=run)


def run(ns: argparse.Namespace) -> int:
    """0 when written; 1 when refused (an existing package, a name Python cannot import)."""
    try:
        written = write_package(ns.platform, ns.kind, ns.package, Path(ns.dir))
    except (ValueError, OSError) as refused:  # OSError: an existing package, a --dir that is a file
        print(f"poscert new: {refused}", file=sys.stderr)
        return 1
    where = "" if Path(ns.dir).resolve() == Path.cwd().resolve() else f"cd {shlex.quote(ns.dir)} && "
    print("\n".join(f"wrote {path}" for path in written))
    print(f"next: {where}poscert certify --platform {ns.platform} --driver {ns.package}:{class_name(ns.package)}")
    return 0
