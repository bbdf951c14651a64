// Trains y = x² with the bundle, predicts, then disposes models and reports what the arena holds:
// the same model built and disposed 20 times must leave the arena where it was after the first.
import { init, layers, optimizers, sequential } from './lepton.js';
import wasm from './lepton.wasm';

export default {
  async fetch(request) {
    if (request.method === 'HEAD') return new Response(null);
    try {
      const rt = await init(wasm);
      const x = [], y = [];
      for (let i = 0; i < 32; i++) {
        const v = (i / 31) * 2 - 1;
        x.push([v]);
        y.push([v * v]);
      }
      const train = async () => {
        const net = sequential([layers.dense(16, { activation: 'tanh', inputShape: [1] }), layers.dense(1)], { seed: 3 });
        net.compile({ optimizer: optimizers.adam(0.02), loss: 'mse' });
        const h = await net.fit(x, y, { epochs: 200, batchSize: 8, verbose: 0 });
        return { net, loss: h.history.loss.at(-1) };
      };
      const before = rt.arena.used();
      const first = await train();
      const p = first.net.predict([[0.5]]).data[0];
      first.net.dispose();
      const afterOne = rt.arena.used();
      for (let i = 0; i < 20; i++) (await train()).net.dispose();
      const afterMany = rt.arena.used();
      let useAfterDispose = '';
      try { first.net.predict([[0.5]]); } catch (e) { useAfterDispose = String(e.message); }
      return Response.json({
        finalizationRegistry: typeof FinalizationRegistry, loss: first.loss, prediction: p,
        arena: { before, afterOne, afterMany }, useAfterDispose,
      });
    } catch (e) {
      return Response.json({ error: String(e && e.stack || e) }, { status: 500 });
    }
  },
};
