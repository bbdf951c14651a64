// What the cross-runtime tests share: the dist bundle (rebuilt when older than src/), Debian's
// chromium driven by playwright-core, the workerd binary from its npm package, free ports on
// 127.0.0.1, and the rule for a missing browser: skip with a printed reason on a developer's
// machine, fail in CI (CI set), where scripts/ci-deps.sh must have installed it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('..', import.meta.url));
export const inCI = !!process.env.CI && !['0', 'false'].includes(process.env.CI.toLowerCase());

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** dist/ as `npm run build` leaves it; runs the rollup half again when src/ or build/ changed since. */
export function ensureDist(): void {
  const out = join(repo, 'dist/lepton.js');
  const stale = !existsSync(out) || statSync(out).mtimeMs < Math.max(newest(join(repo, 'src')), newest(join(repo, 'build')));
  if (!stale) return;
  if (!existsSync(join(repo, 'build/lepton.wasm'))) run(...npm(['run', 'asbuild']));
  run(process.execPath, [join(repo, 'node_modules/rollup/dist/bin/rollup'), '-c', '--silent']);
}

/**
 * npm itself, as [command, ...leading args]: the user's npm, never the npm 6 that a dependency of
 * as-pect puts in node_modules/.bin. Scripts of `npm test` run with node_modules/.bin first on
 * PATH, so a bare `npm` there is npm 6, which lacks `pack --pack-destination`.
 */
export function npm(args: string[]): [string, string[]] {
  const cli = process.env.npm_execpath;
  // node_modules may be a symlink (a git worktree sharing another checkout's): compare real paths.
  const own = [repo, realOrSelf(join(repo, 'node_modules'))];
  if (cli && /npm-cli\.[cm]?js$/.test(cli) && !own.some((d) => realOrSelf(cli).startsWith(d))) return [process.execPath, [cli, ...args]];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || resolve(dir).startsWith(repo) || resolve(dir).includes(`${sep}node_modules${sep}`)) continue;
    if (existsSync(join(dir, 'npm'))) return [join(dir, 'npm'), args];
  }
  return ['npm', args];
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** Runs a command to completion in `cwd` (the repository by default); throws with its output if it fails. */
export function run(cmd: string, args: string[], cwd = repo): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Debian's chromium (or CHROMIUM_PATH), or undefined. */
export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

/**
 * The browser for a suite, or undefined after printing why the suite is skipped. In CI a missing
 * browser is an error: the returned message is for a test that fails with it.
 */
export function browserFor(suite: string): { path?: string; missing?: string } {
  const path = chromiumPath();
  if (path) return { path };
  const why = `no chromium on PATH (scripts/ci-deps.sh installs it, or set CHROMIUM_PATH)`;
  if (inCI) return { missing: `${suite}: ${why}; CI=${process.env.CI} requires the browser tests to run` };
  console.log(`  ${suite}: skipped: ${why}`);
  return {};
}

export async function launchChromium(executablePath: string) {
  const { chromium } = await import('playwright-core');
  // playwright-core creates a fresh temporary user-data dir for every launch().
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

export interface Workerd {
  url: string;
  stop(): Promise<void>;
  log(): string;
}

/** Starts `workerd serve config` with its socket `http` on a free 127.0.0.1 port; resolves once it answers. */
export async function startWorkerd(config: string): Promise<Workerd> {
  const { default: bin } = (await import('workerd')) as unknown as { default: string };
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['serve', config, '--socket-addr', `http=127.0.0.1:${port}`], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (let t = Date.now(); ; ) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}:\n${out}`);
    try {
      await fetch(url, { method: 'HEAD' });
      return { url, stop, log: () => out };
    } catch {
      if (Date.now() - t > 15000) {
        await stop();
        throw new Error(`workerd did not answer on ${url} within 15 s:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

// issue 18: Deno and Bun, from their npm packages (devDependencies `deno` and `bun`, whose
// platform packages carry the binaries; no download at install) or from PATH.
export type JsRuntime = 'deno' | 'bun';

/** The runtime's binary, or undefined after printing why its tests are skipped (in CI: `missing`, an error). */
export function jsRuntimeFor(name: JsRuntime, suite: string): { path?: string; missing?: string } {
  const local = join(repo, 'node_modules/.bin', name);
  if (existsSync(local)) return { path: local };
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return { path: r.stdout.trim() };
  const why = `no ${name} (npm ci installs it from the devDependency '${name}', or put it on PATH)`;
  if (inCI) return { missing: `${suite}: ${why}; CI=${process.env.CI} requires it` };
  console.log(`  ${suite}: skipped: ${why}`);
  return {};
}

/** The command line that runs a module script in the runtime: Deno with the permissions lepton needs (read its .wasm, write saved models, sys for node:os and node:fs). */
export function jsRuntimeArgs(name: JsRuntime, script: string, args: string[]): string[] {
  return name === 'deno' ? ['run', '--allow-read', '--allow-write', '--allow-sys', script, ...args] : [script, ...args];
}
