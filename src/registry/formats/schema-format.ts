/**
 * What the registry needs of a schema format (Avro, JSON Schema, Protobuf): parse a schema's text
 * (with the schemas it references, by name), a canonical form to recognise the same schema
 * registered twice, and the compatibility check of one schema reading data written with another.
 *
 * Contract: implementations are pure; parse throws InvalidSchemaError with a message for the user.
 */
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

export class InvalidSchemaError extends Error {}

export interface ParsedSchema {
  type: SchemaType;
  /** Equal for schemas that are the same (whitespace and key order aside). */
  canonical: string;
}

export interface SchemaFormat<P extends ParsedSchema = ParsedSchema> {
  type: SchemaType;
  /** `references`: each referenced schema's name (as written in this schema) and its text. */
  parse(text: string, references: ReadonlyMap<string, string>): P;
  /**
   * Why data written with `writer` cannot be read with `reader` (empty when it can): the rules of
   * the format, not a text comparison.
   */
  readIncompatibilities(reader: P, writer: P): string[];
}
