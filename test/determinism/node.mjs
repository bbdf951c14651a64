// The determinism case in Node, from the dist bundle: prints the result as JSON.
//   node test/determinism/node.mjs [threads]
import * as lepton from '../../dist/lepton.js';
import { run } from './case.js';

console.log(JSON.stringify(await run(lepton, Number(process.argv[2] ?? 1))));
