// A count and a bar on stderr for long sync runs, only where a person
// watches: stderr is a terminal, --json is off, not in CI, and the run has
// lasted a second (short runs never flash a bar). Pipes stay quiet.
// The same interface as the progress module of the cli-consistency branch
// (progress(label, {json}).update(done, total) / end()), so either can
// replace the other.

import { writeSync } from 'node:fs';

export interface Progress {
  update(done: number, total: number): void;
  end(): void;
}

export interface ProgressOptions {
  json?: boolean;
  tty?: boolean;
  write?: (s: string) => void;
  now?: () => number;
}

export function progress(label: string, o: ProgressOptions = {}): Progress {
  const enabled = !o.json && (o.tty ?? process.stderr.isTTY === true) && !process.env.CI;
  const now = o.now ?? Date.now;
  const write =
    o.write ??
    ((s: string): void => {
      try {
        writeSync(2, s);
      } catch {
        /* a closed terminal is not worth failing over */
      }
    });
  const start = now();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      if (!enabled) return;
      const t = now();
      if (t - start < 1000 || (t - last < 100 && done < total)) return;
      last = t;
      shown = true;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(frac * 30);
      write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(30 - filled)}] ${done}/${total} ${Math.floor(frac * 100)}%\x1b[K`);
    },
    end() {
      if (shown) write('\r\x1b[K');
      shown = false;
    },
  };
}

/** One bar whose label follows the phase: `(label, done, total)` as sync pull reports it. */
export function phasedProgress(o: ProgressOptions = {}): { report: (label: string, done: number, total: number) => void; end: () => void } {
  let cur: Progress | undefined;
  let curLabel = '';
  return {
    report(label, done, total) {
      if (label !== curLabel) {
        cur?.end();
        cur = progress(label, o);
        curLabel = label;
      }
      cur!.update(done, total);
    },
    end() {
      cur?.end();
    },
  };
}
