import { OVERSIZE_PREVIEW_BYTES } from './csv-records';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** One item's text as it is in the file, found without parsing it. */
export interface RawJsonItem {
  /** The item's bytes; only the first OVERSIZE_PREVIEW_BYTES when `oversize`. */
  bytes: Buffer;
  size: number;
  oversize: boolean;
  /** Deepest nesting of `[`/`{` inside the item (an object of scalars is 1). */
  depth: number;
}

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

/**
 * Splits a `.json` byte stream into its items — the elements of a top-level array, or
 * concatenated top-level objects — by tracking strings and bracket depth only, so an item of any
 * size or depth costs neither memory nor stack: past `maxItemBytes` only a preview is kept, and
 * depth is only counted. Each item is then parsed on its own (with the JSON
 * limits), so a bad item is one bad row. Structural breakage the split itself cannot get past
 * (a bracket too many, text outside the values, the end inside a value) is a JsonSyntaxError.
 */
export class JsonItemSplitter {
  private mode: 'start' | 'array' | 'values' | 'done' = 'start';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: Buffer[] = [];
  private size = 0;
  private cut = false;
  private itemDepth = 0;
  private inItem = false;
  /** Items whose end was found so far, for error messages. */
  private count = 0;

  constructor(private readonly limits: { maxItemBytes: number }) {}

  push(chunk: Buffer): RawJsonItem[] {
    const items: RawJsonItem[] = [];
    let itemStart = this.inItem ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (this.mode === 'start') {
        if (isSpace(byte) || byte === 0xef || byte === 0xbb || byte === 0xbf) continue; // whitespace, BOM
        if (byte === OPEN_ARRAY) {
          this.mode = 'array';
          this.depth = 1;
          continue;
        }
        this.mode = 'values';
      }
      // Outside any item: between array elements, or between top-level values.
      if (!this.inItem) {
        if (isSpace(byte)) continue;
        if (this.mode === 'array' && byte === CLOSE_ARRAY) {
          this.mode = 'done';
          this.depth = 0;
          continue;
        }
        if (this.mode === 'array' && byte === COMMA && this.count > 0) continue;
        if (this.mode === 'done')
          throw new JsonSyntaxError(`text after the end of the array (after item ${this.count})`);
        if (this.mode === 'values' && byte !== OPEN_OBJECT && byte !== OPEN_ARRAY) {
          throw new JsonSyntaxError(
            this.count === 0
              ? 'a .json file must hold a JSON array or object'
              : `text between the top-level values after item ${this.count}`,
          );
        }
        this.inItem = true;
        this.itemDepth = 0;
        itemStart = i;
      }
      const base = this.mode === 'array' ? 1 : 0;
      if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
        this.depth++;
        if (this.depth - base > this.itemDepth) this.itemDepth = this.depth - base;
      } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
        if (this.depth === base) {
          // The array's own `]` right after a scalar item: the item ends before it.
          this.keep(chunk.subarray(itemStart, i));
          items.push(this.item());
          this.mode = 'done';
          this.depth = 0;
          itemStart = -1;
          continue;
        }
        this.depth--;
        if (this.depth === base && this.mode === 'values') {
          this.keep(chunk.subarray(itemStart, i + 1));
          items.push(this.item());
          itemStart = -1;
        }
      } else if (byte === COMMA && this.depth === base && this.mode === 'array') {
        this.keep(chunk.subarray(itemStart, i));
        items.push(this.item());
        itemStart = -1;
      }
    }
    if (this.inItem && itemStart !== -1) this.keep(chunk.subarray(itemStart));
    return items;
  }

  /** Checks the input ended where it may: after the array's `]`, or between top-level objects. */
  finish(): void {
    if (this.mode === 'start') throw new JsonSyntaxError('the file is empty (no JSON value)');
    if (this.inString || this.inItem || this.mode === 'array') {
      throw new JsonSyntaxError(
        `the file ends inside ${this.mode === 'array' && !this.inItem ? 'the array' : `item ${this.count + 1}`}`,
      );
    }
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    this.size += piece.length;
    if (this.size <= this.limits.maxItemBytes) {
      this.parts.push(Buffer.from(piece));
      return;
    }
    if (!this.cut) {
      this.cut = true;
      this.parts = [Buffer.from(Buffer.concat([...this.parts, piece]).subarray(0, OVERSIZE_PREVIEW_BYTES))];
    }
  }

  private item(): RawJsonItem {
    let bytes = Buffer.concat(this.parts);
    let end = bytes.length;
    while (end > 0 && isSpace(bytes[end - 1])) end--;
    bytes = bytes.subarray(0, end);
    const item: RawJsonItem = { bytes, size: this.cut ? this.size : end, oversize: this.cut, depth: this.itemDepth };
    this.parts = [];
    this.size = 0;
    this.cut = false;
    this.inItem = false;
    this.count++;
    return item;
  }
}
