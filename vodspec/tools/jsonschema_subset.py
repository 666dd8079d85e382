"""A JSON Schema (2020-12) checker for the keywords vodspec's generated schemas use.

``vodspec validate`` must work without extras, so it cannot lean on the jsonschema
package. Rather than guess, this refuses any schema keyword it does not implement;
the test suite checks it agrees with the jsonschema package on valid and broken data.
"""

from __future__ import annotations

import re
from typing import Any

from vodspec.errors import VodspecError

ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "default", "examples", "$defs"})
CHECKED = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "minimum",
        "maximum",
        "minLength",
        "minItems",
        "pattern",
        "anyOf",
        "$ref",
    }
)
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


class SchemaError(VodspecError, ValueError):
    """The schema uses something this checker does not implement."""


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[name])


def errors(instance: Any, schema: dict[str, Any]) -> list[str]:
    """Every way ``instance`` breaks ``schema``, as "path: problem" lines; [] when valid."""
    if not isinstance(schema, dict):
        raise SchemaError("the schema is not a JSON object")
    found: list[str] = []
    try:
        _check(instance, schema, schema, "$", found)
    except (KeyError, TypeError, AttributeError, IndexError, re.error) as exc:
        raise SchemaError(f"malformed schema ({type(exc).__name__}: {exc})") from None
    except RecursionError:
        raise SchemaError("the schema or the data is nested too deeply") from None
    return found


def _check(
    value: Any, schema: dict[str, Any], root: dict[str, Any], path: str, found: list[str]
) -> None:
    unknown = set(schema) - ANNOTATIONS - CHECKED
    if unknown:
        raise SchemaError(f"schema keyword(s) not implemented: {', '.join(sorted(unknown))}")
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            raise SchemaError(f"only local #/$defs/ references are implemented, not {ref!r}")
        _check(value, root["$defs"][ref.removeprefix("#/$defs/")], root, path, found)
    if "anyOf" in schema and all(_sub(value, option, root, path) for option in schema["anyOf"]):
        found.append(f"{path}: matches none of the allowed forms")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, name) for name in types):
            found.append(f"{path}: expected {' or '.join(types)}, got {type(value).__name__}")
            return
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        found.append(f"{path}: expected {schema['const']!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{path}: {value} is below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{path}: {value} is above {schema['maximum']}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            found.append(f"{path}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            found.append(f"{path}: fewer than {schema['minItems']} items")
        if "items" in schema:
            for index, item in enumerate(value):
                _check(item, schema["items"], root, f"{path}[{index}]", found)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{path}: missing {name!r}")
        for name, item in value.items():
            if name in properties:
                _check(item, properties[name], root, f"{path}.{name}", found)
            elif schema.get("additionalProperties") is False:
                found.append(f"{path}: unexpected property {name!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                _check(item, schema["additionalProperties"], root, f"{path}.{name}", found)


def _sub(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str) -> list[str]:
    found: list[str] = []
    _check(value, schema, root, path, found)
    return found
