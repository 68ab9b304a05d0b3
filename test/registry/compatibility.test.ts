/**
 * Compatibility rules, table-driven per format: each row is a change from an old schema to a new
 * one and whether the new one can read old data (BACKWARD) and the old one new data (FORWARD);
 * FULL is both, NONE accepts anything, and the _TRANSITIVE levels check every earlier version.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incompatibilities, type CompatibilityLevel } from '../../src/registry/compatibility.js';
import { FORMATS, InvalidSchemaError, type SchemaType } from '../../src/registry/formats/index.js';

interface Row { change: string; old: string; next: string; backward: boolean; forward: boolean }

const avro = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Order', fields });
const json = (properties: object, extra: object = {}) => JSON.stringify({ type: 'object', properties, ...extra });
const proto = (body: string) => `syntax = "proto3"; package shop; message Order { ${body} }`;

const TABLE: Record<SchemaType, Row[]> = {
  AVRO: [
    { change: 'field added with a default', old: avro([{ name: 'id', type: 'int' }]), next: avro([{ name: 'id', type: 'int' }, { name: 'note', type: 'string', default: '' }]), backward: true, forward: true },
    { change: 'field added without a default', old: avro([{ name: 'id', type: 'int' }]), next: avro([{ name: 'id', type: 'int' }, { name: 'note', type: 'string' }]), backward: false, forward: true },
    { change: 'field removed (it had a default)', old: avro([{ name: 'id', type: 'int' }, { name: 'note', type: 'string', default: '' }]), next: avro([{ name: 'id', type: 'int' }]), backward: true, forward: true },
    { change: 'field without default removed', old: avro([{ name: 'id', type: 'int' }, { name: 'note', type: 'string' }]), next: avro([{ name: 'id', type: 'int' }]), backward: true, forward: false },
    { change: 'type promoted int → long', old: avro([{ name: 'id', type: 'int' }]), next: avro([{ name: 'id', type: 'long' }]), backward: true, forward: false },
    { change: 'type changed int → string', old: avro([{ name: 'id', type: 'int' }]), next: avro([{ name: 'id', type: 'string' }]), backward: false, forward: false },
    { change: 'enum symbol added', old: avro([{ name: 's', type: { type: 'enum', name: 'S', symbols: ['A'] } }]), next: avro([{ name: 's', type: { type: 'enum', name: 'S', symbols: ['A', 'B'] } }]), backward: true, forward: false },
  ],
  JSON: [
    { change: 'optional property added to a closed model', old: json({ id: { type: 'integer' } }, { additionalProperties: false }), next: json({ id: { type: 'integer' }, note: { type: 'string' } }, { additionalProperties: false }), backward: true, forward: false },
    { change: 'required property added', old: json({ id: { type: 'integer' } }), next: json({ id: { type: 'integer' }, note: { type: 'string' } }, { required: ['note'] }), backward: false, forward: true },
    { change: 'property removed from an open model', old: json({ id: { type: 'integer' }, note: { type: 'string' } }), next: json({ id: { type: 'integer' } }), backward: true, forward: false },
    { change: 'property removed from a closed model', old: json({ id: { type: 'integer' }, note: { type: 'string' } }, { additionalProperties: false }), next: json({ id: { type: 'integer' } }, { additionalProperties: false }), backward: false, forward: true },
    { change: 'type widened integer → number', old: json({ id: { type: 'integer' } }), next: json({ id: { type: 'number' } }), backward: true, forward: false },
    { change: 'type changed integer → string', old: json({ id: { type: 'integer' } }), next: json({ id: { type: 'string' } }), backward: false, forward: false },
    { change: 'enum value added', old: json({ s: { enum: ['A'] } }), next: json({ s: { enum: ['A', 'B'] } }), backward: true, forward: false },
    { change: 'maxLength tightened', old: json({ s: { type: 'string', maxLength: 10 } }), next: json({ s: { type: 'string', maxLength: 5 } }), backward: false, forward: true },
  ],
  PROTOBUF: [
    { change: 'field added', old: proto('int32 id = 1;'), next: proto('int32 id = 1; string note = 2;'), backward: true, forward: true },
    { change: 'field removed', old: proto('int32 id = 1; string note = 2;'), next: proto('int32 id = 1;'), backward: true, forward: true },
    { change: 'field renamed', old: proto('int32 id = 1;'), next: proto('int32 order_id = 1;'), backward: true, forward: true },
    { change: 'int32 → int64 (same wire type)', old: proto('int32 id = 1;'), next: proto('int64 id = 1;'), backward: true, forward: true },
    { change: 'int32 → string', old: proto('int32 id = 1;'), next: proto('string id = 1;'), backward: false, forward: false },
    { change: 'int32 → sint32 (zigzag)', old: proto('int32 id = 1;'), next: proto('sint32 id = 1;'), backward: false, forward: false },
    { change: 'message removed', old: `${proto('int32 id = 1;')} message Extra { int32 x = 1; }`, next: proto('int32 id = 1;'), backward: false, forward: true },
  ],
};

function verdict(type: SchemaType, level: CompatibilityLevel, versions: string[], candidate: string): boolean {
  const f = FORMATS[type];
  const parsed = versions.map((text, i) => ({ version: i + 1, parsed: f.parse(text, new Map()) }));
  return incompatibilities(f, level, f.parse(candidate, new Map()), parsed).length === 0;
}

for (const [type, rows] of Object.entries(TABLE) as [SchemaType, Row[]][]) {
  describe(`${type} compatibility`, () => {
    for (const row of rows) {
      it(`${row.change}: backward ${row.backward}, forward ${row.forward}`, () => {
        assert.equal(verdict(type, 'BACKWARD', [row.old], row.next), row.backward, 'BACKWARD');
        assert.equal(verdict(type, 'FORWARD', [row.old], row.next), row.forward, 'FORWARD');
        assert.equal(verdict(type, 'FULL', [row.old], row.next), row.backward && row.forward, 'FULL');
        assert.equal(verdict(type, 'NONE', [row.old], row.next), true, 'NONE');
      });
    }
  });
}

describe('transitive levels', () => {
  it('BACKWARD checks the latest version only; BACKWARD_TRANSITIVE checks them all', () => {
    const v1 = avro([{ name: 'id', type: 'int' }]);
    const v2 = avro([{ name: 'id', type: 'int' }, { name: 'note', type: 'string', default: '' }]);
    const v3 = avro([{ name: 'id', type: 'int' }, { name: 'note', type: 'string' }]);
    assert.equal(verdict('AVRO', 'BACKWARD', [v1, v2], v3), true, 'v3 reads v2 data (note is there)');
    assert.equal(verdict('AVRO', 'BACKWARD_TRANSITIVE', [v1, v2], v3), false, 'v3 cannot read v1 data (no note, no default)');
    assert.equal(verdict('AVRO', 'FULL_TRANSITIVE', [v1, v2], v3), false);
  });
});

describe('invalid schemas', () => {
  const bad: [SchemaType, string, RegExp][] = [
    ['AVRO', '{"type":"record","name":"X"}', /Invalid schema/],
    ['AVRO', '{"type":"recrod","name":"X","fields":[]}', /Invalid schema/],
    ['AVRO', '{not json', /Invalid schema/],
    ['JSON', '{"type":"object","properties":{"a":{"type":"strng"}}}', /Invalid schema/],
    ['JSON', '[1]', /Invalid schema/],
    ['PROTOBUF', 'syntax = "proto3"; message M { int32 a = 1 }', /Invalid schema/],
    ['PROTOBUF', 'syntax = "proto3";', /no message/],
  ];
  for (const [type, text, message] of bad) {
    it(`${type}: ${text.slice(0, 40)}`, () => {
      assert.throws(() => FORMATS[type].parse(text, new Map()), (e: Error) => e instanceof InvalidSchemaError && message.test(e.message));
    });
  }

  it('resolves references by name', () => {
    const address = JSON.stringify({ type: 'record', name: 'Address', namespace: 'shop', fields: [{ name: 'city', type: 'string' }] });
    const customer = JSON.stringify({ type: 'record', name: 'Customer', namespace: 'shop', fields: [{ name: 'address', type: 'shop.Address' }] });
    assert.throws(() => FORMATS.AVRO.parse(customer, new Map()), InvalidSchemaError);
    assert.ok(FORMATS.AVRO.parse(customer, new Map([['shop.Address', address]])));
    const common = 'syntax = "proto3"; package shop; message Money { int64 cents = 1; }';
    const order = 'syntax = "proto3"; package shop; import "money.proto"; message Order { shop.Money total = 1; }';
    assert.ok(FORMATS.PROTOBUF.parse(order, new Map([['money.proto', common]])));
  });
});
