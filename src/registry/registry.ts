/**
 * The schema registry's operations over the SchemasLog: register (reusing ids for identical
 * schemas, checking the subject's compatibility level, numbering versions), look up, delete (soft,
 * then permanently), compatibility checks, and compatibility and mode settings, with Confluent
 * Schema Registry's rules and error codes.
 *
 * Contract: one per broker; every operation first catches up with the log.
 */
import type { ClientSession } from '../http/client-sessions.js';
import { DEFAULT_LEVEL, incompatibilities, isLevel, type CompatibilityLevel } from './compatibility.js';
import { FORMATS, InvalidSchemaError, type ParsedSchema, type SchemaType } from './formats/index.js';
import { RegistryError, schemaNotFound, subjectNotFound, versionNotFound } from './registry-errors.js';
import type { Reference, StoredSchema, SubjectVersion } from './schema-store.js';
import type { SchemasLog } from './schemas-log.js';

export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const;

export interface SchemaInput {
  schema: string;
  schemaType: SchemaType;
  references: Reference[];
}

const AVRO_PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/**
 * The text kept for a schema: JSON without insignificant whitespace (an Avro `{"type": "string"}`
 * becomes `"string"`, as the registry writes primitives), Protobuf trimmed.
 */
function normalizedText(input: SchemaInput): string {
  if (input.schemaType === 'PROTOBUF') return input.schema.trim();
  try {
    const parsed = JSON.parse(input.schema) as unknown;
    if (input.schemaType === 'AVRO' && parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const keys = Object.keys(parsed);
      const type = (parsed as { type?: unknown }).type;
      if (keys.length === 1 && typeof type === 'string' && AVRO_PRIMITIVES.has(type)) return JSON.stringify(type);
    }
    return JSON.stringify(parsed);
  } catch {
    return JSON.stringify(input.schema.trim());
  }
}

export class Registry {
  constructor(private readonly log: SchemasLog) {}

  get store() {
    return this.log.store;
  }

  sync(): Promise<void> {
    return this.log.catchUp();
  }

  /** The schema texts of `references`, by name; 42201 when one does not exist. */
  private referenced(references: readonly Reference[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of references) {
      const v = this.store.versions(r.subject, true).find((x) => x.version === r.version);
      const s = v && this.store.ids.get(v.id);
      if (!s) throw new RegistryError(42201, `Invalid schema: reference ${r.name} names ${r.subject} version ${r.version}, which does not exist`);
      out.set(r.name, s.schema);
    }
    return out;
  }

  parse(input: SchemaInput): ParsedSchema {
    try {
      return FORMATS[input.schemaType].parse(input.schema, this.referenced(input.references));
    } catch (e) {
      if (e instanceof InvalidSchemaError) throw new RegistryError(42201, e.message);
      throw e;
    }
  }

  parseStored(s: StoredSchema): ParsedSchema {
    return FORMATS[s.schemaType].parse(s.schema, this.referenced(s.references));
  }

  level(subject: string): CompatibilityLevel {
    const l = this.store.configs.get(subject) ?? this.store.configs.get('') ?? DEFAULT_LEVEL;
    return isLevel(l) ? l : DEFAULT_LEVEL;
  }

  mode(subject: string): string {
    return this.store.modes.get(subject) ?? this.store.modes.get('') ?? 'READWRITE';
  }

