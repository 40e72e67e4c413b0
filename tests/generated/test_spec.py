"""openapi.yaml is valid, its examples match its schemas, and generated models round-trip them."""

from __future__ import annotations

import importlib
import json
import re
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

import ddcases_api.models as api_models
import ddcases_schema.models as schema_models

from ._spec import (
    SPEC_PATH,
    all_operations,
    media_examples,
    normalise,
    operations,
    resolve,
    schema_name,
    snake,
    spec,
)


def test_spec_validates() -> None:
    validate(spec(), base_uri=SPEC_PATH.as_uri())


def test_every_operation_has_a_unique_operation_id() -> None:
    # Tests, the facade coverage check and the emulator's request counts key on operationIds.
    ids = [op.get("operationId") for _method, _path, op in all_operations()]
    assert None not in ids, "an operation in openapi.yaml has no operationId"
    assert len(ids) == len(set(ids)), f"duplicate operationIds: {sorted(ids)}"


def _all_examples() -> list[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example) for every example in the spec: media types and schema properties."""
    found: list[tuple[str, dict[str, Any], Any]] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if "schema" in node and ("example" in node or "examples" in node):
                found.extend((where, node["schema"], ex) for ex in media_examples(node))
            elif "example" in node and ("type" in node or "$ref" in node or "allOf" in node):
                found.append((where, node, node["example"]))
            for key, child in node.items():
                if key not in ("example", "examples"):
                    walk(child, f"{where}/{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{where}/{i}")

    walk(spec(), "#")
    return found


EXAMPLES = _all_examples()


@pytest.mark.parametrize(("where", "schema", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_matches_schema(where: str, schema: dict[str, Any], example: Any) -> None:
    # Carry the components along so "#/components/..." refs resolve (OpenAPI 3.1 dialect).
    OAS31Validator({**schema, "components": spec()["components"]}).validate(example)


def test_examples_were_found() -> None:
    assert len(EXAMPLES) >= 13


def _module(operation_id: str) -> Any:
    return importlib.import_module(f"ddcases_api.api.case_management.{snake(operation_id)}")


@pytest.mark.parametrize("operation_id", sorted(operations()))
def test_endpoint_module_exists(operation_id: str) -> None:
    module = _module(operation_id)
    assert callable(module.asyncio_detailed)


def _request_cases() -> list[tuple[str, str, Any]]:
    cases = []
    for op_id, (_method, _path, op) in operations().items():
        for media in (op.get("requestBody") or {}).get("content", {}).values():
            cases.extend((op_id, schema_name(media["schema"]), ex) for ex in media_examples(media))
    return cases


REQUESTS = _request_cases()


@pytest.mark.parametrize(("operation_id", "model", "example"), REQUESTS)
def test_request_example_serialises_unchanged(operation_id: str, model: str, example: Any) -> None:
    body = getattr(api_models, model).from_dict(example)
    assert body.to_dict() == example
    path_params = dict.fromkeys(re.findall(r"\{(\w+)\}", _path_of(operation_id)), "p")
    if "parameters" in operations()[operation_id][2]:  # required query parameters, e.g. project_id
        for param in operations()[operation_id][2]["parameters"]:
            if param.get("in") == "query" and param.get("required"):
                path_params[param["name"]] = "p"
    kwargs = _module(operation_id)._get_kwargs(**path_params, body=body)
    assert json.loads(json.dumps(kwargs["json"])) == example
    # pydantic writes UTC as "Z" where the example says "+00:00": compare date-times by meaning.
    assert normalise(
        schema_models.__dict__[model]
        .model_validate(example)
        .model_dump(mode="json", exclude_unset=True)
    ) == normalise(example)


def _path_of(operation_id: str) -> str:
    return operations()[operation_id][1]


def test_every_operation_with_a_body_has_a_request_example() -> None:
    with_body = {op_id for op_id, (_m, _p, op) in operations().items() if "requestBody" in op}
    assert with_body == {op_id for op_id, _, _ in REQUESTS}


def _response_cases() -> list[tuple[str, str, str, Any]]:
    cases = []
    for op_id, (_method, _path, op) in operations().items():
        for status, response in op["responses"].items():
            for media in (resolve(response).get("content") or {}).values():
                name = schema_name(media["schema"])
                cases.extend((op_id, status, name, ex) for ex in media_examples(media))
    return cases


RESPONSES = _response_cases()


@pytest.mark.parametrize(("operation_id", "status", "model", "example"), RESPONSES)
def test_response_example_round_trips(
    operation_id: str, status: str, model: str, example: Any
) -> None:
    parsed = getattr(api_models, model).from_dict(example)
    assert normalise(parsed.to_dict()) == normalise(example)
    pyd = schema_models.__dict__[model].model_validate(example)
    assert normalise(pyd.model_dump(mode="json", exclude_unset=True)) == normalise(example)


def test_every_success_response_with_a_body_has_an_example() -> None:
    success = {op for op, status, _, _ in RESPONSES if status.startswith("2")}
    no_body = {
        op_id
        for op_id, (_m, _p, op) in operations().items()
        if not any(resolve(r).get("content") for s, r in op["responses"].items() if s[0] == "2")
    }
    assert sorted(set(operations()) - success - no_body) == []


def test_live_shaped_documents_match_the_spec_schemas() -> None:
    """The spec itself admits what the live service sends: explicit nulls, extra members.

    Under OpenAPI 3.0.3, `nullable` beside `allOf` is ignored by strict validators, so a
    conforming `"assignee": null` was rejected; 3.1's `anyOf: [$ref, {type: "null"}]` says it.
    """
    from ._live import live_case, live_page

    components = spec()["components"]

    def check(name: str, document: Any) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": components}
        OAS31Validator(schema).validate(document)

    check("CasesResponse", live_page(3))
    unassigned = live_case()
    unassigned["relationships"]["assignee"] = {"data": None}
    check("CaseResponse", {"data": unassigned})
    bad = live_case()
    bad["attributes"]["created_at"] = None  # not nullable in the spec
    with pytest.raises(Exception, match="None is not of type 'string'"):
        check("CaseResponse", {"data": bad})
