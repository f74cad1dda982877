// One key-derivation work budget per command (issue 10, item 12).
//
// Every password-based derivation or MAC a command runs (PKCS#12 KDF,
// PBKDF2, PBMAC1, the JKS key stream, JCEKS's MD5 rounds, encrypted PKCS#8
// keys) is charged to the same budget *before* it runs, across every object
// and zip entry of the run. A hostile input therefore costs at most the
// budget, however its work is split (one 5M-round MAC, eight 4M-round bags,
// three such files in a zip), and it is refused with one clear code when the
// budget would be overdrawn.
//
// The budget is counted in *units*: one unit is one iteration of the PKCS#12
// KDF with SHA-1, ccmkit's cheapest iterated hash. The other primitives cost
// what they were measured to cost relative to it on the reference machine
// (2 cores, `npx tsx` over src/engine/pbe.ts and node:crypto, load 2.1):
//
//   primitive (per iteration / per block)   measured     units
//   PKCS#12 KDF SHA-1                       10.7 M/s         1
//   PKCS#12 KDF SHA-256                      3.4 M/s         3
//   PKCS#12 KDF SHA-224/384/512              1.4-1.8 M/s     7
//   PBKDF2 HMAC-SHA-1/224/256 (per block)    6.5 M/s         2
//   PBKDF2 HMAC-SHA-384/512 (per block)      3.0 M/s         4
//   JCEKS PBEWithMD5AndTripleDES (MD5)       1.0 M/s        10
//   JKS key stream (SHA-1 per 20 bytes)      1.1 M/s        10
//
// 50,000,000 units is about 5 s of derivation on that machine. Legitimate
// files use a few thousand to a few hundred thousand units each (OpenSSL and
// Windows write 2,048 iterations; Java 600,000 at most for PBES2).
//
// Pure: no clock. The engine only counts; the CLI makes one budget per run.

import { CcmError, LocalCode } from './errors.js';

/** Iteration counts above this are refused outright, before any work (Java refuses them too). */
export const MAX_KDF_ITERATIONS = 5_000_000;

/** About 5 s of derivation on the reference machine (see the table above). */
export const DEFAULT_WORK_BUDGET = 50_000_000;

/**
 * The password-based derivations and MACs the {@link WorkBudget} charges,
 * each at its measured cost per iteration.
 *
 * @example
 * ```ts
 * budget.spend('pbkdf2-sha256', 600_000, 'key.pem#1', 1);
 * ```
 */
export type WorkPrimitive = 'pkcs12-sha1' | 'pkcs12-sha224' | 'pkcs12-sha256' | 'pkcs12-sha384' | 'pkcs12-sha512' | 'pbkdf2-sha1' | 'pbkdf2-sha224' | 'pbkdf2-sha256' | 'pbkdf2-sha384' | 'pbkdf2-sha512' | 'jceks-md5' | 'jks-stream';

/** Units per iteration (per output block for PBKDF2, per 20-byte block for the JKS stream). */
export const UNIT_COST: Record<WorkPrimitive, number> = {
  'pkcs12-sha1': 1,
  'pkcs12-sha256': 3,
  'pkcs12-sha224': 7,
  'pkcs12-sha384': 7,
  'pkcs12-sha512': 7,
  'pbkdf2-sha1': 2,
  'pbkdf2-sha224': 2,
  'pbkdf2-sha256': 2,
  'pbkdf2-sha384': 4,
  'pbkdf2-sha512': 4,
  'jceks-md5': 10,
  'jks-stream': 10,
};

const HASH_BYTES: Record<string, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** Output blocks a derivation of `n` bytes takes with `hash` (PBKDF2 and the PKCS#12 KDF both run the iterations once per block). */
export function blocksFor(hash: string, n: number): number {
  return Math.max(1, Math.ceil(n / (HASH_BYTES[hash] ?? 20)));
}

/**
 * One key-derivation work budget for a whole operation: every PKCS#12 KDF,
 * PBKDF2, PBMAC1, JKS key stream and JCEKS derivation it runs, across every
 * input, is charged here before it runs, and refused (`CCMKIT.0007`) when it
 * would overdraw. A hostile keystore therefore costs at most the budget
 * (about 5 s by default). Give one budget to every call of one operation.
 *
 * @example
 * ```ts
 * const budget = new WorkBudget();
 * const opened = await openInputs(files, { budget, secrets: fixedSecrets(password) });
 * ```
 */
export class WorkBudget {
  private spent = 0;
  /** @param total - units (one unit: one PKCS#12 SHA-1 KDF iteration); the default is about 5 s of derivation */
  constructor(readonly total = DEFAULT_WORK_BUDGET) {}

  /** Units left. */
  get left(): number {
    return this.total - this.spent;
  }

  /**
   * Charges `iterations` x `blocks` of `primitive` before the work runs.
   * Throws CcmError UNSUPPORTED (exit 1) when the count is out of range or
   * the budget would be overdrawn; nothing is charged then.
   */
  spend(primitive: WorkPrimitive, iterations: number, what: string, blocks = 1): void {
    if (!Number.isSafeInteger(iterations) || iterations < 1) {
      throw new CcmError(400, LocalCode.INPUT_UNRECOGNISED, `${what}: iteration count ${iterations} is not positive.`);
    }
    if (iterations > MAX_KDF_ITERATIONS && primitive !== 'jks-stream') {
      throw new CcmError(400, LocalCode.UNSUPPORTED, `${what}: iteration count ${iterations} exceeds the limit of ${MAX_KDF_ITERATIONS}; the file is refused (Java refuses such files too).`);
    }
    const cost = iterations * blocks * UNIT_COST[primitive];
    if (cost > this.left) {
      throw new CcmError(
        400,
        LocalCode.UNSUPPORTED,
        `${what}: refused before deriving: it needs ${cost} units of key-derivation work (${iterations} x ${primitive}${blocks > 1 ? ` x ${blocks} blocks` : ''}) and only ${this.left} of this command's ${this.total} are left (about 5 s in all, shared by every password-protected object and zip entry it reads).`,
      );
    }
    this.spent += cost;
  }
}