  version(subject: string, raw: string, includeDeleted = false): SubjectVersion {
    const all = this.store.versions(subject, true);
    if (all.length === 0) throw subjectNotFound(subject);
    const live = all.filter((v) => includeDeleted || !v.deleted);
    if (raw === 'latest' || raw === '-1') {
      const latest = live[live.length - 1];
      if (!latest) throw versionNotFound(raw);
      return latest;
    }
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 2 ** 31 - 1) throw new RegistryError(42202, `The specified version '${raw}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
    const v = live.find((x) => x.version === Number(raw));
    if (!v) throw versionNotFound(raw);
    return v;
  }

  schema(id: number): StoredSchema {
    const s = this.store.ids.get(id);
    if (!s) throw schemaNotFound();
    return s;
  }

  /** Messages saying why `input` may not be registered under `subject` (empty: it may). */
  check(subject: string, input: SchemaInput, against?: SubjectVersion[]): string[] {
    const parsed = this.parse(input);
    const existing = (against ?? this.store.versions(subject)).map((v) => ({ version: v.version, stored: this.schema(v.id) }))
      .filter((v) => v.stored.schemaType === input.schemaType)
      .map((v) => ({ version: v.version, parsed: this.parseStored(v.stored) }));
    return incompatibilities(FORMATS[input.schemaType], this.level(subject), parsed, existing);
  }

  /** Registers `input` under `subject`; the id (an existing one when the schema is known). */
  async register(session: ClientSession, subject: string, input: SchemaInput): Promise<number> {
    await this.sync();
    if (this.mode(subject).startsWith('READONLY')) throw new RegistryError(42205, `Subject ${subject} is in read-only mode`);
    this.parse(input);
    const text = normalizedText(input);
    const wanted = { schema: text, schemaType: input.schemaType, references: input.references };
    for (let attempt = 0; attempt < 5; attempt++) {
      const already = this.store.versions(subject).find((v) => {
        const s = this.store.ids.get(v.id);
        return s !== undefined && s.schema === text && s.schemaType === input.schemaType && JSON.stringify(s.references) === JSON.stringify(input.references);
      });
      if (already) return already.id;
      const problems = this.check(subject, input);
      if (problems.length > 0) {
        throw new RegistryError(409, `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${problems.join('; ')}`);
      }
      const id = this.store.idOf(wanted) ?? this.store.maxId() + 1;
      const version = Math.max(0, ...this.store.versions(subject, true).map((v) => v.version)) + 1;
      await this.log.append(session, { keytype: 'SCHEMA', subject, version, magic: 1 }, {
        subject, version, id, schema: text, ...(input.schemaType !== 'AVRO' ? { schemaType: input.schemaType } : {}),
        ...(input.references.length ? { references: input.references } : {}), deleted: false,
      });
      const landed = this.store.versions(subject).find((v) => v.version === version);
      if (landed?.id === id) return id;
    }
    throw new RegistryError(50001, `Error in the backend datastore: registering under ${subject} kept losing to concurrent registrations`);
  }

  /** The version of `subject` holding `input`, or 40403. */
  lookup(subject: string, input: SchemaInput, includeDeleted: boolean): SubjectVersion {
    if (this.store.versions(subject, true).length === 0) throw subjectNotFound(subject);
    this.parse(input);
    const text = normalizedText(input);
    const found = this.store.versions(subject, includeDeleted).find((v) => {
      const s = this.store.ids.get(v.id);
      return s !== undefined && s.schema === text && s.schemaType === input.schemaType;
    });
    if (!found) throw schemaNotFound('Schema');
    return found;
  }

  async deleteVersion(session: ClientSession, subject: string, raw: string, permanent: boolean): Promise<number> {
    await this.sync();
    const v = this.version(subject, raw, permanent);
    const s = this.schema(v.id);
    if (permanent) {
      if (!v.deleted) throw new RegistryError(40407, `Subject '${subject}' Version ${v.version} was not deleted first before being permanently deleted`);
      await this.log.append(session, { keytype: 'SCHEMA', subject, version: v.version, magic: 1 }, null);
    } else {
      await this.log.append(session, { keytype: 'SCHEMA', subject, version: v.version, magic: 1 }, {
        subject, version: v.version, id: v.id, schema: s.schema, ...(s.schemaType !== 'AVRO' ? { schemaType: s.schemaType } : {}),
        ...(s.references.length ? { references: s.references } : {}), deleted: true,
      });
    }
    return v.version;
  }

  async deleteSubject(session: ClientSession, subject: string, permanent: boolean): Promise<number[]> {
    await this.sync();
    const all = this.store.versions(subject, true);
    if (all.length === 0) throw subjectNotFound(subject);
    if (permanent) {
      if (all.some((v) => !v.deleted)) throw new RegistryError(40405, `Subject '${subject}' was not deleted first before being permanently deleted`);
      for (const v of all) await this.log.append(session, { keytype: 'SCHEMA', subject, version: v.version, magic: 1 }, null);
      return all.map((v) => v.version);
    }
    const live = all.filter((v) => !v.deleted);
    if (live.length === 0) throw new RegistryError(40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
    await this.log.append(session, { keytype: 'DELETE_SUBJECT', subject, magic: 0 }, { subject, version: live[live.length - 1]!.version });
    return live.map((v) => v.version);
  }

  async setLevel(session: ClientSession, subject: string | null, level: unknown): Promise<CompatibilityLevel> {
    if (!isLevel(level)) throw new RegistryError(42203, `Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`);
    await this.log.append(session, { keytype: 'CONFIG', subject, magic: 0 }, { compatibilityLevel: level });
    return level;
  }

  async deleteLevel(session: ClientSession, subject: string): Promise<CompatibilityLevel> {
    await this.sync();
    if (this.store.versions(subject, true).length === 0 && !this.store.configs.has(subject)) throw subjectNotFound(subject);
    const previous = this.level(subject);
    await this.log.append(session, { keytype: 'CONFIG', subject, magic: 0 }, null);
    return previous;
  }

  async setMode(session: ClientSession, subject: string | null, mode: unknown): Promise<string> {
    if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) throw new RegistryError(42204, `Invalid mode. Valid values are ${MODES.join(', ')}`);
    await this.log.append(session, { keytype: 'MODE', subject, magic: 0 }, { mode });
    return mode;
  }

  async deleteMode(session: ClientSession, subject: string): Promise<string> {
    await this.sync();
    const previous = this.mode(subject);
    await this.log.append(session, { keytype: 'MODE', subject, magic: 0 }, null);
    return previous;
  }
}
