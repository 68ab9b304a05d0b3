/**
 * Write-behind segment files on the real filesystem: writes return at once and are visible to
 * reads and size before they reach the file; truncations are ordered with them; written() and
 * sync() resolve only once the bytes are in the file; close() with writes outstanding finishes
 * them; a failed write fails the handle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '../../../src/storage/fs/node-file-system.js';
import { StorageIoError } from '../../../src/storage/fs/file-system.js';

function withDir(run: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gregor-wb-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const fsys = new NodeFileSystem();

test('writes are visible to reads and size at once, and reach the file by written()', withDir(async (dir) => {
  const path = join(dir, 'a.log');
  const h = fsys.open(path, 'create', { writeBehind: true });
  const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000 + i, 65 + (i % 26)));
  let at = 0;
  for (const c of chunks) {
    h.write(c, 0, c.length, at);
    at += c.length;
  }
  assert.equal(h.size(), at);
  const back = Buffer.alloc(at);
  assert.equal(h.read(back, 0, at, 0), at);
  assert.ok(back.equals(Buffer.concat(chunks)));
  const middle = Buffer.alloc(3000);
  assert.equal(h.read(middle, 0, 3000, 5000), 3000);
  assert.ok(middle.equals(Buffer.concat(chunks).subarray(5000, 8000)));
  assert.equal(h.read(Buffer.alloc(10), 0, 10, at + 5), 0, 'nothing past the end');
  await h.written();
  assert.ok(readFileSync(path).equals(Buffer.concat(chunks)), 'the file holds every write');
  h.close();
}));

test('a truncation between writes is ordered with them, for readers and on disk', withDir(async (dir) => {
  const path = join(dir, 'b.log');
  const h = fsys.open(path, 'create', { writeBehind: true });
  h.write(Buffer.from('0123456789'), 0, 10, 0);
  h.write(Buffer.from('abcdefghij'), 0, 10, 10);
  h.truncate(15);
  assert.equal(h.size(), 15);
  h.write(Buffer.from('XYZ'), 0, 3, 15);
  const all = Buffer.alloc(30);
  const n = h.read(all, 0, 30, 0);
  assert.equal(all.subarray(0, n).toString(), '0123456789abcdeXYZ');
  h.truncate(4);
  const short = Buffer.alloc(30);
  assert.equal(short.subarray(0, h.read(short, 0, 30, 0)).toString(), '0123');
  await h.sync();
  assert.equal(readFileSync(path).toString(), '0123');
  h.close();
}));

test('sync() waits for the writes before it; close() with writes outstanding completes them', withDir(async (dir) => {
  const path = join(dir, 'c.log');
  const h = fsys.open(path, 'create', { writeBehind: true });
  const big = Buffer.alloc(4 << 20, 7);
  h.write(big, 0, big.length, 0);
  const synced = h.sync();
  h.write(Buffer.from('tail'), 0, 4, big.length);
  await synced;
  assert.ok(readFileSync(path).length >= big.length);
  h.close();
  assert.throws(() => h.write(Buffer.from('x'), 0, 1, 0), StorageIoError, 'a closed handle takes no writes');
  for (let i = 0; i < 100 && readFileSync(path).length < big.length + 4; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(readFileSync(path).subarray(big.length).toString(), 'tail');
}));

test('a failed write rejects written() and sync() and fails every later call', { skip: existsSync('/dev/full') ? false : 'no /dev/full to make writes fail' }, async () => {
  const h = fsys.open('/dev/full', 'readWrite', { writeBehind: true });
  h.write(Buffer.alloc(4096, 1), 0, 4096, 0);
  await assert.rejects(h.written(), (e: Error) => e instanceof StorageIoError && /ENOSPC/.test(e.message));
  await assert.rejects(h.sync(), StorageIoError);
  assert.throws(() => h.write(Buffer.alloc(1), 0, 1, 0), /ENOSPC/);
  assert.throws(() => h.read(Buffer.alloc(1), 0, 1, 0), /ENOSPC/);
  h.close();
});

test('files of one group reach the disk in the order written: a later file never gets ahead of an earlier one', withDir(async (dir) => {
  const group = fsys.writeGroup();
  const first = fsys.open(join(dir, '0.log'), 'create', { writeBehind: group });
  const second = fsys.open(join(dir, '1.log'), 'create', { writeBehind: group });
  const big = Buffer.alloc(32 << 20, 3);
  first.write(big, 0, big.length, 0);
  second.write(Buffer.from('z'), 0, 1, 0);
  for (let i = 0; i < 2000 && statSync(join(dir, '1.log')).size === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(statSync(join(dir, '1.log')).size, 1);
  assert.equal(statSync(join(dir, '0.log')).size, big.length, 'the earlier file was complete before the later one was written');
  await second.written();
  first.close();
  second.close();
}));

test('readAsync sees the writes issued before it, and a close while it runs waits for it', withDir(async (dir) => {
  const path = join(dir, 'd.log');
  const h = fsys.open(path, 'create', { writeBehind: true });
  const data = Buffer.alloc(2 << 20);
  for (let i = 0; i < data.length; i++) data[i] = i % 251;
  h.write(data, 0, data.length, 0);
  const into = Buffer.alloc(data.length);
  const reading = h.readAsync(into, 0, data.length, 0);
  h.close();
  assert.equal(await reading, data.length);
  assert.ok(into.equals(data), 'the read returns the bytes, closed or not');
  await assert.rejects(h.readAsync(Buffer.alloc(1), 0, 1, 0), StorageIoError, 'a closed file takes no new reads');
  const plain = fsys.open(path, 'read');
  for (let i = 0; i < 200 && readFileSync(path).length < data.length; i++) await new Promise((r) => setTimeout(r, 5));
  const again = Buffer.alloc(16);
  const r = plain.readAsync(again, 0, 16, 1000);
  plain.close();
  assert.equal(await r, 16);
  assert.ok(again.equals(data.subarray(1000, 1016)));
}));
