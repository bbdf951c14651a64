// The preprocessing a model carries (`model.preprocessing`), written into its ONNX graph so that
// the file reads raw inputs and gives outputs in the targets' own units, as `lepton predict` does.
//
// What a model carries is JSON, in one of two forms:
// - the CLI's (`lepton train data.csv`): `{ cli: 1, x: <standardize>, yMean?, yStd?, task,
//   features, targets, classNames? }`. x is standardized at the input; a regression's output is
//   mapped back, y = y'·std + mean; a classifier's output stays the probabilities, and the class
//   names, features and targets go into the file's metadata_props.
// - the data pipeline's: a transform's or a pipeline's `toJSON()` (`{ type, on, cols, … }` or a
//   list of them). Steps on x are applied at the input in order; the affine steps on y
//   (standardize, minMax, maxAbs) and log1p are undone at the output in reverse order; oneHot and
//   select on y change what the model is trained on, not its units, and write nothing.
// `toOnnx({ preprocessing })` gives one explicitly (a Transform, a Pipeline or their JSON), or
// `false` for the network alone.

import { preprocessing as prep, type Pipeline, type Transform, type TransformJSON } from '../data/preprocessing.js';
import type { OnnxGraph } from '../layers/onnx.js';

/** What the exporter adds around the network. */
export interface OnnxPrep {
  /** Writes the input steps: reads the raw input `x`, returns the tensor the network reads. */
  input(g: OnnxGraph, x: string): string;
  /** Writes the output steps: reads the network's output `y`, must produce `output`. */
  output(g: OnnxGraph, y: string, output: string): void;
  /** Key/value pairs for the file's metadata_props. */
  metadata: [string, string][];
  /** Columns of the raw input and of what the input steps give the network (undefined: no input steps). */
  cols?: { raw: number; out: number };
}

const INPUT_STEPS = ['standardize', 'minMax', 'maxAbs', 'log1p', 'select'];

/** Raw and transformed columns of a chain of x steps (each one checked to have an ONNX form). */
function columns(xs: Step[], where: string): { raw: number; out: number } | undefined {
  for (const s of xs) if (!INPUT_STEPS.includes(s.type)) throw new Error(`${where}: a '${s.type}' step on x has no ONNX form; export with toOnnx({ preprocessing: false }) and apply it yourself`);
  if (xs.length === 0) return undefined;
  const out = xs.reduce((_, s) => (s.type === 'select' ? (s.index as number[]).length : s.cols as number), 0);
  return { raw: xs[0].cols as number, out };
}

type Step = TransformJSON;

const isStep = (v: unknown): v is Step => typeof v === 'object' && v !== null && typeof (v as Step).type === 'string' && ((v as Step).on === 'x' || (v as Step).on === 'y');

/** One checked step: fromJSON validates every field (the file is untrusted). */
function checked(s: Step, where: string): Step {
  try {
    prep.fromJSON(s);
  } catch (e) {
    throw new Error(`${where}: the model's preprocessing is malformed: ${(e as Error).message}`);
  }
  return s;
}

function inputStep(g: OnnxGraph, s: Step, x: string, where: string): string {
  const out = g.fresh(`preprocessing/${s.type}`);
  const cols = s.cols as number;
  const vec = (name: string, v: number[]) => g.constant(`preprocessing/${s.type}/${name}`, Float32Array.from(v), [cols]);
  switch (s.type) {
    case 'standardize': case 'minMax': case 'maxAbs': {
      // (x − shift)·scale, as the transform computes it
      const d = g.fresh(`preprocessing/${s.type}/shifted`);
      g.node('Sub', [x, vec('shift', s.shift as number[])], d);
      g.node('Mul', [d, vec('scale', s.scale as number[])], out);
      return out;
    }
    case 'log1p': {
      const one = g.constant('preprocessing/log1p/one', Float32Array.of(1), [1]);
      const p = g.fresh('preprocessing/log1p/plus1');
      g.node('Add', [x, one], p);
      g.node('Log', [p], out);
      return out;
    }
    case 'select':
      g.node('Gather', [x, g.constantInts('preprocessing/select/index', s.index as number[])], out, { axis: { i: 1 } });
      return out;
  }
  throw new Error(`${where}: a '${s.type}' step on x has no ONNX form`);
}

