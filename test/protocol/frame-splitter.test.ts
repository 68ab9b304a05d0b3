/**
 * FrameSplitter: frames come out whole whatever the chunking of the stream, and oversized or
 * negative size prefixes are refused before their bodies are buffered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameSplitter, FrameTooLargeError } from '../../src/protocol/framing/frame-splitter.js';

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

test('frames survive any split of the stream', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 50 }),
      (bodies, cuts) => {
        const stream = Buffer.concat(bodies.map((b) => frame(Buffer.from(b))));
        const splitter = new FrameSplitter(1024);
        const out: Buffer[] = [];
        let pos = 0;
        let i = 0;
        while (pos < stream.length) {
          const n = cuts[i++ % cuts.length]!;
          out.push(...splitter.push(stream.subarray(pos, pos + n)));
          pos += n;
        }
        assert.deepEqual(out.map((b) => [...b]), bodies.map((b) => [...b]));
        assert.equal(splitter.buffered, 0);
      },
    ),
  );
});

test('a frame that arrives whole is returned without copying', () => {
  const chunk = frame(Buffer.from('hello'));
  const [f] = new FrameSplitter(100).push(chunk);
  assert.equal(f!.buffer, chunk.buffer);
});

test('size prefixes above the limit or below zero are refused at once', () => {
  const s = new FrameSplitter(100);
  assert.throws(() => s.push(Buffer.from([0, 0, 0, 101])), FrameTooLargeError);
  assert.throws(() => new FrameSplitter(100).push(Buffer.from([0xff, 0xff, 0xff, 0xff])), FrameTooLargeError);
  const split = new FrameSplitter(100);
  assert.deepEqual(split.push(Buffer.from([0x10])), []);
  assert.throws(() => split.push(Buffer.from([0, 0, 0])), FrameTooLargeError);
});
