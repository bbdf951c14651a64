#!/usr/bin/python3
"""PyTorch peer of lepton's 16-Split example (examples/split16.ts; seed 000, tables 5-7): the same
56x56 canvases (the same Fashion-MNIST items at the same positions, from the same 32-bit linear
congruential generator), the same network, initialisation (Glorot-uniform kernels, zero biases,
as Keras), batch normalization as Keras has it (epsilon 1e-3, momentum 0.99, the moving variance
from the biased batch variance, one moving-average update per application of the shared encoder:
16 a step), optimizer (Adam 0.001, eps 1e-7), batch size 128 and epochs. The heads train on the
frozen code: the encoder in inference mode (moving statistics), its parameters without gradients.

TensorFlow's 'same' padding is reproduced exactly: a stride-2 3x3 convolution on an even input pads
0 rows/cols before and 1 after, and a stride-2 'same' transposed convolution keeps the first in*s
rows/cols of the full output.

  /usr/bin/python3 examples/peers/split16_torch.py [--epochs 5 --head-epochs 10 --train 5000 --test 1000]
    [--json examples/peers/split16_torch.json]
Prints one JSON object of results (and writes it to --json). Debian: apt-get install python3-torch
dataset-fashion-mnist.
"""
import argparse, gzip, json, math, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DIR = '/usr/share/datasets/fashion-mnist'
CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']
CANVAS, SPAN = 56, 28


def idx(name):
    with gzip.open(f'{DIR}/{name}', 'rb') as f:
        b = f.read()
    dims = b[3]
    shape = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def positions(n, seed, stream):
    """examples/split16-data.ts positions(): column, row of each item's top-left corner."""
    s = (seed * 7919 + stream) & 0xffffffff
    out = np.zeros((n, 2), dtype=np.int64)
    for i in range(n):
        for k in range(2):
            s = (s * 1664525 + 1013904223) & 0xffffffff
            out[i, k] = (s * (SPAN + 1)) >> 32
    return out


def canvases(items, pos):
    x = np.zeros((len(items), 1, CANVAS, CANVAS), dtype=np.float32)
    for i, (c, r) in enumerate(pos):
        x[i, 0, r:r + 28, c:c + 28] = items[i]
    return torch.from_numpy(x)


def keras_init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


class Same(nn.Module):
    """Conv2d (or ConvTranspose2d) 3x3 with TensorFlow's 'same' padding."""
    def __init__(self, cin, cout, s, transpose=False):
        super().__init__()
        self.conv = (nn.ConvTranspose2d if transpose else nn.Conv2d)(cin, cout, 3, s)
        self.s, self.transpose = s, transpose

    def forward(self, x):
        h = x.shape[-1]
        if self.transpose:
            y, out = self.conv(x), h * self.s
            lo = ((h - 1) * self.s + 3 - out) // 2
            return y[..., lo:lo + out, lo:lo + out]
        total = max((math.ceil(h / self.s) - 1) * self.s + 3 - h, 0)
        return self.conv(F.pad(x, (total // 2, total - total // 2, total // 2, total - total // 2)))


class KerasBatchNorm(nn.Module):
    """Keras BatchNormalization on [n, c]: biased batch variance, moving = 0.99 moving + 0.01 batch."""
    def __init__(self, c, momentum=0.99, eps=1e-3):
        super().__init__()
        self.gamma, self.beta = nn.Parameter(torch.ones(c)), nn.Parameter(torch.zeros(c))
        self.register_buffer('mean', torch.zeros(c))
        self.register_buffer('var', torch.ones(c))
        self.momentum, self.eps = momentum, eps

    def forward(self, x):
        if not self.training:
            return self.gamma * (x - self.mean) / torch.sqrt(self.var + self.eps) + self.beta
        m, v = x.mean(0), x.var(0, unbiased=False)
        with torch.no_grad():
            self.mean.mul_(self.momentum).add_((1 - self.momentum) * m)
            self.var.mul_(self.momentum).add_((1 - self.momentum) * v)
        return self.gamma * (x - m) / torch.sqrt(v + self.eps) + self.beta


class FlattenHWC(nn.Module):
    """Keras Flatten of channels-last features (so that dense weights see the same order)."""
    def forward(self, x):
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)


class Split16(nn.Module):
    """Table 5: one encoder applied to the sixteen 14x14 patches (row by row), codes concatenated to 64."""
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(Same(1, 32, 2), nn.ReLU(), Same(32, 64, 2), nn.ReLU(), FlattenHWC(),
                                     nn.Linear(4 * 4 * 64, 4), KerasBatchNorm(4), nn.Sigmoid())
        self.dense = nn.Linear(64, 1568)
        self.decoder = nn.Sequential(Same(8, 64, 2, True), nn.ReLU(), Same(64, 32, 2, True), nn.ReLU(), Same(32, 1, 1, True))

    def code(self, x):
        return torch.cat([self.encoder(x[..., 14 * r:14 * r + 14, 14 * c:14 * c + 14]) for r in range(4) for c in range(4)], 1)

    def forward(self, x):
        h = F.relu(self.dense(self.code(x))).view(-1, 14, 14, 8).permute(0, 3, 1, 2)  # Keras Reshape, channels last
        return self.decoder(h)


def head(units):  # tables 6-7
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, units))


