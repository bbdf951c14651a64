#!/usr/bin/env python3
# PyTorch (native, CPU) as the peer of the convolutional training benchmark (bench/train-cnn.bench.ts):
#   /usr/bin/python3 bench/peers/torch_cnn.py '<task json>'
# with the task {"model": "lenet" | "cae", "threads": 1 | 2, "quick": bool, "file": "<path>", "n": rows}
# where `file` holds x [n, 28, 28, 1] float32 then y [n] float32 (class indices), written by the
# TypeScript side (the same Fashion-MNIST images lepton trains on). Prints one JSON line:
# {"torch": version, "threads": n, "runs": [...], "median": samples/s, "stepsPerRun", "loss": {...}},
# or {"missing": why} when torch or numpy cannot be imported.
#
# The models, as lepton's side builds them (NCHW here; the images are transposed once, up front):
#   lenet  conv 5×5 32 'same' relu, maxpool 2, conv 5×5 64 'same' relu, maxpool 2, dense 1024 relu,
#          dense 10, softmax cross-entropy on the logits
#   cae    seed 000 table 1: conv 3×3 32 s2 'same' relu, conv 3×3 64 s2 'same' relu, flatten, dense 16
#          sigmoid, dense 392 relu, reshape 7×7×8, convT 3×3 64 s2 'same' relu, convT 3×3 32 s2
#          'same' relu, convT 3×3 1 s1 'same' linear; MSE against the input
# TensorFlow's 'same' for a stride-2 3×3 conv on an even size pads 0 above/left and 1 below/right;
# PyTorch's padding=1 pads 1 on each side, which gives the same output size and the same work, so
# the timing does not depend on it (the transposed 'same' convs: padding=1, output_padding=1).
# Adam 1e-3 (β 0.9/0.999, ε 1e-7), batch 128, each step gathers a shuffled batch from the host
# tensor and reads the loss back; warm-up (the loss must fall), then three timed runs of ≥ `seconds`.
import json
import math
import sys
import time

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as e:
    print(json.dumps({"missing": str(e)}))
    sys.exit(0)


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 1024), nn.ReLU(), nn.Linear(1024, 10))


def cae():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 16), nn.Sigmoid(), nn.Linear(16, 392), nn.ReLU(),
        nn.Unflatten(1, (8, 7, 7)),
        nn.ConvTranspose2d(8, 64, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 3, stride=1, padding=1))


def main():
    task = json.loads(sys.argv[1])
    torch.set_num_threads(task["threads"])
    n, b = task["n"], 128
    seconds = 0.5 if task.get("quick") else 2.0
    with open(task["file"], "rb") as f:
        x = np.fromfile(f, dtype="<f4", count=n * 784).reshape(n, 28, 28, 1)
        y = np.fromfile(f, dtype="<f4", count=n)
    x = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    y = torch.from_numpy(y.astype(np.int64))
    torch.manual_seed(1)
    classify = task["model"] == "lenet"
    model = lenet() if classify else cae()
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    loss_fn = nn.CrossEntropyLoss() if classify else nn.MSELoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    gen = torch.Generator().manual_seed(1)
    state = {"order": torch.randperm(n, generator=gen), "at": 0}

    def step():
        if state["at"] + b > n:
            state["order"] = torch.randperm(n, generator=gen)
            state["at"] = 0
        idx = state["order"][state["at"]:state["at"] + b]
        state["at"] += b
        xb = x.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), y.index_select(0, idx) if classify else xb)
        loss.backward()
        opt.step()
        return loss.item()

    warm = []
    t0 = time.perf_counter()
    while len(warm) < 10 or time.perf_counter() - t0 < 0.5 * seconds:
        warm.append(step())
    k = min(5, len(warm) // 2)
    start, end = sum(warm[:k]) / k, sum(warm[-k:]) / k
    if not end < start:
        raise RuntimeError(f"torch_cnn: the loss did not fall over the warm-up ({start:.4f} -> {end:.4f})")
    t0 = time.perf_counter()
    for _ in range(3):
        step()
    per_step = (time.perf_counter() - t0) / 3
    steps = max(3, math.ceil(seconds / per_step))
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(steps):
            last = step()
        runs.append(steps * b / (time.perf_counter() - t0))
    s = sorted(runs)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "runs": runs, "median": s[1],
                      "stepsPerRun": steps, "loss": {"start": start, "end": last}, "blas": torch.__config__.show().count("openblas") > 0}))


if __name__ == "__main__":
    main()
