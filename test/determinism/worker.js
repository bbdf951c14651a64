// The determinism case in workerd: the dist bundle, the plain build as a wasm module binding.
// workerd has no Worker: a request for more than one thread is answered with what ran (threads: 1).
import * as lepton from './lepton.js';
import wasm from './lepton.wasm';
import { run } from './case.js';

export default {
  async fetch(request) {
    const threads = Number(new URL(request.url).searchParams.get('threads') ?? 1);
    return Response.json(await run(lepton, threads, wasm));
  },
};