def fit(net, params, inputs, y, epochs, loss_fn, seed, after_epoch=None):
    opt = torch.optim.Adam(params, lr=1e-3, eps=1e-7)
    g = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        perm, total = torch.randperm(len(inputs), generator=g), 0.0
        for i in range(0, len(inputs), 128):
            b = perm[i:i + 128]
            opt.zero_grad()
            loss = loss_fn(net(inputs[b]), y[b])
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        losses.append(total / len(inputs))
        print(f'epoch {len(losses)}/{epochs}: loss {losses[-1]:.5f}', file=sys.stderr, flush=True)
        if after_epoch:
            after_epoch()
    return losses


def batched(f, x, n=250):
    with torch.no_grad():
        return torch.cat([f(x[i:i + n]) for i in range(0, len(x), n)])


def binomial(k, n):
    e = k / n if n else 0.0
    return f'{100 * e:.1f} ± {100 * math.sqrt(e * (1 - e) / n) if n else 0:.1f}'


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--head-epochs', type=int, default=10)
    p.add_argument('--train', type=int, default=5000)
    p.add_argument('--test', type=int, default=1000)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--json')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr_items, xte_items = idx('train-images-idx3-ubyte.gz')[:a.train] / 255.0, idx('t10k-images-idx3-ubyte.gz')[:a.test] / 255.0
    ytr = torch.tensor(idx('train-labels-idx1-ubyte.gz')[:a.train], dtype=torch.long)
    yte = torch.tensor(idx('t10k-labels-idx1-ubyte.gz')[:a.test], dtype=torch.long)
    ptr, pte = positions(len(ytr), a.seed, 1), positions(len(yte), a.seed, 2)
    xtr, xte = canvases(xtr_items, ptr), canvases(xte_items, pte)
    t0 = time.time()
    net = Split16()
    net.apply(keras_init)
    val = []

    def test_loss():
        net.eval()
        val.append(F.mse_loss(batched(net, xte), xte).item())
        net.train()
    losses = fit(net, net.parameters(), xtr, xtr, a.epochs, F.mse_loss, a.seed, test_loss)
    net.eval()
    r = {'test reconstruction MSE': val[-1], 'loss per epoch': losses, 'test loss per epoch': val,
         'trainable parameters': sum(q.numel() for q in net.parameters()), 'autoencoder seconds': round(time.time() - t0)}
    for q in net.parameters():
        q.requires_grad_(False)  # frozen: the heads train on the code in inference mode
    ctr, cte = batched(net.code, xtr), batched(net.code, xte)
    clf, reg = head(10), head(2)
    clf.apply(keras_init), reg.apply(keras_init)
    r['16S-C loss per epoch'] = fit(clf, clf.parameters(), ctr, ytr, a.head_epochs, F.cross_entropy, a.seed + 1)
    pred = batched(clf, cte).argmax(1)
    for c, name in enumerate(CLASSES):
        m = yte == c
        r[f'16S-C: {name} [%]'] = binomial(int((pred[m] == c).sum()), int(m.sum()))
    r['16S-C: test accuracy [%]'] = binomial(int((pred == yte).sum()), len(yte))
    target = torch.tensor(ptr, dtype=torch.float32) / SPAN
    r['16S-R loss per epoch'] = fit(reg, reg.parameters(), ctr, target, a.head_epochs, F.mse_loss, a.seed + 2)
    res = batched(reg, cte) * SPAN - torch.tensor(pte, dtype=torch.float32)
    rms = res.pow(2).mean(0).sqrt()
    r['16S-R: position resolution, column (px)'], r['16S-R: position resolution, row (px)'] = rms[0].item(), rms[1].item()
    r.update({'epochs': a.epochs, 'head epochs': a.head_epochs, 'training images': len(xtr), 'test images': len(xte), 'seed': a.seed,
              'seconds': round(time.time() - t0), 'torch': torch.__version__})
    print(json.dumps(r, ensure_ascii=False))
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(r, f, ensure_ascii=False, indent=1)
            f.write('\n')


if __name__ == '__main__':
    main()
