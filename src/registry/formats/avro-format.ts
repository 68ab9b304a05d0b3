/**
 * Avro schemas through avsc: parsing (named types of referenced schemas are known by name), the
 * canonical form (avsc's exported schema, attributes kept), and compatibility by Avro's schema
 * resolution rules: a reader can read a writer's data when avsc can build a resolver between them
 * (fields added with defaults, removed fields, promotions such as int → long, enum symbols,
 * unions...).
 */
import avro from 'avsc';
import { InvalidSchemaError, type ParsedSchema, type SchemaFormat } from './schema-format.js';

export interface AvroSchema extends ParsedSchema {
  avroType: avro.Type;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // Avro allows a bare primitive name as the schema ("string")
    if (/^[A-Za-z_][\w.]*$/.test(text.trim())) return text.trim();
    throw new InvalidSchemaError(`Invalid schema ${what}: ${(e as Error).message}`);
  }
}

export const avroFormat: SchemaFormat<AvroSchema> = {
  type: 'AVRO',
  parse(text, references) {
    const registry: Record<string, avro.Type> = {};
    try {
      for (const [name, refText] of references) avro.Type.forSchema(parseJson(refText, `reference ${name}`) as avro.Schema, { registry });
      const avroType = avro.Type.forSchema(parseJson(text, '') as avro.Schema, { registry });
      return { type: 'AVRO', avroType, canonical: JSON.stringify(avroType.schema({ exportAttrs: true })) };
    } catch (e) {
      if (e instanceof InvalidSchemaError) throw e;
      throw new InvalidSchemaError(`Invalid schema: ${(e as Error).message}`);
    }
  },
  readIncompatibilities(reader, writer) {
    try {
      reader.avroType.createResolver(writer.avroType);
      return [];
    } catch (e) {
      return [(e as Error).message];
    }
  },
};
