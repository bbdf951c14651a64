// What the CLI shows while it trains, and Ctrl-C.
//
// On a terminal: one line, redrawn at most every 100 ms, for the whole run (epoch k/N, a bar over
// all epochs, ETA, the last logs, samples/s), not one line per epoch. Elsewhere (a pipe, a log
// file, CI): the first epoch, then a line every ⌈N/10⌉ epochs and the last, so 200 epochs print 11
// lines. Both go to stdout.
//
// Ctrl-C sets stopTraining on the model being trained, which takes effect after the current batch
// (the trainer yields to the event loop every ~100 ms so that the signal is seen); later fits of
// the same run (an example that trains several networks) stop before their first epoch. A second
// Ctrl-C exits at once. Either way the process ends with 130 (128 + SIGINT), as shells expect.

import type { Callback, CallbackModel, Logs, TrainingParams } from '../callbacks/types.js';

const fmt = (v: number): string => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4));
const logLine = (logs: Logs): string =>
  Object.entries(logs).filter(([k]) => k !== 'batch' && k !== 'size').map(([k, v]) => `${k} ${fmt(v)}`).join(' · ');
const now = (): number => performance.now();
const duration = (s: number): string => (s < 10 ? `${s.toFixed(1)}s` : s < 90 ? `${s.toFixed(0)}s` : s < 5400 ? `${(s / 60).toFixed(1)}min` : `${(s / 3600).toFixed(1)}h`);

export interface ProgressOptions {
  /** A terminal: the redrawn line. */
  tty: boolean;
  write?: (s: string) => void;
  /** Terminal width for the redrawn line (it must not wrap). */
  columns?: number;
}

/** Training progress for the CLI (see the header). */
export function progress({ tty, write = (s) => void process.stdout.write(s), columns = 100 }: ProgressOptions): Callback {
  let params: TrainingParams = { epochs: 1, steps: 0, samples: 0, verbose: 0 };
  let start = 0, lastDraw = 0, epoch = 0, seen = 0, shown = '';
  const every = () => Math.max(1, Math.ceil(params.epochs / 10));
  const draw = (done: number, logs: Logs) => {
    const t = (now() - start) / 1000;
    const width = 20, filled = Math.min(width, Math.floor(done * width));
    const eta = done > 0 ? duration(t * (1 / done - 1)) : '?';
    // what matters most first: a narrow terminal cuts the end off
    const line = `epoch ${epoch + 1}/${params.epochs} [${'='.repeat(filled).padEnd(width, '.')}] ETA ${eta} · ${logLine(logs)} · ${(seen / Math.max(t, 1e-9)).toFixed(0)} samples/s`;
    write(`\r\x1b[2K${line.length > columns - 1 ? line.slice(0, columns - 2) + '…' : line}`);
    shown = line;
  };
  return {
    setParams(p) { params = p; },
    onTrainBegin() { start = now(); lastDraw = 0; seen = 0; shown = ''; },
    onEpochBegin(e) { epoch = e; },
    onBatchEnd(batch, logs) {
      seen += logs?.size ?? 0;
      if (!tty) return;
      const t = now();
      if (t - lastDraw < 100) return;
      lastDraw = t;
      const steps = params.steps || batch + 2; // a stream's steps are known after its first epoch
      draw((epoch + Math.min(1, (batch + 1) / steps)) / params.epochs, logs ?? {});
    },
    onEpochEnd(e, logs) {
      if (tty) {
        lastDraw = now();
        draw((e + 1) / params.epochs, logs ?? {});
        return;
      }
      if (e === 0 || (e + 1) % every() === 0 || e + 1 === params.epochs) {
        write(`epoch ${e + 1}/${params.epochs} · ${duration((now() - start) / 1000)} · ${logLine(logs ?? {})}\n`);
      }
    },
    onTrainEnd() { if (tty && shown) write('\n'); },
  };
}

export interface Interrupt {
  /** Pass to every fit of the run. */
  callback: Callback;
  readonly interrupted: boolean;
  /** Removes the SIGINT handler. */
  dispose(): void;
}

/** Ctrl-C stops training after the current batch (see the header); `notice` is printed to stderr. */
export function interruptOnSigint(notice: string): Interrupt {
  let model: CallbackModel | undefined;
  let interrupted = false;
  const second = () => process.exit(130);
  const first = () => {
    interrupted = true;
    if (model) model.stopTraining = true;
    process.stderr.write(`\nlepton: ${notice} (Ctrl-C again to quit now)\n`);
    process.once('SIGINT', second);
  };
  process.once('SIGINT', first);
  return {
    callback: {
      setModel(m) { model = m; },
      onTrainBegin() { if (interrupted && model) model.stopTraining = true; },
      onEpochBegin() { if (interrupted && model) model.stopTraining = true; },
    },
    get interrupted() { return interrupted; },
    dispose() {
      process.removeListener('SIGINT', first);
      process.removeListener('SIGINT', second);
    },
  };
}
