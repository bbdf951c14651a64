// Callbacks: Keras's hooks and the ones users reach for first. Epoch-level hooks may be async.

import { checkOptions, type Keys } from '../options.js';
import type { Tensor } from '../tensor.js';
import { higherIsBetter, modelCheckpoint } from './checkpoint.js';
import { csvLogger } from './csv-logger.js';
import type { Callback, CallbackModel, Logs } from './types.js';

export type { Callback, CallbackModel, Logs, TrainingParams } from './types.js';
export { modelCheckpoint, type ModelCheckpointArgs } from './checkpoint.js';
export { csvLogger, type CsvLoggerArgs } from './csv-logger.js';

type Mode = 'auto' | 'min' | 'max';
const improves = (mode: Mode, monitor: string) => {
  const max = mode === 'max' || (mode === 'auto' && higherIsBetter(monitor));
  return (current: number, best: number, minDelta: number) => (max ? current - minDelta > best : current + minDelta < best);
};

function read(logs: Logs | undefined, monitor: string, who: string): number {
  // Own keys only: a monitor named 'constructor' is not in the logs either.
  const v = logs && Object.hasOwn(logs, monitor) ? logs[monitor] : undefined;
  if (v === undefined) {
    throw new Error(`${who}: monitored quantity '${monitor}' is not in the logs; available: ${Object.keys(logs ?? {}).join(', ') || 'none'}` +
      (monitor.startsWith('val_') ? ' (pass validationSplit or validationData to fit)' : ''));
  }
  return v;
}

/**
 * Stops training when `monitor` has not improved by more than minDelta for `patience` epochs.
 * With restoreBestWeights the model ends with the weights of its best epoch (whether or not
 * training stopped early); TF.js never implemented this option.
 */
export interface EarlyStoppingArgs { monitor?: string; minDelta?: number; patience?: number; mode?: Mode; baseline?: number; restoreBestWeights?: boolean }
const earlyStoppingKeys: Keys<EarlyStoppingArgs> = { monitor: true, minDelta: true, patience: true, mode: true, baseline: true, restoreBestWeights: true };

export function earlyStopping(args: EarlyStoppingArgs = {}): Callback & { stoppedEpoch: number; bestEpoch: number } {
  checkOptions('callbacks.earlyStopping', args, earlyStoppingKeys);
  const { monitor = 'val_loss', minDelta = 0, patience = 0, mode = 'auto' as Mode, baseline, restoreBestWeights = false } = args;
  let model: CallbackModel;
  let best = 0, wait = 0;
  let bestWeights: Tensor[] | undefined;
  const better = improves(mode, monitor);
  const cb = {
    stoppedEpoch: -1,
    bestEpoch: -1,
    setModel(m: CallbackModel) { model = m; },
    onTrainBegin() {
      wait = 0;
      best = baseline ?? (better(1, 0, 0) ? -Infinity : Infinity);
      bestWeights = undefined;
      cb.stoppedEpoch = -1;
      cb.bestEpoch = -1;
    },
    onEpochEnd(epoch: number, logs?: Logs) {
      const current = read(logs, monitor, 'earlyStopping');
      if (better(current, best, Math.abs(minDelta))) {
        best = current;
        wait = 0;
        cb.bestEpoch = epoch;
        if (restoreBestWeights) bestWeights = model.getWeights();
        return;
      }
      wait++;
      if (wait >= patience && epoch > 0) {
        cb.stoppedEpoch = epoch;
        model.stopTraining = true;
      }
    },
    onTrainEnd() {
      if (restoreBestWeights && bestWeights) model.setWeights(bestWeights);
    },
  };
  return cb;
}

/** Sets the learning rate at the start of every epoch to schedule(epoch, currentLr). */
export function learningRateScheduler(schedule: (epoch: number, lr: number) => number): Callback {
  if (typeof schedule !== 'function') throw new TypeError(`callbacks.learningRateScheduler: expected a function (epoch, lr) => lr, got ${schedule === null ? 'null' : typeof schedule}`);
  let model: CallbackModel;
  return {
    setModel(m) { model = m; },
    onEpochBegin(epoch) {
      const opt = model.optimizer!;
      const lr = schedule(epoch, opt.currentLearningRate());
      if (typeof lr !== 'number' || !(lr >= 0) || !Number.isFinite(lr)) {
        throw new RangeError(`learningRateScheduler: the schedule returned ${lr} for epoch ${epoch}; expected a finite number ≥ 0`);
      }
      opt.learningRate = lr;
    },
  };
}

/** Multiplies the learning rate by `factor` after `patience` epochs without improvement. */
export interface ReduceLROnPlateauArgs { monitor?: string; factor?: number; patience?: number; mode?: Mode; minDelta?: number; cooldown?: number; minLr?: number }
const plateauKeys: Keys<ReduceLROnPlateauArgs> = { monitor: true, factor: true, patience: true, mode: true, minDelta: true, cooldown: true, minLr: true };

