// Cold start, ONNX Runtime: node (native) or web (wasm), given as argv[2]; the model file is argv[3].
import { readFileSync } from 'node:fs';

const ort = process.argv[2] === 'web' ? await import('onnxruntime-web') : await import('onnxruntime-node');
if (process.argv[2] === 'web') ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(readFileSync(process.argv[3]), { executionProviders: [process.argv[2] === 'web' ? 'wasm' : 'cpu'] });
const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(784).fill(0.5), [1, 784]) });
const p = Array.from(out.y.data);
process.stdout.write(`ready ${p.indexOf(Math.max(...p))}\n`);
