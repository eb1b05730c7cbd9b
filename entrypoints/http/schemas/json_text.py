"""Form fields that carry JSON text, documented in the OpenAPI document as the JSON they carry.

A multipart field is text on the wire; `Annotated[Optional[str], JsonOf(list[OperationIn])]` keeps it text for
Litestar's decoding (the HTTP layer parses it, see task_fields.py) while the document shows every field of the
value. `Optional`/`Union` rather than `|`: Litestar names a plugin's schema by the annotation, which a `|` union lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar.openapi.spec import Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator


@dataclass(frozen=True)
class JsonOf:
    """Marks a text field as holding this type, as JSON."""

    shape: Any
    description: str


class JsonTextSchemas(OpenAPISchemaPlugin):
    """Documents a field marked with JsonOf as its shape."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return any(isinstance(item, JsonOf) for item in field_definition.metadata)

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        marker = next(item for item in field_definition.metadata if isinstance(item, JsonOf))
        schema = schema_creator.for_field_definition(FieldDefinition.from_annotation(marker.shape))
        if isinstance(schema, Schema):
            schema.description = marker.description
        return schema  # type: ignore[return-value]
