// The io entries of the layers on images (issue 14): convolutions, poolings, upsampling, padding
// and cropping, read from lepton's files and TF.js's; io/layers.ts adds them to the one list.

import { Conv2D, Conv2DTranspose } from '../layers/conv2d.js';
import { Pooling2D } from '../layers/pooling.js';
import { GlobalPooling2D } from '../layers/global-pooling.js';
import { UpSampling2D } from '../layers/up-sampling.js';
import { Cropping2D, ZeroPadding2D } from '../layers/padding.js';
import { arr, bool, guard, int, LIMITS, opt, str, type Json } from './check.js';
import { ModelFormatError } from './errors.js';
import { baseArgs, weightOptions } from './layer-config.js';
import type { LayerEntries, LayerEntry } from './layer-entry.js';
import { activationOf, initializerOf, regularizerOf, unsupported, type TfjsLayer } from './tfjs-config.js';

export const imageLayers: LayerEntries = [];
const add = (className: string, e: LayerEntry): void => void imageLayers.push([className, e]);
const base = (t: TfjsLayer): Json => ({ ...t.base });

// Convolutional layers (issue 14): channels-last only. A size is a number or [rows, cols] in
// lepton's files (getConfig writes pairs), a list of two in TF.js's.
const sizeOf = (v: unknown, path: string, min = 1): [number, number] => {
  const p = typeof v === 'number' ? [v, v] : arr(v, path, 2);
  if (p.length !== 2) throw new ModelFormatError(`${path} must be a whole number or two of them [rows, cols], got ${JSON.stringify(v)?.slice(0, 80)}`);
  return [int(p[0], `${path}[0]`, min, LIMITS.dim), int(p[1], `${path}[1]`, min, LIMITS.dim)];
};
const paddingRead = (v: unknown, path: string): 'valid' | 'same' => {
  if (v !== 'valid' && v !== 'same') throw new ModelFormatError(`${path} must be 'valid' or 'same', got ${JSON.stringify(v)?.slice(0, 80)}`);
  return v;
};
function convArgs(c: Json, path: string) {
  return {
    ...baseArgs(c, path),
    kernelSize: sizeOf(c.kernelSize, `${path}.kernelSize`),
    strides: opt(c.strides, sizeOf, `${path}.strides`),
    padding: opt(c.padding, paddingRead, `${path}.padding`),
    dilationRate: opt(c.dilationRate, sizeOf, `${path}.dilationRate`),
    activation: opt(c.activation, str, `${path}.activation`),
    useBias: opt(c.useBias, bool, `${path}.useBias`),
    ...weightOptions(c, path, ['kernel', 'bias']),
  };
}
const filtersOf = (c: Json, path: string) => int(c.filters, `${path}.filters`, 1, LIMITS.dim);
/** TF.js's data_format: channels_last (or absent) only. */
const channelsLast = (t: TfjsLayer): void => {
  const f = t.c.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last' && f !== 'channelsLast') {
    throw new ModelFormatError(`${t.base.name} (${t.cls}): data_format ${JSON.stringify(f)?.slice(0, 40)} is not supported; lepton's images are channels_last [batch, height, width, channels]`);
  }
};
function convFromTfjs(t: TfjsLayer): Json {
  unsupported(t, ['activity_regularizer', 'kernel_constraint', 'bias_constraint']);
  channelsLast(t);
  if (t.c.groups !== undefined && t.c.groups !== null && t.c.groups !== 1) throw new ModelFormatError(`${t.base.name} (${t.cls}): groups other than 1 are not supported by lepton`);
  const p = `${t.path}.config`;
  return {
    ...t.base, filters: int(t.c.filters, `${p}.filters`, 1, LIMITS.dim), kernelSize: sizeOf(t.c.kernel_size, `${p}.kernel_size`),
    strides: opt(t.c.strides, sizeOf, `${p}.strides`) ?? [1, 1], padding: paddingRead(t.c.padding ?? 'valid', `${p}.padding`),
    dilationRate: opt(t.c.dilation_rate, sizeOf, `${p}.dilation_rate`) ?? [1, 1],
    activation: activationOf(t), useBias: t.c.use_bias !== false,
    kernelInitializer: initializerOf(t.c.kernel_initializer), biasInitializer: initializerOf(t.c.bias_initializer),
    kernelRegularizer: regularizerOf(t, 'kernel_regularizer'), biasRegularizer: regularizerOf(t, 'bias_regularizer'),
  };
}
add('Conv2D', {
  fromConfig: (c, path) => {
    const filters = filtersOf(c, path), args = convArgs(c, path);
    return guard(path, () => new Conv2D(filters, args));
  },
  tfjs: { Conv2D: convFromTfjs },
});
add('Conv2DTranspose', {
  fromConfig: (c, path) => {
    const filters = filtersOf(c, path), args = convArgs(c, path);
    const outputPadding = opt(c.outputPadding, (v, p) => sizeOf(v, p, 0), `${path}.outputPadding`);
    return guard(path, () => new Conv2DTranspose(filters, { ...args, outputPadding }));
  },
  tfjs: {
    Conv2DTranspose: (t) => ({ ...convFromTfjs(t), outputPadding: opt(t.c.output_padding, (v, p) => sizeOf(v, p, 0), `${t.path}.config.output_padding`) ?? null }),
  },
});
function poolFromConfig(kind: 'max' | 'average') {
  return (c: Json, path: string) => {
    const args = {
      ...baseArgs(c, path), poolSize: opt(c.poolSize, sizeOf, `${path}.poolSize`), strides: opt(c.strides, sizeOf, `${path}.strides`),
      padding: opt(c.padding, paddingRead, `${path}.padding`),
    };
    return guard(path, () => new Pooling2D(kind, args));
  };
}
function poolFromTfjs(t: TfjsLayer): Json {
  channelsLast(t);
  const p = `${t.path}.config`;
  const poolSize = opt(t.c.pool_size, sizeOf, `${p}.pool_size`) ?? [2, 2];
  return { ...t.base, poolSize, strides: opt(t.c.strides, sizeOf, `${p}.strides`) ?? poolSize, padding: paddingRead(t.c.padding ?? 'valid', `${p}.padding`) };
}
add('MaxPooling2D', { fromConfig: poolFromConfig('max'), tfjs: { MaxPooling2D: poolFromTfjs, MaxPool2D: poolFromTfjs } });
add('AveragePooling2D', { fromConfig: poolFromConfig('average'), tfjs: { AveragePooling2D: poolFromTfjs, AvgPool2D: poolFromTfjs } });
// Layers on images, channels last only: TF.js's data_format must be channels_last (its default),
// a global pooling's keepdims false. Sizes are whole numbers (the layer then bounds the image it
// makes, before anything is allocated); paddings and croppings are read in all of Keras's forms
// and saved as [[top, bottom], [left, right]].
const count = (v: unknown, p: string, min: number) => int(v, p, min, LIMITS.dim);
/** A number or [rows, cols]. */
const pairFromJson = (v: unknown, path: string, min: number): number | [number, number] => (typeof v === 'number' ? count(v, path, min) : arr(v, path, 2).map((d, i) => count(d, `${path}[${i}]`, min)) as [number, number]);
/** A number, [rows, cols] or [[top, bottom], [left, right]]. */
function sidesFromJson(v: unknown, path: string): number | [number, number] | [[number, number], [number, number]] {
  if (typeof v === 'number' || (Array.isArray(v) && typeof v[0] === 'number')) return pairFromJson(v, path, 0);
  return arr(v, path, 2).map((s, i) => arr(s, `${path}[${i}]`, 2).map((d, j) => count(d, `${path}[${i}][${j}]`, 0))) as [[number, number], [number, number]];
}
for (const [cls, kind, aliases] of [['GlobalAveragePooling2D', 'avg', ['GlobalAvgPool2D']], ['GlobalMaxPooling2D', 'max', ['GlobalMaxPool2D']]] as const) {
  const tfjs = (t: TfjsLayer): Json => {
    channelsLast(t);
    if (t.c.keepdims === true) throw new ModelFormatError(`${t.base.name} (${t.cls}): keepdims true is not supported by lepton (its output is [batch, channels])`);
    return base(t);
  };
  add(cls, { fromConfig: (c, path) => guard(path, () => new GlobalPooling2D(kind, baseArgs(c, path))), tfjs: Object.fromEntries([cls, ...aliases].map((n) => [n, tfjs])), rank: () => 1 });
}
add('UpSampling2D', {
  fromConfig(c, path) {
    const interpolation = opt(c.interpolation, str, `${path}.interpolation`);
    if (interpolation !== undefined && interpolation !== 'nearest' && interpolation !== 'bilinear') throw new ModelFormatError(`${path}.interpolation: ${JSON.stringify(interpolation)} is not supported by lepton; it has 'nearest' and 'bilinear'`);
    const halfPixelCenters = opt(c.halfPixelCenters, bool, `${path}.halfPixelCenters`);
    return guard(path, () => new UpSampling2D({ ...baseArgs(c, path), size: pairFromJson(c.size ?? 2, `${path}.size`, 1), interpolation, halfPixelCenters }));
  },
  tfjs: {
    UpSampling2D(t) {
      channelsLast(t);
      const interpolation = t.c.interpolation ?? 'nearest';
      if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new ModelFormatError(`${t.base.name} (UpSampling2D): interpolation ${JSON.stringify(interpolation).slice(0, 40)} is not supported by lepton; it has 'nearest' and 'bilinear'`);
      // TF.js's layer resizes without half-pixel centers (Keras's with them): its models keep TF.js's.
      const bilinear = interpolation === 'bilinear' ? { halfPixelCenters: false } : {};
      return { ...t.base, size: pairFromJson(t.c.size ?? 2, `${t.path}.config.size`, 1), interpolation, ...bilinear };
    },
  },
});
add('ZeroPadding2D', {
  fromConfig: (c, path) => guard(path, () => new ZeroPadding2D({ ...baseArgs(c, path), padding: sidesFromJson(c.padding ?? 1, `${path}.padding`) })),
  tfjs: { ZeroPadding2D: (t) => (channelsLast(t), { ...t.base, padding: sidesFromJson(t.c.padding ?? 1, `${t.path}.config.padding`) }) },
});
add('Cropping2D', {
  fromConfig: (c, path) => guard(path, () => new Cropping2D({ ...baseArgs(c, path), cropping: sidesFromJson(c.cropping ?? 0, `${path}.cropping`) })),
  tfjs: { Cropping2D: (t) => (channelsLast(t), { ...t.base, cropping: sidesFromJson(t.c.cropping ?? 0, `${t.path}.config.cropping`) }) },
});