export function reduceLROnPlateau(args: ReduceLROnPlateauArgs = {}): Callback {
  checkOptions('callbacks.reduceLROnPlateau', args, plateauKeys);
  const { monitor = 'val_loss', factor = 0.1, patience = 10, mode = 'auto' as Mode, minDelta = 1e-4, cooldown = 0, minLr = 0 } = args;
  if (!(factor > 0 && factor < 1)) throw new RangeError(`reduceLROnPlateau: factor must be in (0, 1), got ${factor}`);
  let model: CallbackModel;
  let best = 0, wait = 0, cooling = 0;
  const better = improves(mode, monitor);
  return {
    setModel(m) { model = m; },
    onTrainBegin() { best = better(1, 0, 0) ? -Infinity : Infinity; wait = 0; cooling = 0; },
    onEpochEnd(_epoch, logs) {
      const current = read(logs, monitor, 'reduceLROnPlateau');
      if (cooling > 0) { cooling--; wait = 0; }
      if (better(current, best, minDelta)) { best = current; wait = 0; return; }
      if (cooling > 0) return;
      if (++wait >= patience) {
        const opt = model.optimizer!;
        const lr = opt.currentLearningRate();
        if (lr > minLr) opt.learningRate = Math.max(lr * factor, minLr);
        cooling = cooldown;
        wait = 0;
      }
    },
  };
}

/** Plain hooks as a callback: callbacks.lambda({ onEpochEnd: (epoch, logs) => ... }). */
const hookKeys: Keys<Omit<Callback, 'setModel' | 'setParams'>> = {
  onTrainBegin: true, onTrainEnd: true, onEpochBegin: true, onEpochEnd: true, onBatchBegin: true, onBatchEnd: true,
};

export function lambda(hooks: Omit<Callback, 'setModel' | 'setParams'>): Callback {
  checkOptions('callbacks.lambda', hooks, hookKeys);
  return { ...hooks };
}

const fmt = (logs: Logs): string =>
  Object.entries(logs).map(([k, v]) => `${k}: ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3)}`).join(' - ');

/**
 * A progress bar on one terminal line (redrawn with \r, cleared before anything else prints),
 * with loss, metrics, samples/s and ETA. `mode: 'epoch'` prints one line per epoch instead.
 */
export function progressBar(args: { mode?: 'bar' | 'epoch'; write?: (s: string) => void } = {}): Callback {
  checkOptions('callbacks.progressBar', args, { mode: true, write: true });
  const { mode = 'bar', write } = args;
  const out = write ?? ((s: string) => (typeof process !== 'undefined' && process.stdout ? process.stdout.write(s) : console.log(s.replace(/\r|\n$/g, ''))));
  let params = { epochs: 1, steps: 1, samples: 0, verbose: 1 };
  let epochStart = 0, lastDraw = 0, seen = 0, epochIndex = 0;
  return {
    setParams(p) { params = p; },
    onEpochBegin(epoch) { epochStart = now(); lastDraw = 0; seen = 0; epochIndex = epoch; },
    onBatchEnd(batch, logs) {
      seen += logs?.size ?? 0;
      if (mode !== 'bar') return;
      const t = now();
      if (t - lastDraw < 100 && batch + 1 < params.steps) return;
      lastDraw = t;
      const rate = seen / Math.max(1e-9, (t - epochStart) / 1000);
      const { size: _s, batch: _b, ...shown } = logs ?? {};
      // A stream's steps are unknown until its first epoch ends: a count instead of a bar.
      if (!params.steps) {
        out(`\r\x1b[2KEpoch ${epochIndex + 1}/${params.epochs} - batch ${batch + 1} - ${fmt(shown)} - ${rate.toFixed(0)} samples/s`);
        return;
      }
      const done = (batch + 1) / params.steps;
      const width = 24;
      const bar = '='.repeat(Math.floor(done * width)).padEnd(width, '.');
      const eta = (t - epochStart) / 1000 * (1 / done - 1);
      out(`\r\x1b[2KEpoch ${epochIndex + 1}/${params.epochs} [${bar}] ${batch + 1}/${params.steps} - ${fmt(shown)} - ${rate.toFixed(0)} samples/s - ETA ${eta.toFixed(1)}s`);
    },
    onEpochEnd(epoch, logs) {
      const secs = (now() - epochStart) / 1000;
      const line = `Epoch ${epoch + 1}/${params.epochs} - ${secs.toFixed(2)}s - ${(seen / Math.max(secs, 1e-9)).toFixed(0)} samples/s - ${fmt(logs ?? {})}`;
      out(mode === 'bar' ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export const callbacks = { earlyStopping, learningRateScheduler, reduceLROnPlateau, lambda, progressBar, modelCheckpoint, csvLogger };
