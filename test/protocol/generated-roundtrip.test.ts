/**
 * Every generated message and coordinator record, at every valid version, round-trips random
 * values: decode(encode(x)) equals x, and encoding the decoded value gives the same bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Reader } from '../../src/protocol/wire/reader.js';
import { Writer } from '../../src/protocol/wire/writer.js';
import { importGenerated, loadAllSchemas, structArb, versionsOf } from '../support/protocol-schemas.js';

type Encode = (w: Writer, x: unknown, v: number) => void;
type Decode = (r: Reader, v: number) => unknown;

const schemas = loadAllSchemas();

test('the schemas cover API keys 0-87 and the coordinator records', () => {
  const keys = new Set(schemas.filter((s) => s.msg.type === 'request').map((s) => s.msg.apiKey));
  for (let k = 0; k <= 87; k++) assert.ok(keys.has(k), `API key ${k} has a request schema`);
  assert.ok(schemas.some((s) => s.kind === 'coordinator-records' && s.msg.name === 'OffsetCommitValue'));
});

test('every message round-trips at every version', async () => {
  let cases = 0;
  for (const s of schemas) {
    const mod = await importGenerated(s);
    const encode = mod[`encode${s.msg.name}`] as Encode;
    const decode = mod[`decode${s.msg.name}`] as Decode;
    for (const v of versionsOf(s.msg)) {
      fc.assert(
        fc.property(structArb(s, s.msg.root, v, mod), (value) => {
          const w = new Writer();
          encode(w, value, v);
          const bytes = w.toBuffer();
          const r = new Reader(bytes);
          const decoded = decode(r, v);
          assert.equal(r.remaining, 0, `${s.msg.name} v${v}: decoder left bytes unread`);
          assert.deepStrictEqual(decoded, value, `${s.msg.name} v${v}: decoded value differs`);
          const again = new Writer();
          encode(again, decoded, v);
          assert.ok(again.toBuffer().equals(bytes), `${s.msg.name} v${v}: re-encoding changed the bytes`);
        }),
        { numRuns: 25, seed: 42 + v },
      );
      cases++;
    }
  }
  const expected = schemas.reduce((n, s) => n + versionsOf(s.msg).length, 0);
  assert.equal(cases, expected);
  assert.ok(cases > 700, `every version of every message: ${cases} cases`);
});
