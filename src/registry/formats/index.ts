/** The schema formats by the registry's type name (AVRO when a request names none). */
import { avroFormat } from './avro-format.js';
import { jsonSchemaFormat } from './json-schema-format.js';
import { protobufFormat } from './protobuf-format.js';
import type { SchemaFormat, SchemaType } from './schema-format.js';

export const FORMATS: Record<SchemaType, SchemaFormat> = {
  AVRO: avroFormat as SchemaFormat,
  JSON: jsonSchemaFormat as SchemaFormat,
  PROTOBUF: protobufFormat as SchemaFormat,
};

export * from './schema-format.js';
