// Skips one Java-serialised object (Java Object Serialization Specification,
// chapter 6 "Object Serialization Stream Protocol") without building it.
//
// Why: a JCEKS secret-key entry (tag 3) is an ObjectOutputStream dump of a
// SealedObjectForKeyProtector written inline, with no length before it. To
// list the store's other entries ccmkit must find where that dump ends. This
// reader only walks the grammar: it never loads, names or instantiates a
// class, so no gadget chain can run, and every count is bounded by the bytes
// left and every nesting by a depth limit.

import { DerError } from './der.js';

const TC = {
  NULL: 0x70,
  REFERENCE: 0x71,
  CLASSDESC: 0x72,
  OBJECT: 0x73,
  STRING: 0x74,
  ARRAY: 0x75,
  CLASS: 0x76,
  BLOCKDATA: 0x77,
  ENDBLOCKDATA: 0x78,
  RESET: 0x79,
  BLOCKDATALONG: 0x7a,
  EXCEPTION: 0x7b,
  LONGSTRING: 0x7c,
  PROXYCLASSDESC: 0x7d,
  ENUM: 0x7e,
} as const;

const SC_WRITE_METHOD = 0x01;
const SC_SERIALIZABLE = 0x02;
const SC_EXTERNALIZABLE = 0x04;
const SC_BLOCK_DATA = 0x08;

const PRIMITIVE_SIZE: Record<string, number> = { B: 1, C: 2, D: 8, F: 4, I: 4, J: 8, S: 2, Z: 1 };

const MAX_DEPTH = 32;
const MAX_HANDLES = 10_000;

interface ClassDesc {
  name: string;
  flags: number;
  /** Type codes of the fields, in stream order ('B'..'Z', 'L', '['). */
  fields: string[];
  superDesc: ClassDesc | undefined;
}

type Handle = ClassDesc | { other: true };

class Walker {
  private handles: Handle[] = [];
  constructor(
    private readonly b: Buffer,
    public pos: number,
    private readonly end: number,
  ) {}

