#!/usr/bin/python3
"""PyTorch peers of lepton's convolutional examples (issue 15): the same architectures, data,
initialisation (Glorot uniform kernels, zero biases, as Keras), optimizer (Adam 0.001, eps 1e-7 as
Keras), batch sizes and epochs, so that the README can put PyTorch's figures beside lepton's.

TensorFlow's 'same' padding is reproduced exactly: a stride-2 3×3 convolution on an even input pads
0 rows/cols before and 1 after (F.pad), and a stride-2 'same' transposed convolution keeps the first
in·s rows/cols of the full output (PyTorch's padding/output_padding would crop the other side).

  /usr/bin/python3 examples/peers/cnn_torch.py lenet --epochs 10 [--train 60000 --test 10000]
  /usr/bin/python3 examples/peers/cnn_torch.py resolution|cae|fcae|4s|f4s ...
Prints one JSON object of results. Debian: apt-get install python3-torch dataset-fashion-mnist.
"""
import argparse, gzip, json, math, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DIR = '/usr/share/datasets/fashion-mnist'
CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']


def idx(name):
    with gzip.open(f'{DIR}/{name}', 'rb') as f:
        b = f.read()
    dims = b[3]
    shape = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def data(n_train, n_test):
    xtr = torch.tensor(idx('train-images-idx3-ubyte.gz')[:n_train], dtype=torch.float32).div_(255).unsqueeze(1)
    ytr = torch.tensor(idx('train-labels-idx1-ubyte.gz')[:n_train], dtype=torch.long)
    xte = torch.tensor(idx('t10k-images-idx3-ubyte.gz')[:n_test], dtype=torch.float32).div_(255).unsqueeze(1)
    yte = torch.tensor(idx('t10k-labels-idx1-ubyte.gz')[:n_test], dtype=torch.long)
    return xtr, ytr, xte, yte


def keras_init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


