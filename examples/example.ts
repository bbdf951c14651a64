// What every example returns, so that `lepton train <name>`, the tests and the plain scripts
// share one shape: the figures it measured, its stated target, and a report.
import type { Callback } from '../src/callbacks/types.js';
import type { Report } from '../src/report/html.js';

export interface ExampleOptions {
  /** Training budget; each example has its own default (the full figure). */
  epochs?: number;
  seed?: number;
  verbose?: 0 | 1 | 2;
  /** Passed to every fit (the CLI's progress line and Ctrl-C). */
  callbacks?: Callback[];
}

export interface ExampleResult {
  results: Record<string, number | string>;
  target: { description: string; value: number; pass: boolean };
  report: Report;
}

/** True when the module at `url` is the script node was started with. */
export function isMain(url: string): boolean {
  const arg = typeof process !== 'undefined' ? process.argv[1] : undefined;
  if (!arg) return false;
  const path = decodeURIComponent(new URL(url).pathname);
  return path === arg || path.replace(/\.ts$/, '') === arg.replace(/\.ts$/, '');
}
