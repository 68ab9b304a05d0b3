/**
 * The registry's state, rebuilt from the records of the `_schemas` topic in log order, with the
 * keys and values Confluent Schema Registry writes there:
 *
 *   {"keytype":"SCHEMA","subject":S,"version":V,"magic":1} → {"subject","version","id","schema","schemaType"?,"references"?,"deleted"}
 *                                                           (null: the version is deleted for good)
 *   {"keytype":"CONFIG","subject":S|null,"magic":0}        → {"compatibilityLevel":L} (null: unset)
 *   {"keytype":"MODE","subject":S|null,"magic":0}          → {"mode":M} (null: unset)
 *   {"keytype":"DELETE_SUBJECT","subject":S,"magic":0}     → {"subject":S,"version":V} (soft-deletes versions up to V)
 *
 * Several brokers may write at once, so applying is the arbiter: a SCHEMA record that would give
 * an existing version another id, or an existing id another schema, is ignored; the writer sees
 * its record lost and tries again with the next id or version.
 *
 * Contract: owned by the SchemasLog, which applies records one at a time, in offset order.
 */
import type { SchemaType } from './formats/index.js';

export interface Reference {
  name: string;
  subject: string;
  version: number;
}

export interface StoredSchema {
  id: number;
  schema: string;
  schemaType: SchemaType;
  references: Reference[];
}

export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  deleted: boolean;
}

interface SchemaValue {
  subject: string;
  version: number;
  id: number;
  schema: string;
  schemaType?: SchemaType;
  references?: Reference[];
  deleted?: boolean;
}

function parse(bytes: Buffer | null): Record<string, unknown> | null {
  if (bytes === null) return null;
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function sameSchema(a: Omit<StoredSchema, 'id'>, b: Omit<StoredSchema, 'id'>): boolean {
  return a.schema === b.schema && a.schemaType === b.schemaType && JSON.stringify(a.references) === JSON.stringify(b.references);
}

export class SchemaStore {
  readonly ids = new Map<number, StoredSchema>();
  readonly subjects = new Map<string, Map<number, SubjectVersion>>();
  /** Compatibility levels by subject; '' is the global one. */
  readonly configs = new Map<string, string>();
  /** Modes by subject; '' is the global one. */
  readonly modes = new Map<string, string>();

  apply(keyBytes: Buffer | null, valueBytes: Buffer | null): void {
    const key = parse(keyBytes);
    if (!key) return;
    const value = parse(valueBytes);
    const subject = typeof key.subject === 'string' ? key.subject : '';
    switch (key.keytype) {
      case 'SCHEMA': return this.applySchema(subject, Number(key.version), value as SchemaValue | null);
      case 'CONFIG': return void (value && typeof value.compatibilityLevel === 'string' ? this.configs.set(subject, value.compatibilityLevel) : this.configs.delete(subject));
      case 'MODE': return void (value && typeof value.mode === 'string' ? this.modes.set(subject, value.mode) : this.modes.delete(subject));
      case 'DELETE_SUBJECT': {
        const upTo = Number(value?.version ?? Infinity);
        for (const v of this.subjects.get(subject)?.values() ?? []) if (v.version <= upTo) v.deleted = true;
        return;
      }
      default:
    }
  }

  private applySchema(subject: string, version: number, value: SchemaValue | null): void {
    const versions = this.subjects.get(subject);
    if (value === null) {
      versions?.delete(version);
      if (versions?.size === 0) this.subjects.delete(subject);
      return;
    }
    if (!Number.isInteger(value.id) || typeof value.schema !== 'string') return;
    const stored: StoredSchema = { id: value.id, schema: value.schema, schemaType: value.schemaType ?? 'AVRO', references: value.references ?? [] };
    const existingId = this.ids.get(value.id);
    if (existingId && !sameSchema(existingId, stored)) return;
    const existing = versions?.get(version);
    if (existing && existing.id !== value.id) return;
    if (!existingId) this.ids.set(value.id, stored);
    const list = versions ?? new Map<number, SubjectVersion>();
    list.set(version, { subject, version, id: value.id, deleted: value.deleted === true });
    this.subjects.set(subject, list);
  }

  maxId(): number {
    let max = 0;
    for (const id of this.ids.keys()) max = Math.max(max, id);
    return max;
  }

  /** A subject's versions in order (soft-deleted ones only when asked). */
  versions(subject: string, includeDeleted = false): SubjectVersion[] {
    return [...(this.subjects.get(subject)?.values() ?? [])].filter((v) => includeDeleted || !v.deleted).sort((a, b) => a.version - b.version);
  }

  /** The id already given to this exact schema, if any. */
  idOf(schema: Omit<StoredSchema, 'id'>): number | undefined {
    for (const s of this.ids.values()) if (sameSchema(s, schema)) return s.id;
    return undefined;
  }
}
