/**
 * Splits a byte stream of concatenated JSON values (`{...}{...}` or separated by whitespace), the
 * form REST Proxy's streaming produce uses, into parsed values as soon as each one is complete.
 *
 * Contract: one per request body; push() the chunks in order, then end(). Pure (no I/O).
 */
export class ConcatenatedJsonError extends Error {}

const SPECIAL = /["\\]/g;

export class ConcatenatedJson {
  private buffer = '';
  /** Scan state over `buffer`, so each character is looked at once. */
  private scanned = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly maxValueBytes = 16 * 1024 * 1024) {}

  /** The values completed by this chunk. */
  push(chunk: Buffer): unknown[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const out: unknown[] = [];
    for (; this.scanned < this.buffer.length; this.scanned++) {
      const c = this.buffer[this.scanned]!;
      if (this.start < 0) {
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
        if (c !== '{') throw new ConcatenatedJsonError(`expected a JSON object at character ${this.scanned}, found '${c}'`);
        this.start = this.scanned;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        else {
          // skip the plain run of the string in one step
          SPECIAL.lastIndex = this.scanned;
          const next = SPECIAL.exec(this.buffer);
          this.scanned = (next ? next.index : this.buffer.length) - 1;
        }
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') {
        this.depth--;
        if (this.depth === 0) {
          const text = this.buffer.slice(this.start, this.scanned + 1);
          try {
            out.push(JSON.parse(text));
          } catch (e) {
            throw new ConcatenatedJsonError(`invalid JSON: ${(e as Error).message}`);
          }
          this.buffer = this.buffer.slice(this.scanned + 1);
          this.scanned = -1;
          this.start = -1;
        }
      }
    }
    if (this.start >= 0 && this.buffer.length - this.start > this.maxValueBytes) throw new ConcatenatedJsonError(`a record is larger than ${this.maxValueBytes} bytes`);
    if (this.start > 0) {
      this.buffer = this.buffer.slice(this.start);
      this.scanned -= this.start;
      this.start = 0;
    }
    return out;
  }

  /** Throws when the stream ended inside a value. */
  end(): void {
    this.buffer += this.decoder.decode();
    if (this.start >= 0 || this.buffer.slice(this.scanned).trim() !== '') throw new ConcatenatedJsonError('the request body ended inside a JSON object');
  }
}
