/**
 * The console's files (index.html, the bundled script and stylesheet), built into dist/console
 * by `npm run build` and read once, asynchronously, on the first request. A broker started from
 * sources that were never built answers 503 saying how to build them.
 *
 * Contract: one per console service; files are served from memory after the first read.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../../http/http-error.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

export interface Asset {
  bytes: Buffer;
  contentType: string;
}

/** dist/console beside the compiled sources. */
export const DEFAULT_ASSET_DIR = fileURLToPath(new URL('../../../console/', import.meta.url));

export class StaticAssets {
  private loading: Promise<Map<string, Asset>> | undefined;

  constructor(private readonly dir = DEFAULT_ASSET_DIR) {}

  private async load(): Promise<Map<string, Asset>> {
    const out = new Map<string, Asset>();
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      const type = CONTENT_TYPES[extname(name)];
      if (type) out.set(name, { bytes: await readFile(join(this.dir, name)), contentType: type });
    }
    return out;
  }

  /** The file `name` (a bare file name); index.html for ''. */
  async get(name: string): Promise<Asset> {
    const assets = await (this.loading ??= this.load());
    if (assets.size === 0) {
      this.loading = undefined;
      throw new HttpError(503, 'the web console is not built: run `npm run build` (it bundles the console into dist/console)');
    }
    const asset = assets.get(name === '' ? 'index.html' : name);
    if (!asset) throw new HttpError(404, `no such console file: ${name}`);
    return asset;
  }
}
