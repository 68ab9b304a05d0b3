/**
 * The filesystem as storage sees it: a narrow interface so that tests can substitute an
 * in-memory filesystem that simulates crashes (unsynced bytes lost, torn tails) or one that fails
 * chosen operations.
 *
 * Contract: data operations on an open file are synchronous (they reach the operating system at
 * once, as Kafka's writes reach the page cache); only `sync` is asynchronous, because durability
 * waits for the device. Every method throws a StorageIoError on failure.
 */
export interface FileHandle {
  /** Reads up to `length` bytes at `position` into `buf[offset..]`; returns the bytes read. */
  read(buf: Buffer, offset: number, length: number, position: number): number;
  /** Writes `buf[offset..offset+length]` at `position`, completely. */
  write(buf: Buffer, offset: number, length: number, position: number): void;
  size(): number;
  truncate(length: number): void;
  /** Makes everything written so far durable (fdatasync). */
  sync(): Promise<void>;
  close(): void;
}

export type OpenMode =
  | 'read' // existing file, read only
  | 'readWrite' // existing file, or a new empty one
  | 'create'; // a new empty file, replacing any existing one

export interface FileSystem {
  open(path: string, mode: OpenMode): FileHandle;
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
