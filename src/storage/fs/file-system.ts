/**
 * The filesystem as storage sees it: a narrow interface so that tests can substitute an
 * in-memory filesystem that simulates crashes (unsynced bytes lost, torn tails) or one that fails
 * chosen operations.
 *
 * Contract: data operations on an open file are synchronous as the caller sees them: a read or
 * size after a write or truncate sees it. A file opened with `writeBehind` may carry the writes
 * out later (off the event loop; see write-behind-file.ts): `written()` says when they have
 * reached the operating system, and `sync` waits for them before making them durable. Every
 * method throws a StorageIoError on failure.
 */
export interface FileHandle {
  /** Reads up to `length` bytes at `position` into `buf[offset..]`; returns the bytes read. */
  read(buf: Buffer, offset: number, length: number, position: number): number;
  /**
   * The same read, carried out off the event loop (libuv's thread pool on a real disk), as the
   * file stood when it was called; the descriptor stays open until it completes.
   */
  readAsync(buf: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Writes `buf[offset..offset+length]` at `position`, completely. */
  write(buf: Buffer, offset: number, length: number, position: number): void;
  size(): number;
  truncate(length: number): void;
  /** Resolves once every write issued so far has reached the operating system (at once unless write-behind). */
  written(): Promise<void>;
  /** Makes everything written so far durable (fdatasync). */
  sync(): Promise<void>;
  close(): void;
}

export type OpenMode =
  | 'read' // existing file, read only
  | 'readWrite' // existing file, or a new empty one
  | 'create'; // a new empty file, replacing any existing one

/** Files whose write-behind operations are carried out in one order (the segments of one log). */
export interface WriteGroup {
  readonly writeGroup: true;
}

export interface OpenOptions {
  /**
   * Writes may be carried out after `write` returns, off the event loop (segment logs), in the
   * order of the given group's operations (true: a group of its own).
   */
  writeBehind?: WriteGroup | boolean;
}

export interface FileSystem {
  open(path: string, mode: OpenMode, options?: OpenOptions): FileHandle;
  /** A new group for files opened write-behind whose operations must keep one order. */
  writeGroup(): WriteGroup;
  exists(path: string): boolean;
  /** Names (not paths) in a directory; empty if it does not exist. */
  list(dir: string): string[];
  mkdirp(dir: string): void;
  fileSize(path: string): number;
  rename(from: string, to: string): void;
  remove(path: string): void;
  removeDir(dir: string): void;
  /** Makes a directory's entries (created, renamed, removed files) durable. */
  syncDir(dir: string): Promise<void>;
  readFile(path: string): Buffer;
}

/** An operating-system error from a storage operation, with the operation and path it hit. */
export class StorageIoError extends Error {
  override readonly name = 'StorageIoError';
  constructor(
    readonly op: string,
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(`${op} ${path}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Writes a small file atomically and durably: temp file, sync, rename, sync the directory. */
export async function writeFileAtomic(fs: FileSystem, path: string, data: Buffer): Promise<void> {
  const tmp = `${path}.tmp`;
  const h = fs.open(tmp, 'create');
  try {
    h.write(data, 0, data.length, 0);
    await h.sync();
  } finally {
    h.close();
  }
  fs.rename(tmp, path);
  await fs.syncDir(dirOf(path));
}

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
