/**
 * Broker-side schema validation, for topics with `confluent.value.schema.validation=true` (and
 * `confluent.key.schema.validation` for keys), Confluent Server's settings: every record's value
 * (key) must be in the registry's wire format — a zero magic byte, then a 4-byte schema id the
 * registry knows — or the partition's records are refused with INVALID_RECORD, each failing
 * record named by its index in the batch. Null values (tombstones) and null keys pass.
 *
 * Only topics that ask for it pay for it: their batches are decompressed to read the records.
 */
import { batchesIn } from '../../protocol/records/batch-iterator.js';
import { recordsOfHeader } from '../../protocol/records/batch-reader.js';

/** The registry's schema ids, as the produce path asks after them. */
export interface SchemaIds {
  /** Whether a schema with this id is registered (catching up with the registry if needed). */
  has(id: number): Promise<boolean>;
}

export interface RecordError {
  batchIndex: number;
  batchIndexErrorMessage: string;
}

export const VALIDATION_FAILED = 'This record has failed the validation on broker and hence will be rejected.';

async function problem(what: 'key' | 'value', bytes: Buffer | null, ids: SchemaIds): Promise<string | undefined> {
  if (bytes === null) return undefined;
  if (bytes.length < 5 || bytes[0] !== 0) return `the ${what} is not in the schema registry's format (magic byte 0 and a 4-byte schema id)`;
  const id = bytes.readInt32BE(1);
  if (!(await ids.has(id))) return `the ${what}'s schema id ${id} is not registered`;
  return undefined;
}

/** The records of `batches` that fail validation (empty when all pass). */
export async function invalidRecords(batches: Buffer, checks: { keys: boolean; values: boolean }, ids: SchemaIds): Promise<RecordError[]> {
  const out: RecordError[] = [];
  for (const span of batchesIn(batches)) {
    if (!span.header) continue;
    let index = 0;
    for (const r of recordsOfHeader(span.header)) {
      const why = (checks.keys ? await problem('key', r.key, ids) : undefined) ?? (checks.values ? await problem('value', r.value, ids) : undefined);
      if (why) out.push({ batchIndex: index, batchIndexErrorMessage: why });
      index++;
    }
  }
  return out;
}