  private fail(why: string): never {
    throw new DerError(`Java-serialised entry: ${why}`, this.pos);
  }
  private need(n: number): void {
    if (n < 0 || this.pos + n > this.end) this.fail('truncated');
  }
  private u8(): number {
    this.need(1);
    return this.b[this.pos++]!;
  }
  private u16(): number {
    this.need(2);
    const v = this.b.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  private i32(): number {
    this.need(4);
    const v = this.b.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  private skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  private utf(): string {
    const n = this.u16();
    this.need(n);
    const s = this.b.toString('latin1', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  private newHandle(h: Handle): void {
    if (this.handles.length >= MAX_HANDLES) this.fail('too many objects');
    this.handles.push(h);
  }
  private handle(): Handle {
    const i = this.i32() - 0x7e0000;
    const h = this.handles[i];
    if (i < 0 || !h) this.fail('reference to an unknown object');
    return h;
  }

  /** The stream header ObjectOutputStream writes first. */
  header(): void {
    if (this.u16() !== 0xaced || this.u16() !== 5) this.fail('bad stream header');
  }

  object(depth: number): void {
    if (depth > MAX_DEPTH) this.fail('nested too deep');
    const tc = this.u8();
    switch (tc) {
      case TC.NULL:
        return;
      case TC.REFERENCE:
        this.handle();
        return;
      case TC.STRING:
        this.newHandle({ other: true });
        this.skip(this.u16());
        return;
      case TC.LONGSTRING: {
        this.newHandle({ other: true });
        const hi = this.i32();
        const lo = this.i32();
        if (hi !== 0 || lo < 0) this.fail('string too long');
        this.skip(lo);
        return;
      }
      case TC.CLASSDESC:
      case TC.PROXYCLASSDESC:
        this.pos--;
        this.classDesc(depth + 1);
        return;
      case TC.CLASS:
        this.classDesc(depth + 1);
        this.newHandle({ other: true });
        return;
      case TC.ARRAY: {
        const desc = this.classDesc(depth + 1);
        this.newHandle({ other: true });
        const n = this.i32();
        if (n < 0 || n > this.end - this.pos) this.fail('array length out of range');
        const elem = desc?.name.charAt(1) ?? '';
        const size = PRIMITIVE_SIZE[elem];
        if (size !== undefined) this.skip(n * size);
        else for (let i = 0; i < n; i++) this.object(depth + 1);
        return;
      }
      case TC.ENUM:
        this.classDesc(depth + 1);
        this.newHandle({ other: true });
        this.object(depth + 1);
        return;
      case TC.OBJECT: {
        const desc = this.classDesc(depth + 1);
        this.newHandle({ other: true });
        const chain: ClassDesc[] = [];
        for (let d = desc; d; d = d.superDesc) {
          if (chain.length > MAX_DEPTH) this.fail('class hierarchy too deep');
          chain.unshift(d);
        }
        for (const d of chain) this.classData(d, depth + 1);
        return;
      }
      case TC.BLOCKDATA:
        this.skip(this.u8());
        return;
      case TC.BLOCKDATALONG: {
        const n = this.i32();
        if (n < 0) this.fail('block length out of range');
        this.skip(n);
        return;
      }
      case TC.RESET:
        this.handles = [];
        return;
      default:
        this.fail(`unexpected type code 0x${tc.toString(16)}`);
    }
  }

  private classDesc(depth: number): ClassDesc | undefined {
    if (depth > MAX_DEPTH) this.fail('nested too deep');
    const tc = this.u8();
    if (tc === TC.NULL) return undefined;
    if (tc === TC.REFERENCE) {
      const h = this.handle();
      if ('other' in h) this.fail('reference to a non-class as a class');
      return h;
    }
    if (tc === TC.PROXYCLASSDESC) {
      const d: ClassDesc = { name: 'proxy', flags: SC_SERIALIZABLE, fields: [], superDesc: undefined };
      this.newHandle(d);
      const n = this.i32();
      if (n < 0 || n > this.end - this.pos) this.fail('interface count out of range');
      for (let i = 0; i < n; i++) this.utf();
      this.annotation(depth + 1);
      d.superDesc = this.classDesc(depth + 1);
      return d;
    }
    if (tc !== TC.CLASSDESC) this.fail(`expected a class descriptor, found 0x${tc.toString(16)}`);
    const name = this.utf();
    this.skip(8); // serialVersionUID
    const d: ClassDesc = { name, flags: 0, fields: [], superDesc: undefined };
    this.newHandle(d);
    d.flags = this.u8();
    const n = this.u16();
    for (let i = 0; i < n; i++) {
      const code = String.fromCharCode(this.u8());
      this.utf(); // field name
      if (code === 'L' || code === '[') this.object(depth + 1); // the field's class name, a String
      else if (PRIMITIVE_SIZE[code] === undefined) this.fail(`unknown field type "${code}"`);
      d.fields.push(code);
    }
    this.annotation(depth + 1);
    d.superDesc = this.classDesc(depth + 1);
    return d;
  }

  /** Optional objects and block data up to TC_ENDBLOCKDATA. */
  private annotation(depth: number): void {
    for (;;) {
      if (this.pos >= this.end) this.fail('truncated');
      if (this.b[this.pos] === TC.ENDBLOCKDATA) {
        this.pos++;
        return;
      }
      this.object(depth + 1);
    }
  }

  private classData(d: ClassDesc, depth: number): void {
    if (d.flags & SC_EXTERNALIZABLE) {
      // Without SC_BLOCK_DATA (protocol 1) the data has no framing at all.
      if (!(d.flags & SC_BLOCK_DATA)) this.fail('externalizable data without block framing');
      this.annotation(depth);
      return;
    }
    if (!(d.flags & SC_SERIALIZABLE)) return;
    for (const f of d.fields) {
      const size = PRIMITIVE_SIZE[f];
      if (size !== undefined) this.skip(size);
      else this.object(depth + 1);
    }
    if (d.flags & SC_WRITE_METHOD) this.annotation(depth);
  }
}

/**
 * Returns the offset just past one ObjectOutputStream dump (stream header and
 * one object) that starts at `pos`. Throws DerError when the bytes are not one.
 */
export function skipJavaSerialized(b: Buffer, pos: number, end: number): number {
  const w = new Walker(b, pos, end);
  w.header();
  w.object(0);
  return w.pos;
}
