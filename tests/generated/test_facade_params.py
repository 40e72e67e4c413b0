"""The TypedDicts of generated/ddcases_api/facade/params.py describe the schemas they stand for:
the same members, the same required ones; and the methods that take a nested object name them."""

from __future__ import annotations

import inspect
import typing

from ddcases_api.facade import params

from ._spec import spec


def test_each_typed_dict_has_its_schemas_members_and_required_ones() -> None:
    schemas = spec()["components"]["schemas"]
    assert params.__all__
    for name in params.__all__:
        typed = getattr(params, name)
        schema = schemas[name.removesuffix("Param")]
        assert set(typed.__annotations__) == set(schema.get("properties") or {}), name
        assert typed.__required_keys__ == frozenset(schema.get("required") or []), name


def test_a_nested_object_argument_names_its_typed_dict() -> None:
    from ddcases_api.facade.projects import Projects

    hints = typing.get_type_hints(Projects.update, vars(params) | vars(inspect.getmodule(Projects)))
    assert params.ProjectSettingsParam in typing.get_args(hints["settings"])
