"""Write the facade's plain methods (``generated/ddcases_api/facade/``) from openapi.yaml.

Each operation names its facade method in ``x-ddcases`` (``method: cases.update_title``); the
method's parameters, checks, body, return value, docstring and ``with_raw_response`` twin come
from the operation itself (see the README's "Adding an operation" and ``x-ddcases`` below).
Operations listed in the spec's top-level ``x-ddcases-hand-written`` get no generated method:
their facade method is written by hand in ``src/ddcases/resources/<namespace>.py``, which also
holds the namespace's class (a subclass of the generated one).

``x-ddcases`` members:

* ``method``: ``<namespace>[.<sub>].<name>`` - where the method lives (``dd.cases.get``).
* ``args``: Python names for parameters and body members whose default is wrong (a path
  parameter loses ``_id``/``_uuid``; anything else is opc's snake_case name). A dotted key
  (``group_by.groups``) flattens a nested body member into a parameter.
* ``pick: first``: the answer is a list of which the method returns the first item.
* ``ordered: [a, b, ...]``: given values must increase (``start_at`` before ``end_at``).
* ``positional: [name, ...]``: optional parameters taken positionally too (after the required
  ones), like ``dd.cases.count("status:open")``'s filter.
* ``paginate: {size, number, first}``: the method returns an ``AsyncPaginator`` over those query
  parameters, stopping on a short page.
* ``lookup: false``: no member is looked up as a project key (CreateCaseJiraIssue's
  ``project_id`` is a Jira project's id).

A body that is a bare relationship linkage (``{data: {id, type}}``) takes ``data.id`` as a
parameter (``args: {id: project}``; ``project`` is looked up by key as a path parameter is).

Checks come from the schema: enums (plain strings must be a named value), ``minLength``,
``pattern`` (the UUID pattern reads as a UUID check), ``format`` (``date-time``, ``date``),
``minimum``/``maximum``, ``minItems``/``maxItems``, item types, ``required`` members of nested
objects, ``minProperties: 1`` (at least one optional member).
"""

from __future__ import annotations

import keyword
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import opc  # noqa: F401  (generator/opc.py: the same Python names as the generated functions)
import yaml
from jinja2 import Environment, FileSystemLoader
from openapi_python_client import strings
from openapi_python_client.parser.properties.enum_property import EnumProperty

HERE = Path(__file__).resolve().parent
PREFIX = "field_"  # openapi-python-client's default field_prefix
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class SpecError(Exception):
    """The spec says something the facade generator cannot turn into a method."""


def snake(name: str) -> str:
    return str(strings.PythonIdentifier(name, PREFIX))


def class_name(schema_name: str) -> str:
    return str(strings.ClassName(schema_name, PREFIX))


def pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


@dataclass
class Param:
    name: str  # the facade's name
    annotation: str
    required: bool
    check: str  # expression giving the value to send, in terms of ``name``
    doc: str
    where: str  # "path", "query", "body"
    target: str = ""  # generated keyword (query) or model field (body)
    resolve: bool = False  # a project key or UUID, resolved to the UUID after every check
    positional: bool = False  # optional, yet positional-or-keyword (x-ddcases positional)
    wrap: str = "{}"  # how the checked value goes into the body (a model built from it)

    @property
    def local(self) -> str:
        """The name the checked value is bound to: the parameter itself, unless the check makes
        a value of another type (a model from a mapping), which gets a name of its own."""
        generic = self.check.startswith(("model_value(", "model_list(", "[enum_value("))
        return f"{self.name}_checked" if generic else self.name


@dataclass
class Method:
    name: str
    operation_id: str
    module: str
    namespace: str
    params: list[Param]
    body: str | None
    returns: str
    picker: str
    document: str
    docstring: str
    at_least_one: list[str] = field(default_factory=list)
    paginate: dict[str, Any] | None = None
    item: str = ""
    ordered: list[str] = field(default_factory=list)

    @property
    def picker_name(self) -> str:
        """The module-level name of the picker (one per distinct picker)."""
        if self.picker == "no_body":
            return "no_body"
        fn, _, rest = self.picker.partition("(")
        last = rest.rstrip(")").split(", ")[-1]
        suffix = {"list_data": "_LIST", "first_data": "_FIRST", "body_as": "_BODY"}.get(fn, "")
        return "_" + re.sub(r"(?<!^)(?=[A-Z])", "_", last).upper() + suffix


