/**
 * Hostile bytes against every generated decoder: random frames and mutations of valid encodings
 * (truncation, bit flips, inflated length fields). Only DecodeError may come out, and each decode
 * does bounded work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Reader } from '../../src/protocol/wire/reader.js';
import { Writer } from '../../src/protocol/wire/writer.js';
import { DecodeError } from '../../src/protocol/wire/decode-error.js';
import { decodeRequestBody, decodeRequestFrameHeader } from '../../src/protocol/framing/messages.js';
import { importGenerated, loadAllSchemas, structArb, versionsOf } from '../support/protocol-schemas.js';

type Decode = (r: Reader, v: number) => unknown;
type Encode = (w: Writer, x: unknown, v: number) => void;

function mustOnlyDecodeError(f: () => unknown, what: string): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DecodeError)) assert.fail(`${what}: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

/** Deterministic mutations of a valid encoding. */
function mutations(bytes: Buffer, rnd: () => number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < 4; i++) out.push(bytes.subarray(0, Math.floor(rnd() * bytes.length)));
  for (let i = 0; i < 6 && bytes.length > 0; i++) {
    const m = Buffer.from(bytes);
    const at = Math.floor(rnd() * m.length);
    m[at] = m[at]! ^ (1 << Math.floor(rnd() * 8));
    out.push(m);
  }
  for (let i = 0; i < 3 && bytes.length >= 4; i++) {
    const m = Buffer.from(bytes);
    m.writeInt32BE(0x7fffffff, Math.floor(rnd() * (m.length - 3)));
    out.push(m);
  }
  for (let i = 0; i < 2 && bytes.length > 0; i++) {
    const m = Buffer.from(bytes);
    m[Math.floor(rnd() * m.length)] = 0xff;
    out.push(m);
  }
  return out;
}

test('mutated encodings of every message at every version raise only DecodeError', async () => {
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  let decodes = 0;
  for (const s of loadAllSchemas()) {
    const mod = await importGenerated(s);
    const encode = mod[`encode${s.msg.name}`] as Encode;
    const decode = mod[`decode${s.msg.name}`] as Decode;
    for (const v of versionsOf(s.msg)) {
      const samples = fc.sample(structArb(s, s.msg.root, v, mod), { numRuns: 2, seed: v + 7 });
      for (const value of samples) {
        const w = new Writer();
        encode(w, value, v);
        for (const m of mutations(w.toBuffer(), rnd)) {
          mustOnlyDecodeError(() => decode(new Reader(m), v), `${s.msg.name} v${v}`);
          decodes++;
        }
      }
      for (let i = 0; i < 3; i++) {
        const junk = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
        mustOnlyDecodeError(() => decode(new Reader(junk), v), `${s.msg.name} v${v} random`);
        decodes++;
      }
    }
  }
  assert.ok(decodes > 10_000, `ran ${decodes} hostile decodes`);
});

test('random request frames through the frame decoder raise only DecodeError', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -2, max: 90 }),
      fc.integer({ min: -1, max: 20 }),
      fc.uint8Array({ maxLength: 200 }),
      (apiKey, version, tail) => {
        const frame = Buffer.concat([Buffer.from([apiKey >> 8, apiKey & 0xff, version >> 8, version & 0xff]), Buffer.from(tail)]);
        mustOnlyDecodeError(() => {
          const { header, body } = decodeRequestFrameHeader(frame);
          decodeRequestBody(header.requestApiKey, header.requestApiVersion, body);
        }, `api ${apiKey} v${version}`);
      },
    ),
    { numRuns: 5000, seed: 99 },
  );
});
