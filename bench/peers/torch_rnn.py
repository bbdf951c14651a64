#!/usr/bin/env python3
# PyTorch (native, CPU, 1 thread) as the peer of bench/recurrent.bench.ts: train an LSTM(64) or a
# GRU(64) over 30 timesteps of 8 features → Linear(64, 3), softmax cross-entropy, batch 128,
# Adam 1e-3 (ε 1e-7 as Keras and lepton), on random sequences with the same learnable label as
# the TypeScript side (the sign pattern of two features' sums over time).
#   /usr/bin/python3 bench/peers/torch_rnn.py lstm|gru [quick 0|1]
# Prints one JSON line: {"torch": version, "runs": [samples/s, ...]} (or {"missing": why}).
# Warm-up of 2 epochs over 8 batches (the loss must fall), then three timed runs of ≥ 2 s (0.5 s
# quick) of whole epochs, samples/s each.
import json
import sys
import time

try:
    import torch
    from torch import nn
except ImportError as e:
    print(json.dumps({"missing": str(e)}))
    sys.exit(0)

T, F, UNITS, CLASSES, BATCH = 30, 8, 64, 3, 128
cell, quick = sys.argv[1], sys.argv[2] == "1" if len(sys.argv) > 2 else False
torch.set_num_threads(1)
torch.manual_seed(1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(F, UNITS, batch_first=True)
        self.out = nn.Linear(UNITS, CLASSES)

    def forward(self, x):
        _, h = self.rnn(x)
        h = h[0] if cell == "lstm" else h
        return self.out(h[-1])


n = BATCH * 8
x = torch.rand(n, T, F) * 2 - 1
a, b = x[:, :, 0].sum(1), x[:, :, 1].sum(1)
y = torch.where(a > 0, torch.where(b > 0, 2, 1), 0).long()
net = Net()
opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()


def epoch():
    perm = torch.randperm(n)
    total = 0.0
    for i in range(0, n, BATCH):
        idx = perm[i:i + BATCH]
        opt.zero_grad()
        loss = loss_fn(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        total += loss.item()
    return total / (n // BATCH)


l0 = epoch()
t0 = time.perf_counter()
l1 = epoch()
rate = n / (time.perf_counter() - t0)
if not l1 < l0:
    raise SystemExit(f"did not learn in the warm-up: {l0} {l1}")
seconds = 0.5 if quick else 2.0
epochs = max(1, round(rate * seconds / n))
runs = []
for _ in range(3):
    t = time.perf_counter()
    for _ in range(epochs):
        epoch()
    runs.append(epochs * n / (time.perf_counter() - t))
print(json.dumps({"torch": torch.__version__, "runs": runs}))
