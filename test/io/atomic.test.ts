// Atomic saves: a child process saves one model directory in a loop and is killed (SIGKILL) in the
// middle of a save, several times; the directory must then always load, as a consistent pair
// (weights and JSON from the same save), no older than the last save the child reported done.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, loadModel } from '../../src/index.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

/**
 * Runs the child until it has begun save number `killAt`, then kills it `frac` of the way through
 * that save, judged by how long the run's earlier saves took (so the kills land inside writes on
 * fast and slow machines alike).
 */
function runAndKill(dir: string, start: number, killAt: number, frac: number): Promise<{ lastSaved: number; lastBegun: number; killedDuring: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./save-loop.child.ts', import.meta.url).pathname, dir, String(start)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastSaved = start - 1, lastBegun = start - 1, killedDuring = -1, buf = '', err = '', began = 0;
    const took: number[] = [];
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [what, num] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        if (what === 'saved') {
          lastSaved = Number(num);
          took.push(performance.now() - began);
        }
        if (what === 'begin') {
          began = performance.now();
          lastBegun = Number(num);
        }
        if (what === 'begin' && Number(num) === killAt && killedDuring < 0) {
          killedDuring = killAt;
          const save = took.length ? took.reduce((a, b) => a + b, 0) / took.length : 30;
          setTimeout(() => child.kill('SIGKILL'), frac * save);
        }
      }
    });
    // 'close', not 'exit': every line the child wrote is read before the result is settled.
    child.on('close', (code, signal) => (signal === 'SIGKILL' ? resolve({ lastSaved, lastBegun, killedDuring }) : reject(new Error(`child exited with ${code}: ${err}`))));
  });
}

test('killing a process mid-save leaves the last good model loadable, json and weights from one save', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lepton-atomic-'));
  let midWrite = 0;
  try {
    let start = 1;
    // At least 5 kills, and on until two of them landed inside a write (a save is about half
    // serializing, half writing), at most 24.
    const fracs = [0.6, 0.75, 0.9, 0.5, 0.8, 0.95, 0.4, 0.7, 0.85];
    for (let run = 0; run < 24 && (run < 5 || midWrite < 2); run++) {
      // A save faster than the run's average may finish before the kill lands, and the next one
      // begin: the model on disk is then any save from the last finished to the last begun.
      const { lastSaved, lastBegun } = await runAndKill(dir, start, start + 2, fracs[run % fracs.length]);
      if (readdirSync(dir).some((f) => f.startsWith('.tmp-lepton-'))) midWrite++;
      const m = await loadModel(dir);
      const i = (m.preprocessing as { i: number }).i;
      assert.ok(i >= lastSaved && i <= lastBegun, `loaded save ${i}; the child had finished ${lastSaved} and begun ${lastBegun}`);
      for (const w of m.getWeights()) assert.ok(w.data.every((v) => v === i), `weights of save ${i} hold other values`);
      start = i + 1;
    }
    // Evidence that some kills landed inside a save (a temp file left behind), not between saves.
    if (process.env.LEPTON_IO_VERBOSE) console.log(`kills inside a write: ${midWrite}`);
    assert.ok(midWrite >= 1, `no kill interrupted a write (${midWrite})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
