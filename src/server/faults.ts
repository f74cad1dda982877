// Fault injection (`ccmkit emulator --faults SPEC`), for testing clients'
// retries and idempotence against failures that a real network and a real
// CCM produce.
//
//   SPEC   = RULE ("," RULE)*
//   RULE   = ACTION ["=" ARG] "@" WHEN ["~" FILTER]
//   ACTION = delay        ARG ms (required): wait, then answer normally
//          | 429          ARG Retry-After seconds (default 1): throttled, nothing done
//          | 500          an internal error, nothing done
//          | 503          ARG Retry-After seconds (optional): unavailable, nothing done
//          | drop         the connection is closed before the request is handled
//          | drop-after   the request IS handled (an import is stored), then the
//                         connection is closed without an answer
//          | truncate     the request IS handled; the answer stops half-way
//                         (Content-Length promises the whole body)
//   WHEN   = N%  | 0.N    with that probability (seeded: --faults-seed)
//          | #N           the Nth matching request only
//          | #N-M | #N+   requests N to M, or N and after
//          | *N           every Nth matching request (N, 2N, 3N, ...)
//   FILTER = [METHOD][:PATH-PREFIX]   only requests with this method and/or path prefix
//                                     (they alone are counted for #N and *N)
//
// Each rule counts its own matching requests. A delay combines with the
// other rules; of the others, the first that fires (in SPEC order) wins.

import { usageError } from '../engine/errors.js';

export type FaultAction = 'delay' | '429' | '500' | '503' | 'drop' | 'drop-after' | 'truncate';

type When = { kind: 'p'; p: number } | { kind: 'range'; from: number; to: number } | { kind: 'every'; n: number };

export interface FaultRule {
  text: string;
  action: FaultAction;
  arg?: number;
  when: When;
  method?: string;
  pathPrefix?: string;
}

const ACTIONS: readonly FaultAction[] = ['delay', '429', '500', '503', 'drop', 'drop-after', 'truncate'];

function parseWhen(w: string, rule: string): When {
  let m: RegExpExecArray | null;
  if ((m = /^(\d+(?:\.\d+)?)%$/.exec(w))) {
    const p = Number(m[1]) / 100;
    if (p > 1) throw usageError(`--faults: "${rule}": a probability is at most 100%`);
    return { kind: 'p', p };
  }
  if ((m = /^(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(w))) return { kind: 'p', p: Number(m[1]) };
  if ((m = /^#(\d+)$/.exec(w))) return { kind: 'range', from: Number(m[1]), to: Number(m[1]) };
  if ((m = /^#(\d+)-(\d+)$/.exec(w))) {
    const [from, to] = [Number(m[1]), Number(m[2])];
    if (to < from) throw usageError(`--faults: "${rule}": #N-M needs N <= M`);
    return { kind: 'range', from, to };
  }
  if ((m = /^#(\d+)\+$/.exec(w))) return { kind: 'range', from: Number(m[1]), to: Infinity };
  if ((m = /^\*(\d+)$/.exec(w))) {
    if (Number(m[1]) === 0) throw usageError(`--faults: "${rule}": *N needs N >= 1`);
    return { kind: 'every', n: Number(m[1]) };
  }
  throw usageError(`--faults: "${rule}": WHEN must be N%, 0.N, #N, #N-M, #N+ or *N (see ccmkit emulator --help)`);
}

export function parseFaults(spec: string): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const raw of spec.split(',')) {
    const text = raw.trim();
    if (!text) continue;
    const m = /^([a-z0-9-]+)(?:=(\d+))?@([^~]+)(?:~(.*))?$/i.exec(text);
    if (!m) throw usageError(`--faults: "${text}" is not ACTION[=ARG]@WHEN[~FILTER] (e.g. 429=2@#3, 503@10%, drop-after@#2~POST:/v3/scm/certificates/import)`);
    const action = m[1]!.toLowerCase() as FaultAction;
    if (!ACTIONS.includes(action)) throw usageError(`--faults: "${text}": ACTION must be one of ${ACTIONS.join(', ')}`);
    const arg = m[2] === undefined ? undefined : Number(m[2]);
    if (action === 'delay' && arg === undefined) throw usageError(`--faults: "${text}": delay needs milliseconds (delay=1500@...)`);
    if (arg !== undefined && !['delay', '429', '503'].includes(action)) throw usageError(`--faults: "${text}": ${action} takes no =ARG`);
    if (action === 'delay' && arg! > 600_000) throw usageError(`--faults: "${text}": a delay is at most 600000 ms`);
    const rule: FaultRule = { text, action, arg, when: parseWhen(m[3]!.trim(), text) };
    if (m[4] !== undefined) {
      const f = /^([A-Za-z]+)?(?::(\/.*))?$/.exec(m[4].trim());
      if (!f || (!f[1] && !f[2])) throw usageError(`--faults: "${text}": FILTER must be METHOD, :/path-prefix or METHOD:/path-prefix`);
      if (f[1]) rule.method = f[1].toUpperCase();
      if (f[2]) rule.pathPrefix = f[2];
    }
    rules.push(rule);
  }
  if (!rules.length) throw usageError('--faults: the SPEC is empty');
  return rules;
}

/** mulberry32: a small seeded PRNG, so a fault run can be repeated exactly with --faults-seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultDecision {
  delayMs: number;
  /** The fault to inject instead of (or, for drop-after and truncate, after) handling the request. */
  action?: Exclude<FaultAction, 'delay'>;
  arg?: number;
  /** The rules that fired, for the access log. */
  fired: string[];
}

export class FaultInjector {
  private readonly counts: number[];
  private readonly random: () => number;

  constructor(
    readonly rules: readonly FaultRule[],
    readonly seed: number,
  ) {
    this.counts = rules.map(() => 0);
    this.random = prng(seed);
  }

  decide(method: string, path: string): FaultDecision {
    const d: FaultDecision = { delayMs: 0, fired: [] };
    this.rules.forEach((r, i) => {
      if (r.method && r.method !== method) return;
      if (r.pathPrefix && !path.startsWith(r.pathPrefix)) return;
      const n = ++this.counts[i]!;
      const w = r.when;
      // Draw for every matching request, fired or not, so a seed replays the same run.
      const fires = w.kind === 'p' ? this.random() < w.p : w.kind === 'range' ? n >= w.from && n <= w.to : n % w.n === 0;
      if (!fires) return;
      if (r.action === 'delay') {
        d.delayMs += r.arg!;
        d.fired.push(r.text);
      } else if (!d.action) {
        d.action = r.action;
        d.arg = r.arg;
        d.fired.push(r.text);
      }
    });
    return d;
  }
}
