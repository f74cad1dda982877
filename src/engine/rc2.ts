// RC2 (RFC 2268) in CBC mode, for reading PKCS#12 files whose certificate bags
// use pbeWithSHAAnd40BitRC2-CBC: OpenSSL 1.x's default and `openssl pkcs12
// -legacy` today, and what many Windows and Java exports still carry.
//
// Why our own: Node's OpenSSL 3 keeps RC2 in the "legacy" provider, which Node
// does not load, so createDecipheriv('rc2-40-cbc') throws. ccmkit only ever
// *reads* RC2 (it never writes it); encryption exists for tests.

const PITABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82' +
    '54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb6266fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7' +
    '08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
);

/** Expanded key: 64 16-bit words (RFC 2268 section 2). */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  const T = key.length;
  if (T < 1 || T > 128) throw new RangeError('RC2 key must be 1..128 bytes');
  if (effectiveBits < 1 || effectiveBits > 1024) throw new RangeError('RC2 effective key bits must be 1..1024');
  const L = new Uint8Array(128);
  L.set(key);
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  const T8 = (effectiveBits + 7) >> 3;
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

const S = [1, 2, 3, 5];

function encryptBlock(K: Uint16Array, R: Uint16Array): void {
  let j = 0;
  const mix = (): void => {
    for (let i = 0; i < 4; i++) {
      const v = (R[i]! + K[j++]! + (R[(i + 3) & 3]! & R[(i + 2) & 3]!) + (~R[(i + 3) & 3]! & R[(i + 1) & 3]!)) & 0xffff;
      R[i] = ((v << S[i]!) | (v >>> (16 - S[i]!))) & 0xffff;
    }
  };
  const mash = (): void => {
    for (let i = 0; i < 4; i++) R[i] = (R[i]! + K[R[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (let r = 0; r < 5; r++) mix();
  mash();
  for (let r = 0; r < 6; r++) mix();
  mash();
  for (let r = 0; r < 5; r++) mix();
}

function decryptBlock(K: Uint16Array, R: Uint16Array): void {
  let j = 63;
  const rmix = (): void => {
    for (let i = 3; i >= 0; i--) {
      const v = R[i]!;
      const rot = ((v >>> S[i]!) | (v << (16 - S[i]!))) & 0xffff;
      R[i] = (rot - K[j--]! - (R[(i + 3) & 3]! & R[(i + 2) & 3]!) - (~R[(i + 3) & 3]! & R[(i + 1) & 3]!)) & 0xffff;
    }
  };
  const rmash = (): void => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (let r = 0; r < 5; r++) rmix();
  rmash();
  for (let r = 0; r < 6; r++) rmix();
  rmash();
  for (let r = 0; r < 5; r++) rmix();
}

function load(b: Uint8Array, o: number, R: Uint16Array): void {
  for (let i = 0; i < 4; i++) R[i] = b[o + 2 * i]! | (b[o + 2 * i + 1]! << 8);
}

function store(R: Uint16Array, b: Uint8Array, o: number): void {
  for (let i = 0; i < 4; i++) {
    b[o + 2 * i] = R[i]! & 0xff;
    b[o + 2 * i + 1] = R[i]! >>> 8;
  }
}

/** One raw 8-byte block (for the RFC 2268 test vectors). */
export function rc2EncryptBlock(key: Uint8Array, effectiveBits: number, block: Uint8Array): Buffer {
  const K = rc2ExpandKey(key, effectiveBits);
  const R = new Uint16Array(4);
  load(block, 0, R);
  encryptBlock(K, R);
  const out = Buffer.alloc(8);
  store(R, out, 0);
  return out;
}

/** RC2-CBC with PKCS#7 padding. */
export function rc2CbcEncrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Buffer {
  const K = rc2ExpandKey(key, effectiveBits);
  const pad = 8 - (data.length % 8);
  const buf = Buffer.alloc(data.length + pad, pad);
  buf.set(data);
  const R = new Uint16Array(4);
  const prev = Buffer.from(iv);
  for (let o = 0; o < buf.length; o += 8) {
    for (let i = 0; i < 8; i++) buf[o + i] = buf[o + i]! ^ prev[i]!;
    load(buf, o, R);
    encryptBlock(K, R);
    store(R, buf, o);
    buf.copy(prev, 0, o, o + 8);
  }
  return buf;
}

/** RC2-CBC decryption; returns undefined when the padding is wrong (a wrong key, almost always). */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Buffer | undefined {
  if (data.length === 0 || data.length % 8 !== 0 || iv.length !== 8) return undefined;
  const K = rc2ExpandKey(key, effectiveBits);
  const out = Buffer.alloc(data.length);
  const R = new Uint16Array(4);
  for (let o = 0; o < data.length; o += 8) {
    load(data, o, R);
    decryptBlock(K, R);
    store(R, out, o);
    const chain = o === 0 ? iv : data.subarray(o - 8, o);
    for (let i = 0; i < 8; i++) out[o + i] = out[o + i]! ^ chain[i]!;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8) return undefined;
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) return undefined;
  return out.subarray(0, out.length - pad);
}