/** The inverse of a y step at the output, or null where the step leaves the units alone. */
function outputStep(g: OnnxGraph, s: Step, y: string): string | null {
  const out = g.fresh(`postprocessing/${s.type}`);
  const cols = s.cols as number;
  switch (s.type) {
    case 'standardize': case 'minMax': case 'maxAbs': {
      // y = y'/scale + shift
      const inv = Float32Array.from(s.scale as number[], (v) => 1 / v);
      const m = g.fresh(`postprocessing/${s.type}/scaled`);
      g.node('Mul', [y, g.constant(`postprocessing/${s.type}/inverse_scale`, inv, [cols])], m);
      g.node('Add', [m, g.constant(`postprocessing/${s.type}/shift`, Float32Array.from(s.shift as number[]), [cols])], out);
      return out;
    }
    case 'log1p': {
      const e = g.fresh('postprocessing/log1p/exp');
      g.node('Exp', [y], e);
      g.node('Sub', [e, g.constant('postprocessing/log1p/one', Float32Array.of(1), [1])], out);
      return out;
    }
  }
  return null;
}

/** A pipeline (or one transform) as JSON steps. */
function steps(spec: unknown, where: string): Step[] {
  const list = Array.isArray(spec) ? spec : [spec];
  return list.map((s, i) => {
    if (!isStep(s)) throw new Error(`${where}: the model's preprocessing${list.length > 1 ? ` step ${i}` : ''} is not a transform's toJSON() ({ type, on, cols, … }) nor the CLI's; export with toOnnx({ preprocessing: false }) for the network alone`);
    return checked(s, where);
  });
}

function fromSteps(all: Step[], where: string): OnnxPrep {
  const xs = all.filter((s) => s.on === 'x'), ys = all.filter((s) => s.on === 'y').reverse();
  return {
    input: (g, x) => xs.reduce((t, s) => inputStep(g, s, t, where), x),
    output(g, y, output) {
      const last = ys.reduce((t, s) => outputStep(g, s, t) ?? t, y);
      g.node('Identity', [last], output);
    },
    metadata: [['lepton:preprocessing', JSON.stringify(all)]],
    cols: columns(xs, where),
  };
}

interface CliPrep {
  cli: 1; features: string[]; targets: string[]; task: string; classNames?: string[];
  x: TransformJSON; yMean?: number[]; yStd?: number[];
}

function fromCli(p: CliPrep, where: string): OnnxPrep {
  const xs = steps(p.x, where);
  const cols = p.targets.length;
  const y = p.yMean && p.yStd ? { mean: p.yMean, std: p.yStd } : null;
  if (y && (y.mean.length !== cols || y.std.length !== cols || ![...y.mean, ...y.std].every(Number.isFinite))) {
    throw new Error(`${where}: the model's preprocessing is malformed: yMean and yStd must be ${cols} finite numbers`);
  }
  const metadata: [string, string][] = [['lepton:task', p.task], ['lepton:features', JSON.stringify(p.features)], ['lepton:targets', JSON.stringify(p.targets)]];
  if (p.classNames) metadata.push(['lepton:classNames', JSON.stringify(p.classNames)]);
  return {
    input: (g, x) => xs.reduce((t, s) => inputStep(g, s, t, where), x),
    output(g, out, output) {
      if (!y) return g.node('Identity', [out], output);
      // y = y'·std + mean, as `lepton predict` maps a regression back
      const m = g.fresh('postprocessing/target_scaled');
      g.node('Mul', [out, g.constant('postprocessing/target_std', Float32Array.from(y.std), [cols])], m);
      g.node('Add', [m, g.constant('postprocessing/target_mean', Float32Array.from(y.mean), [cols])], output);
    },
    metadata,
    cols: columns(xs, where),
  };
}

/** What toOnnx takes as `preprocessing`: a fitted transform, a pipeline, their JSON, or the CLI's. */
export type PreprocessingSpec = Transform | Pipeline | TransformJSON | TransformJSON[] | Record<string, unknown>;

/** The steps to write for `spec` (null: nothing to write). */
export function onnxPreprocessing(spec: PreprocessingSpec | null | false | undefined, where: string): OnnxPrep | null {
  if (spec === null || spec === undefined || spec === false) return null;
  const json: unknown = typeof (spec as { toJSON?: unknown }).toJSON === 'function' ? (spec as { toJSON(): unknown }).toJSON() : spec;
  if (Array.isArray(json) && json.length === 0) return null;
  const cli = json as Partial<CliPrep>;
  if (cli && typeof cli === 'object' && cli.cli === 1) {
    if (!Array.isArray(cli.targets) || !Array.isArray(cli.features) || typeof cli.task !== 'string') throw new Error(`${where}: the model's preprocessing is malformed: the CLI's form needs features, targets and task`);
    return fromCli(cli as CliPrep, where);
  }
  return fromSteps(steps(json, where), where);
}
