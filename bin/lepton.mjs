#!/usr/bin/env node
// `lepton` (the package's bin; `npx lepton` after install): the command built into dist/ by
// `npm run build`. From a source checkout without dist/, `npm run lepton --` runs src/cli directly.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/lepton-cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(`lepton: ${cli.pathname} is missing; run \`npm run build\` first (or \`npm run lepton -- <args>\` in a checkout)`);
  process.exit(1);
}
await import(cli.href);
