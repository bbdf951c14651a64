// The examples `lepton train <name>` knows, each also a plain script in this folder.
import type { ExampleOptions, ExampleResult } from './example.js';

export interface ExampleEntry {
  name: string;
  source: string;
  description: string;
  load: () => Promise<{ run: (o?: ExampleOptions) => Promise<ExampleResult> }>;
}

export const examples: ExampleEntry[] = [
  { name: 'earthquake', source: 'seed 004', description: 'epicenters from P/S arrival times at 4 stations; 8-64-64-64-2 tanh, MSE, Adam; vs a least-squares inversion', load: () => import('./earthquake.js') },
  { name: 'x-squared', source: 'seed 002', description: 'y = x² with noise: 1:50:1 vs 1:50:50:1 ReLU networks, Adam', load: () => import('./x-squared.js') },
  { name: 'autoencoder-pca', source: 'seed 000 §2', description: 'a linear undercomplete autoencoder finds the PCA subspace (principal angles < 5°)', load: () => import('./autoencoder-pca.js') },
  { name: 'fashion-mnist', source: 'Debian dataset-fashion-mnist', description: 'MLP 784-256-128-10 classifier, test accuracy ≥ 0.88', load: () => import('./fashion-mnist.js') },
  { name: 'galaxy-spin', source: 'seed 004', description: '32×32 spiral galaxies by rotation direction: softmax over two classes, cross-entropy, accuracy ≥ 0.95', load: () => import('./galaxy-spin.js') },
  { name: 'signal-vs-background', source: 'seed 002', description: 'a 5% signal under a dominant background, with and without class weights: ROC, AUC, efficiencies with binomial errors', load: () => import('./signal-vs-background.js') },
  { name: 'deep-sigmoid-vs-selu', source: 'seed 004', description: 'vanishing gradients in a 16-layer sigmoid net vs SELU + lecunNormal, per-layer gradient norms', load: () => import('./deep-sigmoid-vs-selu.js') },
  // issue 16: seed 002's perceptron, adversarial examples and GANs
  { name: 'perceptron', source: 'seed 002', description: "Rosenblatt's perceptron rule: converges on a separable set, never on XOR; a 2-8-1 MLP trained by backpropagation solves XOR", load: () => import('./perceptron.js') },
  { name: 'adversarial', source: 'seed 002', description: 'FGSM adversarial examples on a Fashion-MNIST MLP and a small CNN (accuracy against ε, the panda → gibbon figure) and adversarial training of both with Goodfellow\'s objective', load: () => import('./adversarial.js') },
  { name: 'gan-ring', source: 'seed 002', description: 'a GAN on a ring of 8 Gaussians (the Keras trainable-at-compile recipe, non-saturating loss): mode coverage ≥ 7 of 8; beside it the saturating loss on the same seed (mode coverage and G\'s gradient norm)', load: () => import('./gan-ring.js') },
  { name: 'dcgan', source: 'seed 002', description: 'a DCGAN on Fashion-MNIST (tanh conv2dTranspose generator with batch norm, leaky-ReLU conv2d discriminator), scored by a lepton CNN classifier: fraction confident ≥ 0.9, class-histogram entropy, Inception score', load: () => import('./dcgan.js') },
];

// Issue 15: seed 000's convolutional autoencoders and seed 002's CNN.
examples.push(
  { name: 'lenet', source: 'seed 002', description: 'LeNet-style CNN (conv 5×5 32, pool, conv 5×5 64, pool, dense 1024, 10) on Fashion-MNIST: per-class accuracy ± binomial error, filters and feature maps', load: () => import('./lenet.js') },
);
examples.push(
  { name: 'resolution', source: 'seed 002', description: 'resolution matters: the LeNet-style CNN on 28×28 and 2×2-average-pooled 14×14 Fashion-MNIST, per-class accuracy ± binomial error in the MicroBooNE table format', load: () => import('./resolution.js') },
);
examples.push(
  { name: 'conv-autoencoders', source: 'seed 000 tables 1–2', description: 'CAE and FCAE exactly as tabled on Fashion-MNIST: test reconstruction MSE, loss curves, originals above reconstructions', load: () => import('./conv-autoencoders.js') },
  { name: 'split-autoencoders', source: 'seed 000 tables 3–4', description: '4S and F4S: four 14×14 cropping2d patches through free or shared encoders, free vs shared loss over the epochs (figure 3)', load: () => import('./split-autoencoders.js') },
);
// issue 17: seed 002's jet flavour committee of experts
examples.push(
  { name: 'jet-flavour', source: 'seed 002', description: 'simulated b, c and light jets: feed-forward and LSTM experts on tracks, vertices and both, and committees of them (functional API): b-vs-light AUC ± Hanley–McNeil, ROC of the best expert vs the committee', load: () => import('./jet-flavour.js') },
);
examples.push(
  { name: 'split16', source: 'seed 000 tables 5–7, §5', description: '16S: sixteen 14×14 patches of a 56×56 canvas through one shared encoder (dense 4, batch norm, sigmoid), code 64, decoded to 56×56; classifier and position-regressor heads on the frozen code; weight histograms per layer', load: () => import('./split16.js') },
);
