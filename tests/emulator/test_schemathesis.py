"""Property-based run of openapi.yaml against the emulator (schemathesis, pinned in requirements).

Every operation gets generated requests (positive data: what the spec says is valid); each
response must not be a 5xx, must use a documented status code and must match its documented
schema. Our own ``check`` runs too (media type, timestamps). Seeded projects and cases give the
path parameters something to find. The number of cases run is printed at the end of the module.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from ddcases.testing import Emulator
from tests.generated._coverage import emulator_routes
from tests.generated._spec import SPEC_PATH

from ._conformance import check
from .conftest import AUTH

schema = schemathesis.openapi.from_path(str(SPEC_PATH))
CALLS: collections.Counter[str] = collections.Counter()
EMULATOR = Emulator()
ROUTES = emulator_routes()


def _seed() -> None:
    store = EMULATOR.store
    user = "00000000-0000-0000-0000-000000000000"
    project = store.create_project("SEED", "Seeded", user)
    for n in range(3):
        store.create_case(project.id, title=f"seeded {n}", user_id=user)


_seed()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\nschemathesis: {sum(CALLS.values())} cases over {len(CALLS)} operations")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_openapi_against_emulator(case: Any) -> None:
    CALLS[case.operation.label] += 1
    operation_id = case.operation.definition.raw.get("operationId")
    if operation_id not in ROUTES:  # say so, rather than fail on an answer nobody serves
        pytest.fail(
            f"{operation_id} has no emulator route (no route named {operation_id!r} in "
            'ddcases.emulator): add one (README, "Adding an operation"), step 4',
            pytrace=False,
        )
    response = case.call(app=EMULATOR.app, headers=AUTH)
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        headers=AUTH,
    )
    assert response.status_code < 500
    if response.request.method.upper() != case.operation.method.upper():
        # The coverage phase also tries undocumented methods: those must be a clean 405.
        assert response.status_code == 405, (
            f"{response.request.method} {case.operation.path} (not in the spec) answered "
            f"{response.status_code}: an undocumented method must be a 405"
        )
        return
    headers = [(k, v) for k, values in response.headers.items() for v in values]
    request = httpx.Request(response.request.method, response.request.url)
    check(
        httpx.Response(
            response.status_code, headers=headers, content=response.content, request=request
        )
    )
