"""Check any emulator response against openapi.yaml: documented status, media type, body schema."""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import unquote

import httpx
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from tests.generated._spec import resolve, spec

MEDIA_TYPE = "application/vnd.api+json"
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@functools.cache
def _routes() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    found = []
    # Literal paths first, so /cases/projects wins over /cases/{case_id} as on the server.
    for path, item in sorted(spec()["paths"].items(), key=lambda kv: kv[0].count("{")):
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", path)
        found.append((re.compile(f"^{pattern}$"), item))
    return found


def operation(method: str, path: str) -> dict[str, Any]:
    for pattern, item in _routes():
        if pattern.match(path) and method.lower() in item:
            op: dict[str, Any] = item[method.lower()]
            return op
    raise AssertionError(f"{method} {path} is not an operation of openapi.yaml")


def check(response: httpx.Response) -> None:
    """Raise AssertionError unless ``response`` is what openapi.yaml documents for its request."""
    request = response.request
    # Segments decoded one by one, as the emulator routes: an encoded "/" stays inside its segment.
    raw = request.url.raw_path.decode("ascii").partition("?")[0]
    path = "/".join(unquote(segment).replace("/", "%2F") for segment in raw.split("/"))
    op = operation(request.method, path)
    status = str(response.status_code)
    where = f"{request.method} {path} -> {status}"
    if status not in op["responses"] and response.status_code >= 500:
        # Only injected faults answer 5xx; the spec lists none, so hold them to the error schema.
        documented = resolve({"$ref": "#/components/responses/BadRequestResponse"})
    else:
        assert status in op["responses"], f"{where}: status not documented in openapi.yaml"
        documented = resolve(op["responses"][status])
    if "content" not in documented:
        assert not response.content, f"{where}: documented without a body, got one"
        return
    media = response.headers.get("content-type", "")
    assert media.split(";")[0].strip() == MEDIA_TYPE, f"{where}: content type {media!r}"
    schema = documented["content"]["application/json"]["schema"]
    body = response.json()
    validator = OAS31Validator(
        {**schema, "components": spec()["components"]}, format_checker=oas31_format_checker
    )
    errors = sorted(validator.iter_errors(body), key=str)
    if errors:
        at = "/".join(str(part) for part in errors[0].absolute_path)
        raise AssertionError(
            f"{where}: body does not match the schema at /{at}: {errors[0].message}"
        )
    _check_timestamps(body, where)


def _check_timestamps(node: Any, where: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_at") and value is not None:
                assert isinstance(value, str), f"{where}: {key} is not a string"
                assert _TIMESTAMP.match(value), f"{where}: {key}={value!r} is not ISO 8601 with Z"
            else:
                _check_timestamps(value, where)
    elif isinstance(node, list):
        for value in node:
            _check_timestamps(value, where)
