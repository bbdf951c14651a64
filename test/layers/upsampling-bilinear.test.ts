// upSampling2d's bilinear mode against TensorFlow's own resize (tfjs-core's CPU backend, which
// implements TensorFlow's kernel): with half-pixel centers, as Keras's UpSampling2D resizes, and
// without, as TF.js's layer does; factors 1 to 3, channels around the 4-lane width.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { test } from 'uvu';
import { init, layers, sequential, type Tensor } from '../../src/index.js';
import { close, rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

for (const halfPixelCenters of [true, false]) {
  test(`bilinear, halfPixelCenters ${halfPixelCenters}: lepton's upsampling is tf.image.resizeBilinear's`, () => {
    for (const [h, w, c, sh, sw] of [[3, 4, 1, 2, 2], [5, 2, 5, 3, 1], [2, 3, 8, 1, 3], [4, 4, 3, 2, 3]]) {
      const m = sequential([layers.upSampling2d([sh, sw], { inputShape: [h, w, c], interpolation: 'bilinear', halfPixelCenters })]);
      const x = { data: rand(2 * h * w * c, h + w + c, -2, 2), shape: [2, h, w, c] };
      const want = tf.image.resizeBilinear(tf.tensor4d(x.data, [2, h, w, c]), [h * sh, w * sw], false, halfPixelCenters).dataSync() as Float32Array;
      close((m.predict(x) as Tensor).data, want, 1e-6, 1e-6, `${h}×${w}×${c} by ${sh}×${sw}`);
    }
  });
}

test.run();
