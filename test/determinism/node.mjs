// The determinism case in Node, from the dist bundle: prints the result as JSON.
//   node test/determinism/node.mjs [threads]
import * as lepton from '../../dist/lepton.js';
import { runCases } from './case.js';

const threads = Number(process.argv[2] ?? 1);
if (threads !== 1) throw new Error(`threads=${threads} is not supported yet`);
await lepton.init();
console.log(JSON.stringify({ build: lepton.build(), cases: await runCases(lepton) }));
