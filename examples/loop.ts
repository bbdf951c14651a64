// The callbacks of an example's own training loop (a GAN's alternating steps, adversarial
// training): the hooks fit calls, in fit's order, so that `lepton train <name>` shows its progress
// and Ctrl-C stops the loop after the current epoch (each epoch end yields to the event loop,
// where the signal is seen).
import type { Callback, CallbackModel, Logs, TrainingParams } from '../src/callbacks/types.js';

export class Loop {
  constructor(private readonly callbacks: Callback[], private readonly model: CallbackModel, params: TrainingParams) {
    model.stopTraining = false;
    for (const c of callbacks) { c.setModel?.(model); c.setParams?.(params); }
  }

  /** True once a callback asked to stop (Ctrl-C): the loop ends after this epoch. */
  get stopped(): boolean { return this.model.stopTraining; }

  async begin(): Promise<void> { for (const c of this.callbacks) await c.onTrainBegin?.(); }
  async epochBegin(epoch: number): Promise<void> { for (const c of this.callbacks) await c.onEpochBegin?.(epoch); }
  batchEnd(batch: number, logs: Logs): void { for (const c of this.callbacks) c.onBatchEnd?.(batch, logs); }
  async epochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(epoch, logs);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  async end(logs: Logs = {}): Promise<void> { for (const c of this.callbacks) await c.onTrainEnd?.(logs); }
}
