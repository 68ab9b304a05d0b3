import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readRecord, recordBodySize, varintSize, varlongSize, writeRecord } from '../../../src/protocol/records/record.js';
import { DecodeError } from '../../../src/protocol/wire/decode-error.js';
import { Reader } from '../../../src/protocol/wire/reader.js';
import { Writer } from '../../../src/protocol/wire/writer.js';

const decodeError = (code: string) => (err: unknown) => err instanceof DecodeError && err.code === code;

function encode(record: Parameters<typeof writeRecord>[1]): Buffer {
  const writer = new Writer();
  writeRecord(writer, record);
  return writer.toBuffer();
}

describe('record', () => {
  it('encodes the documented layout', () => {
    const bytes = encode({
      attributes: 0,
      timestampDelta: -2n,
      offsetDelta: 64,
      key: null,
      value: Buffer.from('ab'),
      headers: [{ key: 'é', value: null }],
    });
    // length 13 | attrs | tsDelta -2 | offsetDelta 64 (2 bytes) | key null | value "ab" | 1 header | key "é" (2 UTF-8 bytes) | value null
    assert.equal(bytes.toString('hex'), '1a' + '00' + '03' + '8001' + '01' + '046162' + '02' + '04c3a9' + '01');
  });

  it('decodes keys, values and header values as views of the input', () => {
    const bytes = encode({
      attributes: 0,
      timestampDelta: 7n,
      offsetDelta: 3,
      key: Buffer.from('key'),
      value: Buffer.from('value'),
      headers: [{ key: 'h', value: Buffer.from('hv') }],
    });
    const record = readRecord(new Reader(bytes));
    assert.equal(record.key!.toString(), 'key');
    assert.equal(record.key!.buffer, bytes.buffer);
    assert.equal(record.value!.buffer, bytes.buffer);
    assert.equal(record.headers[0]!.value!.buffer, bytes.buffer);
    assert.deepEqual({ ...record, key: null, value: null, headers: [] }, {
      attributes: 0, timestampDelta: 7n, offsetDelta: 3, key: null, value: null, headers: [],
    });
  });

  it('round-trips random records and predicts their size', () => {
    const header = fc
      .record({
        key: fc.string({ maxLength: 20, unit: 'grapheme' }),
        value: fc.option(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)), { nil: null }),
      })
      .map((h) => ({ ...h }));
    const record = fc.record({
      attributes: fc.integer({ min: -128, max: 127 }),
      timestampDelta: fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n),
      offsetDelta: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      key: fc.option(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), { nil: null }),
      value: fc.option(fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)), { nil: null }),
      headers: fc.array(header, { maxLength: 5 }),
    }).map((r) => ({ ...r }));
    fc.assert(
      fc.property(record, (input) => {
        const bytes = encode(input);
        assert.equal(bytes.length, varintSize(recordBodySize(input)) + recordBodySize(input));
        const reader = new Reader(bytes);
        assert.deepEqual(readRecord(reader), input);
        assert.equal(reader.remaining, 0);
      }),
      { numRuns: 300 },
    );
  });

  it('computes varint and varlong sizes like the writer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n), (n, big) => {
        const w1 = new Writer();
        w1.varint(n);
        assert.equal(w1.length, varintSize(n));
        const w2 = new Writer();
        w2.varlong(big);
        assert.equal(w2.length, varlongSize(big));
      }),
    );
  });

  it('rejects malformed records with DecodeError', () => {
    // Each case: length prefix | attributes | timestampDelta | offsetDelta | key | value | headers.
    const cases: [string, string][] = [
      ['01', 'NEGATIVE_LENGTH'], // record length -1
      ['0a' + '0000', 'TRUNCATED'], // length 5, 2 bytes follow
      ['0c' + '000000' + '03' + '0100', 'NEGATIVE_LENGTH'], // key length -2
      ['0e' + '000000' + '01' + '01' + '00' + 'ff', 'TRAILING_BYTES'], // a spare byte after the headers
      ['0c' + '000000' + '01' + '01' + '50', 'COUNT_TOO_LARGE'], // 40 headers in no bytes
      ['0c' + '000000' + '01' + '01' + '03', 'NEGATIVE_LENGTH'], // header count -2
      ['10' + '000000' + '01' + '01' + '02' + '01' + '01', 'NEGATIVE_LENGTH'], // null header key
      ['10' + '000000' + '01' + '01' + '02' + '0261', 'TRUNCATED'], // header value length missing
    ];
    for (const [hex, code] of cases) {
      assert.throws(() => readRecord(new Reader(Buffer.from(hex, 'hex'))), decodeError(code), hex);
    }
  });
});
