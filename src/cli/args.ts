// Command-line parsing for `lepton`: positional arguments and --flags, each flag declared with
// its type, so that a malformed option is a one-line error (exit code 2) naming what was expected.

import { closest } from '../options.js';

export { closest };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagType = 'string' | 'number' | 'int' | 'boolean' | 'list' | 'numbers';

export interface FlagSpec {
  type: FlagType;
  help: string;
  default?: unknown;
  /** 'int' and 'number': the smallest value allowed. */
  min?: number;
  /** 'number': values must be above this. */
  above?: number;
  /** 'number': values must be below this. */
  below?: number;
  /** 'string': the values allowed. */
  choices?: readonly string[];
}

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  positionals: string[];
  flags: Record<string, FlagSpec>;
}

export interface Parsed {
  positionals: string[];
  flags: Record<string, unknown>;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function parseArgs(spec: CommandSpec, argv: string[]): Parsed {
  const positionals: string[] = [];
  const flags: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec.flags)) if (f.default !== undefined) flags[camel(name)] = f.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const [rawName, inline] = a.slice(2).split(/=(.*)/s, 2);
    const f = Object.hasOwn(spec.flags, rawName) ? spec.flags[rawName] : undefined; // --constructor is unknown too
    if (!f) {
      const near = closest(rawName, Object.keys(spec.flags));
      throw new UsageError(`lepton ${spec.name}: unknown option --${rawName}${near ? `; did you mean --${near}?` : ''} (see lepton ${spec.name} --help)`);
    }
    if (f.type === 'boolean') {
      if (inline !== undefined && !/^(true|false)$/.test(inline)) throw new UsageError(`lepton ${spec.name}: --${rawName} takes no value or true/false, got '${inline}'`);
      flags[camel(rawName)] = inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`lepton ${spec.name}: --${rawName} needs a value (${f.help})`);
    }
    flags[camel(rawName)] = convert(spec.name, rawName, f, value);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`lepton ${spec.name}: unexpected argument '${positionals[spec.positionals.length]}' (usage: ${spec.usage})`);
  }
  return { positionals, flags };
}

function convert(cmd: string, name: string, f: FlagSpec, v: string): unknown {
  const bad = (what: string) => new UsageError(`lepton ${cmd}: --${name} expects ${what}, got '${v}'`);
  const inRange = (n: number): number => {
    if (f.min !== undefined && n < f.min) throw new UsageError(`lepton ${cmd}: --${name} must be at least ${f.min}, got ${v}${name === 'epochs' && n === 0 ? ' (0 epochs would train nothing)' : ''}`);
    if (f.above !== undefined && n <= f.above) throw new UsageError(`lepton ${cmd}: --${name} must be above ${f.above}, got ${v}`);
    if (f.below !== undefined && n >= f.below) throw new UsageError(`lepton ${cmd}: --${name} must be below ${f.below}, got ${v}`);
    return n;
  };
  switch (f.type) {
    case 'string': {
      if (f.choices && !f.choices.includes(v)) {
        const near = closest(v, f.choices);
        throw new UsageError(`lepton ${cmd}: --${name} must be one of ${f.choices.join(', ')}, got '${v}'${near ? `; did you mean ${near}?` : ''}`);
      }
      return v;
    }
    case 'number': {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw bad('a number');
      return inRange(n);
    }
    case 'int': {
      const n = Number(v);
      if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(n)) throw bad('a whole number');
      return inRange(n);
    }
    case 'list': {
      const items = v.split(',').map((s) => s.trim());
      if (items.some((s) => s === '')) throw bad('a comma-separated list');
      return items;
    }
    case 'numbers': {
      const items = v.split(',').map((s) => Number(s.trim()));
      if (items.some((n) => !Number.isInteger(n) || n <= 0)) throw bad('comma-separated whole numbers > 0, like 64,64,64');
      return items;
    }
    default: return v;
  }
}

export function helpText(spec: CommandSpec): string {
  const lines = [`Usage: ${spec.usage}`, '', spec.summary, ''];
  const flags = Object.entries(spec.flags);
  if (flags.length) {
    lines.push('Options:');
    const width = Math.max(...flags.map(([n, f]) => n.length + (f.type === 'boolean' ? 0 : 8))) + 4;
    for (const [n, f] of flags) {
      const left = `--${n}${f.type === 'boolean' ? '' : ` <${f.type === 'numbers' || f.type === 'list' ? 'a,b,…' : f.type === 'int' || f.type === 'number' ? 'n' : 'x'}>`}`;
      const choices = f.choices ? `: ${f.choices.join(', ')}` : '';
      lines.push(`  ${left.padEnd(width)}${f.help}${choices}${f.default !== undefined ? ` (default ${Array.isArray(f.default) ? f.default.join(',') : f.default})` : ''}`);
    }
    lines.push(`  ${'--help'.padEnd(width)}this text`);
  }
  return lines.join('\n');
}
