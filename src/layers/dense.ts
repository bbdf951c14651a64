// Dense: y = act(x·W + b), W [inputDim, units] (Keras layout), b [units]. Seed 000 eqs. (4)–(9):
// backward turns dy into dz = dy ⊙ act'(z), then dW = xᵀ·dz, db = Σ_batch dz, dx = dz·Wᵀ.

import { getActivation, type ActivationSpec } from '../activations.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import { checkOptions, type Keys } from '../options.js';
import { ShapeError } from '../tensor.js';
import type { Kernels } from '../wasm/kernels.js';
import { initializerConfig, lastStep, Layer, layerKeys, outputBuf, regularizerConfig, type Buf, type Ctx, type LayerArgs, type Regularizer, type Weight } from './layer.js';
import { onnxOps, type OnnxGraph } from './onnx.js';

export interface DenseArgs extends LayerArgs {
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
}

const denseKeys: Keys<DenseArgs> = {
  ...layerKeys, activation: true, useBias: true, kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true,
};

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationSpec;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  private readonly args: DenseArgs;
  kernel!: Weight;
  bias?: Weight;

  constructor(units: number, args: DenseArgs = {}) {
    checkOptions('layers.dense', args, denseKeys);
    super('dense', args);
    if (!Number.isInteger(units) || units <= 0) throw new RangeError(`${this.name}: units must be a whole number > 0, got ${units}`);
    this.units = units;
    this.activation = getActivation(args.activation, this.name);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform', this.name);
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', this.name);
    this.args = args;
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 1) {
      throw new ShapeError(`${this.name} expects a flat input [*, features], got [*, ${inputShape.join(', ')}]; add a flatten() layer before it`);
    }
    return [this.units];
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    this.kernel = this.addWeight('kernel', [inputShape[0], this.units], this.kernelInitializer, { regularizer: this.args.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInitializer, { regularizer: this.args.biasRegularizer });
  }

  override outputActivation(): 'softmax' | 'sigmoid' | undefined {
    return lastStep(this.activation);
  }

  forward(x: Buf, ctx: Ctx, logits = false): Buf {
    this.checkInput(x);
    const { k } = ctx;
    const y = outputBuf(ctx, x.rows, this.units); // gemm writes it whole
    const act = this.activation;
    const fusedCode = logits || act.name === 'softmax' ? 0 : act.code;
    k.f32_gemm_nn_bias_act(x.rows, this.units, x.cols, x.ptr, x.cols, this.kernel.ptr, this.units, y.ptr, this.units,
      this.bias ? this.bias.ptr : 0, fusedCode, act.alpha, ctx.ws);
    if (act.name === 'softmax' && !logits) k.f32_softmax(y.ptr, y.ptr, y.rows, y.cols);
    ctx.saved.x = x; // (batch, inputDim)
    ctx.saved.y = y; // (batch, units): the output, or the logits
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean, logits = false): Buf | null {
    const { k } = ctx;
    const { x, y } = ctx.saved as { x: Buf; y: Buf };
    const n = this.units;
    let dz = dy; // (batch, units)
    if (!logits && this.activation.name === 'softmax') {
      dz = outputBuf(ctx, dy.rows, n);
      k.f32_softmax_grad(y.ptr, dy.ptr, dz.ptr, dy.rows, n);
    } else if (!logits && this.activation.name !== 'linear') {
      k.f32_activation_grad(y.ptr, dy.ptr, dy.ptr, dy.rows * n, this.activation.code, this.activation.alpha);
    }
    if (this.trainsNow) {
      // dW (inputDim × units) (+)= xᵀ·dz;  db (+)= column sums of dz
      k.f32_gemm_tn(x.cols, n, x.rows, x.ptr, x.cols, dz.ptr, n, this.kernel.gradPtr, n, acc ? 1 : 0, ctx.ws);
      if (this.bias) k.f32_col_sum(dz.ptr, this.bias.gradPtr, dz.rows, n, acc ? 1 : 0);
    }
    if (!needDx) return null;
    // dx (batch × inputDim) = dz·Wᵀ
    const dx = outputBuf(ctx, x.rows, x.cols);
    k.f32_gemm_nt(x.rows, x.cols, n, dz.ptr, n, this.kernel.ptr, n, dx.ptr, x.cols, 0, ctx.ws);
    return dx;
  }

  override workspace(k: Kernels, rows: number): number {
    const i = this.inputShape![0], n = this.units;
    return Math.max(k.f32_gemm_workspace(rows, n, i), k.f32_gemm_workspace(i, n, rows), k.f32_gemm_workspace(rows, i, n));
  }

  getConfig(): Record<string, unknown> {
    const { useBias, args } = this;
    return this.config({
      units: this.units, activation: this.activation.name, useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer), biasInitializer: initializerConfig(useBias ? this.biasInitializer : null),
      kernelRegularizer: regularizerConfig(args.kernelRegularizer), biasRegularizer: useBias ? regularizerConfig(args.biasRegularizer) : null,
    });
  }

  /** Gemm (MatMul without a bias), then the activation unless linear. */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    const [kernel, bias] = g.weights(this);
    const w = g.constant(`${this.name}/kernel`, kernel, this.kernel.shape);
    const z = this.activation.name === 'linear' ? output : g.fresh(`${this.name}/z`);
    if (bias) g.node('Gemm', [x, w, g.constant(`${this.name}/bias`, bias, [bias.length])], z);
    else g.node('MatMul', [x, w], z);
    if (z !== output) onnxOps.activation(g, z, this.activation, output);
  }
}
