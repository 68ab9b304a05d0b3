/**
 * An in-memory FileSystem for deterministic crash tests.
 *
 * Each file keeps the bytes written so far and, separately, the bytes made durable by its last
 * `sync`. `crash()` throws away everything not durable, optionally keeping a prefix of the bytes
 * appended since the last sync (a torn tail, as a real disk may persist part of a write).
 * Directory entries (create, rename, remove) are durable at once: a simplification that errs on
 * the side of files existing, which recovery must handle anyway.
 *
 * Contract: single-threaded, like the rest of storage; handles stay valid until closed or crash.
 */
import { StorageIoError, type FileHandle, type FileSystem, type OpenMode, type WriteGroup } from './file-system.js';

interface MemFile {
  data: Buffer;
  length: number;
  durable: Buffer;
}

function normalize(path: string): string {
  return path.replace(/\/+$/, '') || '/';
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

class MemFileHandle implements FileHandle {
  constructor(
    private readonly file: MemFile,
    private readonly path: string,
    private readonly writable: boolean,
    private readonly owner: MemoryFileSystem,
  ) {}

  read(buf: Buffer, offset: number, length: number, position: number): number {
    this.owner.check('read', this.path, this);
    const n = Math.max(0, Math.min(length, this.file.length - position));
    this.file.data.copy(buf, offset, position, position + n);
    return n;
  }

  /** In memory the read happens at once; the answer still comes on a later turn, as on a disk. */
  readAsync(buf: Buffer, offset: number, length: number, position: number): Promise<number> {
    try {
      const n = this.read(buf, offset, length, position);
      return new Promise((resolve) => setImmediate(() => resolve(n)));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  write(buf: Buffer, offset: number, length: number, position: number): void {
    this.owner.check('write', this.path, this);
    if (!this.writable) throw new StorageIoError('write', this.path, new Error('EBADF: file opened read-only'));
    const end = position + length;
    if (end > this.file.data.length) {
      const grown = Buffer.alloc(Math.max(end, this.file.data.length * 2, 256));
      this.file.data.copy(grown, 0, 0, this.file.length);
      this.file.data = grown;
    }
    if (position > this.file.length) this.file.data.fill(0, this.file.length, position);
    buf.copy(this.file.data, position, offset, offset + length);
    this.file.length = Math.max(this.file.length, end);
  }

  size(): number {
    this.owner.check('stat', this.path, this);
    return this.file.length;
  }

  truncate(length: number): void {
    this.owner.check('truncate', this.path, this);
    if (length < this.file.length) this.file.data.fill(0, length, this.file.length);
    else this.write(Buffer.alloc(length - this.file.length), 0, length - this.file.length, this.file.length);
    this.file.length = length;
  }

  written(): Promise<void> {
    return Promise.resolve();
  }

  async sync(): Promise<void> {
    this.owner.check('fsync', this.path, this);
    this.file.durable = Buffer.from(this.file.data.subarray(0, this.file.length));
  }

  close(): void {
    this.owner.handles.delete(this);
  }
}

export interface CrashOptions {
  /** For each file with unsynced appended bytes: how many of them survive (default 0). */
  keepUnsynced?: (path: string, unsyncedBytes: number) => number;
}

export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, MemFile>();
  private readonly dirs = new Set<string>(['/']);
  readonly handles = new Set<MemFileHandle>();
  /** Hook for fault injection: throw from here to fail an operation. */
  beforeOperation: ((op: string, path: string) => void) | undefined;

  check(op: string, path: string, handle?: MemFileHandle): void {
    if (handle && !this.handles.has(handle)) throw new StorageIoError(op, path, new Error('EBADF: handle closed'));
    if (this.beforeOperation) {
      try {
        this.beforeOperation(op, path);
      } catch (e) {
        throw e instanceof StorageIoError ? e : new StorageIoError(op, path, e);
      }
    }
  }

  /** Writes here are immediate: a group is only a token. */
  writeGroup(): WriteGroup {
    return { writeGroup: true };
  }

  open(path: string, mode: OpenMode): FileHandle {
    const p = normalize(path);
    this.check('open', p);
    if (!this.dirs.has(parentOf(p))) throw new StorageIoError('open', p, new Error('ENOENT: no such directory'));
    let file = this.files.get(p);
    if (!file && mode === 'read') throw new StorageIoError('open', p, new Error('ENOENT: no such file'));
    if (!file || mode === 'create') {
      file = { data: Buffer.alloc(256), length: 0, durable: Buffer.alloc(0) };
      this.files.set(p, file);
    }
    const h = new MemFileHandle(file, p, mode !== 'read', this);
    this.handles.add(h);
    return h;
  }

  exists(path: string): boolean {
    const p = normalize(path);
    return this.files.has(p) || this.dirs.has(p);
  }

  list(dir: string): string[] {
    const d = normalize(dir);
    const prefix = d === '/' ? '/' : `${d}/`;
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p.startsWith(prefix) && p !== d) {
        const rest = p.slice(prefix.length);
        if (!rest.includes('/')) names.add(rest);
      }
    }
    return [...names].sort();
  }

  mkdirp(dir: string): void {
    let p = normalize(dir);
    this.check('mkdir', p);
    while (p !== '/' && !this.dirs.has(p)) {
      this.dirs.add(p);
      p = parentOf(p);
    }
  }

  fileSize(path: string): number {
    const f = this.files.get(normalize(path));
    if (!f) throw new StorageIoError('stat', path, new Error('ENOENT: no such file'));
    return f.length;
  }

  rename(from: string, to: string): void {
    const a = normalize(from);
    const b = normalize(to);
    this.check('rename', a);
    const f = this.files.get(a);
    if (f) {
      this.files.delete(a);
      this.files.set(b, f);
      return;
    }
    if (!this.dirs.has(a)) throw new StorageIoError('rename', a, new Error('ENOENT: no such file'));
    for (const p of [...this.files.keys()]) {
      if (p.startsWith(`${a}/`)) {
        this.files.set(b + p.slice(a.length), this.files.get(p)!);
        this.files.delete(p);
      }
    }
    for (const d of [...this.dirs]) {
      if (d === a || d.startsWith(`${a}/`)) {
        this.dirs.delete(d);
        this.dirs.add(b + d.slice(a.length));
      }
    }
  }

  remove(path: string): void {
    this.check('unlink', path);
    this.files.delete(normalize(path));
  }

  removeDir(dir: string): void {
    const d = normalize(dir);
    this.check('rmdir', d);
    for (const p of [...this.files.keys()]) if (p.startsWith(`${d}/`)) this.files.delete(p);
    for (const p of [...this.dirs]) if (p === d || p.startsWith(`${d}/`)) this.dirs.delete(p);
  }

  async syncDir(dir: string): Promise<void> {
    this.check('fsync', dir);
  }

  readFile(path: string): Buffer {
    this.check('read', path);
    const f = this.files.get(normalize(path));
    if (!f) throw new StorageIoError('read', path, new Error('ENOENT: no such file'));
    return Buffer.from(f.data.subarray(0, f.length));
  }

  /** Simulates a power loss: open handles die and every file falls back to its durable bytes. */
  crash(options: CrashOptions = {}): void {
    this.handles.clear();
    for (const [path, f] of this.files) {
      const appended = f.length > f.durable.length && f.data.subarray(0, f.durable.length).equals(f.durable);
      const extra = appended ? Math.min(f.length - f.durable.length, options.keepUnsynced?.(path, f.length - f.durable.length) ?? 0) : 0;
      const survivor = Buffer.concat([f.durable, f.data.subarray(f.durable.length, f.durable.length + extra)]);
      const data = Buffer.alloc(Math.max(256, survivor.length));
      survivor.copy(data);
      this.files.set(path, { data, length: survivor.length, durable: Buffer.from(survivor) });
    }
  }
}