class SameConv(nn.Module):
    """Conv2d with TensorFlow's 'same' (or 'valid') padding."""
    def __init__(self, cin, cout, k, s=1, padding='same'):
        super().__init__()
        self.conv, self.k, self.s, self.padding = nn.Conv2d(cin, cout, k, s), k, s, padding

    def forward(self, x):
        if self.padding == 'same':
            h = x.shape[-1]
            out = math.ceil(h / self.s)
            total = max((out - 1) * self.s + self.k - h, 0)
            x = F.pad(x, (total // 2, total - total // 2, total // 2, total - total // 2))
        return self.conv(x)


class SameConvT(nn.Module):
    """ConvTranspose2d with TensorFlow's 'same' (output in·s, cropped at the end) or 'valid'."""
    def __init__(self, cin, cout, k, s=1, padding='same'):
        super().__init__()
        self.conv, self.k, self.s, self.padding = nn.ConvTranspose2d(cin, cout, k, s), k, s, padding

    def forward(self, x):
        h = x.shape[-1]
        y = self.conv(x)
        if self.padding == 'same':
            out = h * self.s
            total = (h - 1) * self.s + self.k - out
            y = y[..., total // 2:total // 2 + out, total // 2:total // 2 + out]
        return y


def lenet(size):
    flat = 64 * (size // 4) ** 2
    return nn.Sequential(SameConv(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2), SameConv(32, 64, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(flat, 1024), nn.ReLU(), nn.Linear(1024, 10))  # softmax in the loss


class Unflatten(nn.Module):
    """Keras Reshape of a channels-last [h, w, c] to PyTorch's [c, h, w]."""
    def __init__(self, h, w, c):
        super().__init__()
        self.h, self.w, self.c = h, w, c

    def forward(self, x):
        return x.view(-1, self.h, self.w, self.c).permute(0, 3, 1, 2)


class FlattenHWC(nn.Module):
    """Keras Flatten of channels-last features (so that dense weights see the same order)."""
    def forward(self, x):
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)


def cae():  # seed 000, table 1
    return nn.Sequential(SameConv(1, 32, 3, 2), nn.ReLU(), SameConv(32, 64, 3, 2), nn.ReLU(), FlattenHWC(),
                         nn.Linear(7 * 7 * 64, 16), nn.Sigmoid(), nn.Linear(16, 392), nn.ReLU(), Unflatten(7, 7, 8),
                         SameConvT(8, 64, 3, 2), nn.ReLU(), SameConvT(64, 32, 3, 2), nn.ReLU(), SameConvT(32, 1, 3, 1))


def fcae():  # seed 000, table 2
    return nn.Sequential(SameConv(1, 32, 3, 2), nn.ReLU(), SameConv(32, 64, 3, 2), nn.ReLU(), SameConv(64, 1, 4, 1, 'valid'), nn.Sigmoid(),
                         SameConvT(1, 1, 4, 1, 'valid'), nn.ReLU(), SameConvT(1, 64, 3, 2), nn.ReLU(), SameConvT(64, 32, 3, 2), nn.ReLU(),
                         SameConvT(32, 1, 3, 1))


def patch_encoder(kind):  # seed 000, tables 3 (4S) and 4 (F4S): [1, 14, 14] -> 4
    head = [FlattenHWC(), nn.Linear(4 * 4 * 64, 4), nn.Sigmoid()] if kind == '4s' else [SameConv(64, 1, 3, 1, 'valid'), nn.Sigmoid(), nn.Flatten()]
    return nn.Sequential(SameConv(1, 32, 3, 2), nn.ReLU(), SameConv(32, 64, 3, 2), nn.ReLU(), *head)


class Split(nn.Module):
    """Four 14x14 quarters through four encoders (free) or one (shared), codes concatenated to 16."""
    def __init__(self, kind, shared):
        super().__init__()
        one = patch_encoder(kind)
        self.encoders = nn.ModuleList([one] * 4 if shared else [patch_encoder(kind) for _ in range(4)])
        if kind == '4s':  # table 3's last stride 2 would give 56x56; 1 as in table 1 (as lepton's example)
            self.decoder = nn.Sequential(nn.Linear(16, 392), nn.ReLU(), Unflatten(7, 7, 8), SameConvT(8, 64, 3, 2), nn.ReLU(),
                                         SameConvT(64, 32, 3, 2), nn.ReLU(), SameConvT(32, 1, 3, 1))
        else:
            self.decoder = nn.Sequential(Unflatten(4, 4, 1), SameConvT(1, 1, 4, 1, 'valid'), nn.ReLU(), SameConvT(1, 64, 3, 2), nn.ReLU(),
                                         SameConvT(64, 32, 3, 2), nn.ReLU(), SameConvT(32, 1, 3, 1))

    def forward(self, x):
        quarters = [x[..., :14, :14], x[..., :14, 14:], x[..., 14:, :14], x[..., 14:, 14:]]
        return self.decoder(torch.cat([e(q) for e, q in zip(self.encoders, quarters)], 1))


def binomial(k, n):
    e = k / n if n else 0.0
    return f'{100 * e:.1f} ± {100 * math.sqrt(e * (1 - e) / n) if n else 0:.1f}'


def fit(net, x, y, epochs, batch, loss_fn, seed):
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    g = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        perm, total = torch.randperm(len(x), generator=g), 0.0
        for i in range(0, len(x), batch):
            b = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(net(x[b]), y[b])
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        losses.append(total / len(x))
    return losses


def classify(size, a, xtr, ytr, xte, yte):
    torch.manual_seed(a.seed)
    net = lenet(size)
    net.apply(keras_init)
    if size == 14:
        xtr, xte = F.avg_pool2d(xtr, 2), F.avg_pool2d(xte, 2)
    losses = fit(net, xtr, ytr, a.epochs, 64, F.cross_entropy, a.seed)
    with torch.no_grad():
        pred = torch.cat([net(xte[i:i + 500]).argmax(1) for i in range(0, len(xte), 500)])
    r = {'test accuracy': (pred == yte).float().mean().item(), 'loss per epoch': losses}
    for c, name in enumerate(CLASSES):
        m = yte == c
        r[f'{name} [%]'] = binomial(int((pred[m] == c).sum()), int(m.sum()))
    r['all [%]'] = binomial(int((pred == yte).sum()), len(yte))
    return r


def reconstruct(make, a, xtr, xte):
    torch.manual_seed(a.seed)
    net = make()
    net.apply(keras_init)
    losses = fit(net, xtr, xtr, a.epochs, 128, F.mse_loss, a.seed)
    with torch.no_grad():
        rec = torch.cat([net(xte[i:i + 500]) for i in range(0, len(xte), 500)])
    return {'test reconstruction MSE': F.mse_loss(rec, xte).item(), 'loss per epoch': losses,
            'trainable parameters': sum(p.numel() for p in net.parameters())}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('example', choices=['lenet', 'resolution', 'cae', 'fcae', '4s', 'f4s'])
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--train', type=int, default=60000)
    p.add_argument('--test', type=int, default=10000)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    xtr, ytr, xte, yte = data(a.train, a.test)
    t0 = time.time()
    if a.example == 'lenet':
        r = classify(28, a, xtr, ytr, xte, yte)
    elif a.example == 'resolution':
        r = {'HiRes': classify(28, a, xtr, ytr, xte, yte), 'LoRes': classify(14, a, xtr, ytr, xte, yte)}
    elif a.example in ('4s', 'f4s'):
        r = {w: reconstruct(lambda: Split(a.example, w == 'shared'), a, xtr, xte) for w in ('free', 'shared')}
    else:
        r = reconstruct(cae if a.example == 'cae' else fcae, a, xtr, xte)
    r.update({'example': a.example, 'epochs': a.epochs, 'training images': len(xtr), 'test images': len(xte),
              'seconds': round(time.time() - t0), 'torch': torch.__version__})
    print(json.dumps(r, ensure_ascii=False))


if __name__ == '__main__':
    main()
