// A progress bar for long batches, on stderr only, and only where a person
// watches: stderr is a terminal, --json is off, and the batch has already run
// for about a second (short runs never flash a bar). Pipes and CI logs never
// see it. Synchronous writes: the work it reports on is synchronous too.
// Reusable by any batch command: progress(label, {json}).update(done, total).

import { writeSync } from 'node:fs';

export interface Progress {
  /** `done` of `total` items finished. */
  update(done: number, total: number): void;
  /** Clears the bar (call before printing the summary). */
  end(): void;
}

export interface ProgressOptions {
  /** --json is on: never draw. */
  json?: boolean;
  /** Where the bar goes; default stderr (drawn only when it is a terminal). */
  tty?: boolean;
  write?: (s: string) => void;
  /** The clock, in ms (tests). */
  now?: () => number;
}

const SHOW_AFTER_MS = 1000;
const EVERY_MS = 100;
const WIDTH = 30;

export function progress(label: string, opts: ProgressOptions = {}): Progress {
  // CI runners often fake a terminal; there a bar only litters the log. An
  // explicit `tty` (tests) is taken as given.
  const tty = opts.tty ?? (process.stderr.isTTY === true && !process.env.CI);
  const enabled = !opts.json && tty;
  const now = opts.now ?? Date.now;
  const write =
    opts.write ??
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
      if (t - start < SHOW_AFTER_MS || (t - last < EVERY_MS && done < total)) return;
      last = t;
      shown = true;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(frac * WIDTH);
      write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total} ${Math.floor(frac * 100)}%\x1b[K`);
    },
    end() {
      if (shown) write('\r\x1b[K');
      shown = false;
    },
  };
}
