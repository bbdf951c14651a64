// modelCheckpoint: saves the model (weights, optimizer state, RNG state: everything training
// needs to resume bit-identically) at the end of epochs, optionally only when `monitor`
// improves. Each save is atomic (src/io/save.ts), so a crash mid-save keeps the last good one.

import type { SaveOptions, SaveTarget } from '../io/types.js';
import { checkOptions, type Keys } from '../options.js';
import type { Callback, CallbackModel, Logs } from './types.js';

interface SavableModel extends CallbackModel {
  save(target?: SaveTarget, options?: SaveOptions): Promise<unknown>;
}

export interface ModelCheckpointArgs {
  /** A directory (Node) or 'indexeddb://name'; `{epoch}` (or `{epoch:03d}`) becomes the epoch number, from 1. */
  path: string;
  /** Save only when `monitor` improves on the best value so far. */
  saveBestOnly?: boolean;
  monitor?: string;
  mode?: 'auto' | 'min' | 'max';
  /** Save every `period` epochs (ignored with saveBestOnly). */
  period?: number;
  includeOptimizer?: boolean;
}

/** Mode 'auto': which monitored quantities grow as they improve (accuracy, AUC, precision, recall, F1, R²). */
export const higherIsBetter = (monitor: string): boolean => /acc|auc|precision|recall|f1|(^|_)r2/i.test(monitor);

const checkpointKeys: Keys<ModelCheckpointArgs> = { path: true, saveBestOnly: true, monitor: true, mode: true, period: true, includeOptimizer: true };

/** modelCheckpoint({ path, … }), or Keras's ModelCheckpoint(path, { … }). */
export function modelCheckpoint(first: string | ModelCheckpointArgs, rest?: Omit<ModelCheckpointArgs, 'path'>): Callback & { best: number; lastSaved: string | undefined } {
  const args = typeof first === 'string' ? { ...rest, path: first } : first;
  if (typeof first !== 'string' && rest !== undefined) throw new TypeError('callbacks.modelCheckpoint: give the path first, modelCheckpoint(path, { … }), or in the options, modelCheckpoint({ path, … })');
  checkOptions('callbacks.modelCheckpoint', args, checkpointKeys);
  const { path, saveBestOnly = false, monitor = 'val_loss', mode = 'auto', period = 1, includeOptimizer = true } = args ?? ({} as ModelCheckpointArgs);
  if (typeof path !== 'string' || !path) throw new TypeError(`modelCheckpoint: path must be a non-empty string, got ${JSON.stringify(path)}`);
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`modelCheckpoint: period must be a whole number ≥ 1, got ${period}`);
  const max = mode === 'max' || (mode === 'auto' && higherIsBetter(monitor));
  let model: SavableModel;
  const cb = {
    best: max ? -Infinity : Infinity,
    lastSaved: undefined as string | undefined,
    setModel(m: CallbackModel) {
      if (typeof (m as SavableModel).save !== 'function') throw new TypeError('modelCheckpoint: the model cannot be saved (no save method)');
      model = m as SavableModel;
    },
    onTrainBegin() {
      cb.best = max ? -Infinity : Infinity;
    },
    async onEpochEnd(epoch: number, logs?: Logs) {
      if (saveBestOnly) {
        const current = logs && Object.hasOwn(logs, monitor) ? logs[monitor] : undefined; // own keys: not 'constructor'
        if (current === undefined) {
          throw new Error(`modelCheckpoint: monitored quantity '${monitor}' is not in the logs; available: ${Object.keys(logs ?? {}).join(', ') || 'none'}` +
            (monitor.startsWith('val_') ? ' (pass validationSplit or validationData to fit)' : ''));
        }
        if (!(max ? current > cb.best : current < cb.best)) return;
        cb.best = current;
      } else if ((epoch + 1) % period !== 0) {
        return;
      }
      const target = path.replace(/\{epoch(?::0?(\d+)d)?\}/g, (_, width?: string) => String(epoch + 1).padStart(Number(width ?? 0), '0'));
      await model.save(target, { epoch: epoch + 1, includeOptimizer });
      cb.lastSaved = target;
    },
  };
  return cb;
}
