/**
 * The real filesystem through node:fs. Data calls are synchronous system calls, except on files
 * opened write-behind (segment logs), whose writes run on libuv's thread pool
 * (write-behind-file.ts); sync runs fdatasync on the thread pool, so waiting for the device never
 * blocks the event loop.
 */
import * as fs from 'node:fs';
import { StorageIoError, type FileHandle, type FileSystem, type OpenMode, type OpenOptions, type WriteGroup } from './file-system.js';
import { fsyncSlots } from './sync-slots.js';
import { WriteBehindFileHandle, WriteBehindQueue } from './write-behind-file.js';

function wrap<T>(op: string, path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new StorageIoError(op, path, e);
  }
}

class NodeFileHandle implements FileHandle {
  private closed = false;
  private fdClosed = false;
  private poolOpsInFlight = 0;

  constructor(
    private readonly fd: number,
    private readonly path: string,
  ) {}

  read(buf: Buffer, offset: number, length: number, position: number): number {
    return wrap('read', this.path, () => fs.readSync(this.fd, buf, offset, length, position));
  }

  readAsync(buf: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (this.closed) return Promise.reject(new StorageIoError('read', this.path, new Error('file is closed')));
    this.poolOpsInFlight++;
    return new Promise<number>((resolve, reject) => {
      fs.read(this.fd, buf, offset, length, position, (err, n) => {
        this.poolOpsInFlight--;
        if (this.closed && this.poolOpsInFlight === 0) this.closeFd();
        if (err) reject(new StorageIoError('read', this.path, err));
        else resolve(n);
      });
    });
  }

  write(buf: Buffer, offset: number, length: number, position: number): void {
    wrap('write', this.path, () => {
      let done = 0;
      while (done < length) done += fs.writeSync(this.fd, buf, offset + done, length - done, position + done);
    });
  }

  size(): number {
    return wrap('stat', this.path, () => fs.fstatSync(this.fd).size);
  }

  truncate(length: number): void {
    wrap('truncate', this.path, () => fs.ftruncateSync(this.fd, length));
  }

  written(): Promise<void> {
    return Promise.resolve();
  }

  /** fdatasync through the process-wide fsync slots; a close meanwhile waits for it. */
  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new StorageIoError('fsync', this.path, new Error('file is closed')));
    this.poolOpsInFlight++;
    return fsyncSlots.run(() => new Promise<void>((resolve, reject) => {
      fs.fdatasync(this.fd, (err) => (err ? reject(new StorageIoError('fsync', this.path, err)) : resolve()));
    })).finally(() => {
      this.poolOpsInFlight--;
      if (this.closed && this.poolOpsInFlight === 0) this.closeFd();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // a read still on the thread pool keeps the descriptor (its number must not be reused under it)
    if (this.poolOpsInFlight === 0) wrap('close', this.path, () => this.closeFd());
  }

  private closeFd(): void {
    if (this.fdClosed) return;
    this.fdClosed = true;
    fs.closeSync(this.fd);
  }
}

function flagsFor(mode: OpenMode): string | number {
  if (mode === 'read') return 'r';
  if (mode === 'create') return 'w+';
  // read-write without O_APPEND: positioned writes must land where they are aimed
  return fs.constants.O_RDWR | fs.constants.O_CREAT;
}

export class NodeFileSystem implements FileSystem {
  open(path: string, mode: OpenMode, options: OpenOptions = {}): FileHandle {
    const fd = wrap('open', path, () => fs.openSync(path, flagsFor(mode), 0o644));
    if (!options.writeBehind || mode === 'read') return new NodeFileHandle(fd, path);
    return new WriteBehindFileHandle(fd, path, options.writeBehind instanceof WriteBehindQueue ? options.writeBehind : new WriteBehindQueue());
  }

  writeGroup(): WriteGroup {
    return new WriteBehindQueue();
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  list(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return wrap('readdir', dir, () => fs.readdirSync(dir));
  }

  mkdirp(dir: string): void {
    wrap('mkdir', dir, () => fs.mkdirSync(dir, { recursive: true }));
  }

  fileSize(path: string): number {
    return wrap('stat', path, () => fs.statSync(path).size);
  }

  rename(from: string, to: string): void {
    wrap('rename', from, () => fs.renameSync(from, to));
  }

  remove(path: string): void {
    wrap('unlink', path, () => fs.rmSync(path, { force: true }));
  }

  removeDir(dir: string): void {
    wrap('rmdir', dir, () => fs.rmSync(dir, { recursive: true, force: true }));
  }

  syncDir(dir: string): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.open(dir, 'r', (err, fd) => {
        if (err) return reject(new StorageIoError('open', dir, err));
        fs.fsync(fd, (syncErr) => {
          fs.close(fd, () => (syncErr ? reject(new StorageIoError('fsync', dir, syncErr)) : resolve()));
        });
      });
    });
  }

  readFile(path: string): Buffer {
    return wrap('read', path, () => fs.readFileSync(path));
  }
}
