// The determinism case in workerd: the dist bundle, the plain build as a wasm module binding.
import * as lepton from './lepton.js';
import wasm from './lepton.wasm';
import { runCases } from './case.js';

export default {
  async fetch(request) {
    const threads = Number(new URL(request.url).searchParams.get('threads') ?? 1);
    if (threads !== 1) return Response.json({ error: `threads=${threads}: workerd runs one thread` }, { status: 400 });
    await lepton.init(wasm);
    return Response.json({ build: lepton.build(), cases: await runCases(lepton) });
  },
};