@dataclass
class Namespace:
    path: str  # "projects.rules"
    methods: list[Method] = field(default_factory=list)
    hand_written: dict[str, str] = field(default_factory=dict)  # method -> why
    children: list[str] = field(default_factory=list)

    @property
    def leaf(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def cls(self) -> str:
        return pascal(self.leaf)

    @property
    def module(self) -> str:
        return self.path.replace(".", "_")


class Spec:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.schemas: dict[str, Any] = data.get("components", {}).get("schemas", {})

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            parts = node["$ref"].lstrip("#/").split("/")
            target: Any = self.data
            for part in parts:
                target = target[part]
            node = target
        return node

    @staticmethod
    def ref_name(node: Any) -> str | None:
        if isinstance(node, dict) and "$ref" in node:
            return str(node["$ref"]).rsplit("/", 1)[-1]
        return None


class Builder:
    """Turns one operation into a :class:`Method` (imports gathered per namespace)."""

    def __init__(self, spec: Spec, imports: set[str], params: dict[str, str]) -> None:
        self.spec = spec
        self.imports = imports  # names from ..models
        self.params = params  # schema name -> its TypedDict's name (shared by all namespaces)

    def param_type(self, node: Any) -> str:
        """The TypedDict of a nested object (``CaseInsightParam``), written to params.py."""
        name = Spec.ref_name(node)
        assert name is not None
        typed = f"{class_name(name)}Param"
        self.imports.add(f"params:{typed}")
        if name not in self.params:
            self.params[name] = typed
            for sub in (self.spec.resolve(node).get("properties") or {}).values():
                self.json_type(sub)  # registers the nested objects' TypedDicts too
        return typed

    def json_type(self, node: Any) -> str:
        """The Python type of a member of a plain-dict argument, in the API's JSON shape."""
        schema = self.spec.resolve(node)
        kind = schema.get("type")
        if kind == "string":
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            return f"Sequence[{self.json_type(schema.get('items', {}))}]"
        if schema.get("properties") and Spec.ref_name(node):
            return self.param_type(node)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            return f"Mapping[str, {self.json_type(extra)}]"
        return "Any"

    def model(self, node: Any, where: str) -> str:
        name = Spec.ref_name(node)
        if name is None:
            raise SpecError(f"{where}: give this object a name in components/schemas ($ref)")
        cls = class_name(name)
        self.imports.add(cls)
        return cls

    def enum_member(self, node: Any, where: str) -> str:
        cls = self.model(node, where)
        values = self.spec.resolve(node).get("enum") or []
        if len(values) != 1:
            raise SpecError(f"{where}: a body's type must be a one-value enum")
        names = EnumProperty.values_from_list(values, SimpleNamespace(module_name="", name=cls), [])
        (member,) = names
        return f"{cls}.{member}"

    # -- one value --------------------------------------------------------------------------

    def value(self, node: Any, name: str, wire: str) -> tuple[str, str]:
        """(annotation, check expression) for a parameter or member schema ``node``."""
        schema = self.spec.resolve(node)
        ref = Spec.ref_name(node)
        what = f'"{name}"'
        if "enum" in schema and schema.get("type", "string") == "string":
            cls = self.model(node, name)
            return f"{cls} | str", f"enum_value({name}, {cls}, {what})"
        kind = schema.get("type")
        if kind == "string":
            fmt = schema.get("format")
            if fmt == "date-time":
                return "datetime.datetime | str", f"date_time({name}, {what})"
            if fmt == "date":
                return "datetime.date | str", f"date_value({name}, {what})"
            if schema.get("pattern") == UUID_PATTERN or fmt == "uuid":
                return "str", f"uuid_str({name}, {what})"
            if wire.endswith(("_id", "_key")) or wire == "key_":
                return "str", f"resource_id({name}, {what})"
            if schema.get("minLength", 0) >= 1:
                return "str", f"text({name}, {what})"
            return "str", f"string({name}, {what})"
        if kind == "integer":
            bounds = ", ".join(f"{k}={schema[k]!r}" for k in ("minimum", "maximum") if k in schema)
            return "int", f"integer({name}, {what}{', ' + bounds if bounds else ''})"
        if kind == "number":
            return "float", f"number({name}, {what})"
        if kind == "boolean":
            return "bool", f"boolean({name}, {what})"
        if kind == "array":
            items = schema.get("items", {})
            item_schema = self.spec.resolve(items)
            bounds = ", ".join(
                f"{k}={schema[k]!r}" for k in ("minItems", "maxItems") if k in schema
            )
            extra = f", {bounds}" if bounds else ""
            if item_schema.get("type") == "string" and "enum" not in item_schema:
                nonempty = ", nonempty_items=True" if item_schema.get("minLength", 0) >= 1 else ""
                return "Sequence[str]", f"str_list({name}, {what}{nonempty}{extra})"
            if "enum" in item_schema:
                cls = self.model(items, name)
                return (
                    f"Sequence[{cls} | str]",
                    f"[enum_value(v, {cls}, {what}) for v in seq({name}, {what}{extra})]",
                )
            if item_schema.get("type", "object") == "object":
                cls = self.model(items, name)
                typed = "Mapping[str, Any]"
                if item_schema.get("properties"):
                    typed = f"{self.param_type(items)} | Mapping[str, Any]"
                return (
                    f"Sequence[{cls} | {typed}]",
                    f"model_list({name}, {cls}, {what}{extra})",
                )
            raise SpecError(f"{name}: arrays of {item_schema.get('type')} are not supported yet")
        if kind == "object" or ref is not None:
            cls = self.model(node, name)
            extra = schema.get("additionalProperties")
            if not schema.get("properties") and isinstance(extra, dict):
                values = self.spec.resolve(extra)
                if values.get("type") == "array":
                    return "Mapping[str, Sequence[str]]", f"str_list_map({name}, {what})"
                if values.get("type") == "string":
                    return "Mapping[str, str]", f"str_map({name}, {what})"
            typed = "Mapping[str, Any]"
            if schema.get("properties"):  # the TypedDict documents the shape; any mapping goes
                typed = f"{self.param_type(node)} | Mapping[str, Any]"
            return f"{cls} | {typed}", f"model_value({name}, {cls}, {what})"
        raise SpecError(f"{name}: no facade type for schema {schema!r}")

    # -- the operation ----------------------------------------------------------------------

    def method(self, path: str, op: dict[str, Any], namespace: str) -> Method:
        ext = op["x-ddcases"]
        args: dict[str, str] = dict(ext.get("args") or {})
        operation_id = op["operationId"]
        name = ext["method"].rsplit(".", 1)[-1]
        params: list[Param] = []

        # Path parameters, in path order.
        declared = {p["name"]: p for p in map(self.spec.resolve, op.get("parameters", []))}
        for wire in re.findall(r"\{([^}]+)\}", path):
            p = declared[wire]
            py = args.get(wire) or re.sub(r"_(id|uuid)$", "", wire)
            annotation, check = self.value(p.get("schema", {}), py, wire)
            resolve = py == "project"
            doc = p.get("description", "")
            if resolve:
                check = f'resource_id({py}, "project")'
                doc = "The project's key or UUID."
            params.append(Param(py, "str", True, check, doc, "path", resolve=resolve))

        # Query parameters.
        paginate = ext.get("paginate")
        paged = set()
        if paginate:
            paged = {paginate["size"], paginate["number"]}
            size = declared[paginate["size"]].get("schema", {})
            paginate = {
                "size_target": snake(paginate["size"]),
                "number_target": snake(paginate["number"]),
                "first": int(paginate.get("first", 1)),
                "max": self.spec.resolve(size).get("maximum"),
                "default": self.spec.resolve(size).get("maximum") or 100,
            }
        for p in declared.values():
            if p["in"] != "query" or p["name"] in paged:
                continue
            wire = p["name"]
            target = snake(wire)
            py = args.get(wire) or target.rstrip("_")
            annotation, check = self.value(p.get("schema", {}), py, wire)
            if p.get("explode") is False and self.spec.resolve(p.get("schema", {})).get("type") == (
                "array"
            ):
                # style: form, explode: false (CountCases' group_bys): one comma-separated value;
                # opc ignores explode and would repeat the parameter.
                check = f'[",".join({check})]'
            resolve = wire == "project_id"
            params.append(
                Param(
                    py,
                    annotation,
                    bool(p.get("required")),
                    check,
                    p.get("description", ""),
                    "query",
                    target,
                    resolve=resolve,
                )
            )

        # The body: {data: {type, attributes}} with attributes members as parameters.
        body: str | None = None
        at_least_one: list[str] = []
        request = op.get("requestBody")
        if request is not None:
            content = self.spec.resolve(request)["content"]
            schema_node = next(iter(content.values()))["schema"]
            body, members, at_least_one = self.body(schema_node, args, operation_id)
            params.extend(members)

        if ext.get("lookup") is False:  # a `project_id` that names no case project (Jira's)
            for p in params:
                p.resolve = False

        ordered = [str(name) for name in ext.get("ordered") or []]
        if set(ordered) - {p.name for p in params}:
            raise SpecError(f"x-ddcases ordered names no parameter: {ordered}")

        positional = set(ext.get("positional") or [])
        for p in params:
            p.positional = p.name in positional and not p.required
        unknown = positional - {p.name for p in params}
        if unknown:
            raise SpecError(f"x-ddcases positional names no parameter: {sorted(unknown)}")

        # The answer.
        returns, picker, document, item = self.answer(op, ext, operation_id)
        if paginate:
            returns = f"AsyncPaginator[{item}]"

        docstring = self.docstring(op, params)
        return Method(
            name=name,
            operation_id=operation_id,
            module=snake(operation_id),
            namespace=namespace,
            params=params,
            body=body,
            returns=returns,
            picker=picker,
            document=document,
            docstring=docstring,
            at_least_one=at_least_one,
            paginate=paginate,
            item=item,
            ordered=ordered,
        )

    def body(
        self, node: Any, args: dict[str, str], where: str
    ) -> tuple[str, list[Param], list[str]]:
        request_cls = self.model(node, f"{where} request body")
        request = self.spec.resolve(node)
        data_node = request.get("properties", {}).get("data")
        if data_node is None:
            raise SpecError(f"{where}: the request body has no `data` member")
        data_cls = self.model(data_node, f"{where} data")
        data = self.spec.resolve(data_node)
        fields: list[str] = []
        params: list[Param] = []
        at_least_one: list[str] = []
        for member, sub in data.get("properties", {}).items():
            if member == "type":
                fields.append(f"type_={self.enum_member(sub, where + ' data.type')}")
            elif member == "attributes":
                expr, members, at_least_one = self.attributes(sub, args, where, "")
                params.extend(members)
                fields.append(f"attributes={expr}")
            elif member == "id":
                # A bare relationship linkage ({data: {id, type}}: MoveCaseToProject,
                # LinkIncident): the id is a required parameter, named by ``args: {id: ...}``;
                # ``project`` takes a key or UUID, as a path parameter of that name does.
                py = args.get("id", "id")
                annotation, check = self.value(sub, py, "id")
                resolve = py == "project"
                if resolve:
                    annotation, check = "str", f'resource_id({py}, "project")'
                doc = (
                    "The project's key or UUID."
                    if resolve
                    else self.spec.resolve(sub).get("description", "")
                )
                params.append(Param(py, annotation, True, check, doc, "body", "id", resolve))
                fields.append(f"id={params[-1].local}")
            elif member in (data.get("required") or []):
                raise SpecError(f"{where}: data.{member} is required and not supported yet")
        return f"{request_cls}(data={data_cls}({', '.join(fields)}))", params, at_least_one

    def attributes(
        self, node: Any, args: dict[str, str], where: str, prefix: str
    ) -> tuple[str, list[Param], list[str]]:
        cls = self.model(node, f"{where} attributes")
        schema = self.spec.resolve(node)
        required = set(schema.get("required") or [])
        fields: list[str] = []
        params: list[Param] = []
        for member, sub in (schema.get("properties") or {}).items():
            dotted = f"{prefix}{member}"
            target = snake(member)
            if any(key.startswith(dotted + ".") for key in args):
                expr, nested, _ = self.attributes(sub, args, where, dotted + ".")
                params.extend(nested)
                fields.append(f"{target}={expr}")
                continue
            py = args.get(dotted) or target.rstrip("_")
            if keyword.iskeyword(py):
                py += "_"
            is_required = member in required
            annotation, check = self.value(sub, py, member)
            wrap = "{}"
            if check.startswith(("str_list_map(", "str_map(")):
                wrap = f"{self.model(sub, py)}.from_dict({{}})"
            resolve = member == "project_id"
            doc = self.spec.resolve(sub).get("description", "")
            params.append(
                Param(py, annotation, is_required, check, doc, "body", target, resolve, wrap)
            )
            local = params[-1].local
            value = wrap.format(local)
            if not is_required:
                value = f"UNSET if {local} is None else {value}"
            fields.append(f"{target}={value}")
        at_least_one = []
        if schema.get("minProperties", 0) >= 1 and not prefix:
            at_least_one = [p.name for p in params if not p.required]
        return f"{cls}({', '.join(fields)})", params, at_least_one

    def answer(
        self, op: dict[str, Any], ext: dict[str, Any], where: str
    ) -> tuple[str, str, str, str]:
        """(return annotation, picker expression, document class, list item class)."""
        for status, response in sorted(op["responses"].items()):
            if not str(status).startswith("2"):
                continue
            content = self.spec.resolve(response).get("content") or {}
            if not content or str(status) in ("202", "204"):
                self.imports.add("no_body")
                return "None", "no_body", "_NONE", ""
            schema_node = next(iter(content.values()))["schema"]
            document = self.model(schema_node, f"{where} response")
            data_node = self.spec.resolve(schema_node).get("properties", {}).get("data")
            if data_node is None:
                return document, f"body_as({document})", document, ""
            data = self.spec.resolve(data_node)
            if data.get("type") == "array":
                item = self.model(data["items"], f"{where} response data items")
                if ext.get("pick") == "first":
                    return item, f"first_data({document}, {item})", document, item
                return f"list[{item}]", f"list_data({document}, {item})", document, item
            item = self.model(data_node, f"{where} response data")
            return item, f"data_as({document}, {item})", document, item
        raise SpecError(f"{where}: no 2xx response")

    def docstring(self, op: dict[str, Any], params: list[Param]) -> str:
        summary = str(op.get("summary") or op["operationId"]).strip().rstrip(".") + "."
        description = str(op.get("description") or "").strip()
        lines = [summary]
        if description and description.rstrip(".") != summary.rstrip("."):
            rest = description
            first, _, tail = description.partition("\n")
            if first.strip().rstrip(".") == summary.rstrip("."):
                rest = tail.strip()
            if rest:
                lines += ["", rest]
        if params:
            lines += ["", "Args:"]
            for p in params:
                doc = " ".join(str(p.doc).split()) or "-"
                lines.append(
                    textwrap.fill(
                        f"{p.name}: {doc}",
                        width=96,
                        initial_indent="    ",
                        subsequent_indent="        ",
                    )
                )
        return "\n".join(lines).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def plan(spec_data: dict[str, Any]) -> tuple[dict[str, Namespace], dict[str, set[str]]]:
    spec = Spec(spec_data)
    hand_written: dict[str, str] = dict(spec_data.get("x-ddcases-hand-written") or {})
    namespaces: dict[str, Namespace] = {}
    imports: dict[str, set[str]] = {}
    params: dict[str, str] = {}
    seen: dict[str, str] = {}
    for path, item in spec_data["paths"].items():
        for verb, op in item.items():
            if verb not in ("get", "post", "put", "patch", "delete"):
                continue
            operation_id = op["operationId"]
            ext = op.get("x-ddcases")
            if not isinstance(ext, dict) or "method" not in ext:
                raise SpecError(f"{operation_id} has no x-ddcases method name")
            dotted = str(ext["method"])
            both_by_hand = operation_id in hand_written and seen.get(dotted) in hand_written
            if dotted in seen and not both_by_hand:  # one hand-written method may serve two
                raise SpecError(f"{operation_id} and {seen[dotted]} are both {dotted}")
            seen[dotted] = operation_id
            ns_path, _, name = dotted.rpartition(".")
            parts = ns_path.split(".")
            for i in range(1, len(parts) + 1):
                sub = ".".join(parts[:i])
                ns = namespaces.setdefault(sub, Namespace(sub))
                imports.setdefault(sub, set())
                if i > 1:
                    parent = namespaces[".".join(parts[: i - 1])]
                    if sub not in parent.children:
                        parent.children.append(sub)
            ns = namespaces[ns_path]
            if operation_id in hand_written:
                why = f"{operation_id}: {hand_written[operation_id]}"
                previous = ns.hand_written.get(name)
                ns.hand_written[name] = f"{previous}; {why}" if previous else why
                continue
            builder = Builder(spec, imports[ns_path], params)
            try:
                ns.methods.append(builder.method(path, op, ns_path))
            except SpecError as exc:
                raise SpecError(f"{operation_id}: {exc}") from None
    unknown = set(hand_written) - {
        op.get("operationId")
        for item in spec_data["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
    }
    if unknown:
        raise SpecError(f"x-ddcases-hand-written names no such operation: {sorted(unknown)}")
    return namespaces, imports, typed_dicts(spec, params)


def typed_dicts(spec: Spec, params: dict[str, str]) -> list[dict[str, Any]]:
    """What params.py holds: one TypedDict per nested object a method takes as a plain dict."""
    builder = Builder(spec, set(), dict(params))
    out = []
    for name, typed in sorted(params.items(), key=lambda item: item[1]):
        schema = spec.resolve({"$ref": f"#/components/schemas/{name}"})
        required = set(schema.get("required") or [])
        fields = [
            {
                "name": member,
                "type": builder.json_type(sub),
                "required": member in required,
                "doc": " ".join(str(spec.resolve(sub).get("description", "")).split()),
            }
            for member, sub in (schema.get("properties") or {}).items()
        ]
        out.append(
            {
                "name": typed,
                "model": class_name(name),
                "doc": " ".join(str(schema.get("description", "")).split()),
                "fields": fields,
                "identifiers": all(
                    f["name"].isidentifier() and not keyword.iskeyword(f["name"]) for f in fields
                ),
            }
        )
    return out


CHECKS = (
    "boolean",
    "date_time",
    "date_value",
    "enum_value",
    "integer",
    "model_list",
    "model_value",
    "number",
    "resource_id",
    "seq",
    "str_list",
    "str_list_map",
    "str_map",
    "string",
    "text",
    "uuid_str",
)
PICKERS = ("body_as", "data_as", "first_data", "list_data", "no_body")


def render(spec_path: Path, dest: Path) -> None:
    """Write ``dest`` (the ``facade`` package): one module per namespace, and ``__init__``."""
    spec_data = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    namespaces, imports, params = plan(spec_data)
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates" / "facade")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["zip"] = zip
    dest.mkdir(parents=True, exist_ok=True)
    module_t = env.get_template("namespace.py.jinja")
    for ns in namespaces.values():
        source = "\n".join(
            [m.body or "" for m in ns.methods]
            + [m.picker for m in ns.methods]
            + [p.check + " " + p.annotation for m in ns.methods for p in m.params]
            + ["integer(" for m in ns.methods if m.paginate]
        )
        used_checks = [c for c in CHECKS if re.search(rf"\b{c}\(", source)]
        used_pickers = [c for c in PICKERS if re.search(rf"\b{c}\b", source)]
        models = sorted(n for n in imports[ns.path] if n not in PICKERS and ":" not in n)
        typed = sorted(n.split(":", 1)[1] for n in imports[ns.path] if n.startswith("params:"))
        text = module_t.render(
            ns=ns,
            namespaces=namespaces,
            models=models,
            typed=typed,
            checks=used_checks,
            pickers=used_pickers,
            uses_datetime="datetime." in source,
            uses_unset="UNSET" in source
            or any(p.where == "query" and not p.required for m in ns.methods for p in m.params),
            uses_mapping="Mapping[" in source,
            uses_sequence="Sequence[" in source,
            uses_any="Any" in source,
            paginated=any(m.paginate for m in ns.methods),
            uses_none=any(m.document == "_NONE" for m in ns.methods),
            pickers_defs={m.picker_name: m.picker for m in ns.methods if m.picker != "no_body"},
        )
        (dest / f"{ns.module}.py").write_text(text, encoding="utf-8")
    (dest / "params.py").write_text(
        env.get_template("params.py.jinja").render(params=params), encoding="utf-8"
    )
    init_t = env.get_template("init.py.jinja")
    tops = [ns for ns in namespaces.values() if "." not in ns.path]
    methods = {
        ns.path: [m.name for m in ns.methods] + list(ns.hand_written) for ns in namespaces.values()
    }
    (dest / "__init__.py").write_text(
        init_t.render(tops=tops, namespaces=namespaces, methods=methods), encoding="utf-8"
    )
