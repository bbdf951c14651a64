#!/usr/bin/env python3
# PyTorch (native, CPU) as a peer of the training and inference benchmarks. Run by
# bench/peers/torch.ts, one task per process:
#   /usr/bin/python3 bench/peers/torch_bench.py '<task json>'
# with the task
#   {"section": "train" | "predict", "model": "fashion" | "earthquake", "threads": 1 | 2,
#    "quick": bool, "file": "<path>", "arrays": [{"name", "dtype", "shape"}, ...]}
# where `file` holds the arrays back to back (little-endian, in the order listed), written by the
# TypeScript side so every implementation runs the same data, weights and reference:
#   train:   x [n, inputs] float32, y [n] (class indices, fashion) or [n, outputs] float32
#   predict: w0 b0 w1 b1 w2 b2 (kernels [in, out], as lepton's), x [1024, 784] float32,
#            ref [1024, 10] float64 (the float64 forward pass of bench/infer.bench.ts)
# Prints one JSON line on stdout: {"torch": version, "threads": n, ...results}; or
# {"missing": why} when torch or numpy cannot be imported. Any other failure (outputs off the
# reference, a loss that does not fall) raises, so the row is reported as failed.
#
# Mirrors the other sides (bench/train-mlp.bench.ts, bench/peers/tfjs-train.ts, bench/infer.bench.ts):
#   train   the same MLP (Glorot-uniform kernels, zero biases), Adam 1e-3 (β 0.9/0.999, ε 1e-7 as
#           Keras and lepton), softmax cross-entropy on logits or MSE, the same batch size; each
#           step gathers a shuffled batch from the host tensors (reshuffled each epoch) and reads
#           the loss back. Warm-up (≥ 20 steps and half a run), then three timed runs of a fixed
#           number of steps lasting ≥ `seconds` each; median samples/s. The loss must fall over the
#           warm-up before timing, and be finite and below its start after the timed runs.
#   predict nn.Sequential(Linear, ReLU, Linear, ReLU, Linear, Softmax) under torch.inference_mode(),
#           numpy array in, numpy probabilities out. Checked against the float64 reference at
#           batch 1024 and batch 1 (|Δ| ≤ 1e-4); batch-1 latency: groups of calls lasting ≥ 20 ms,
#           median of the groups' mean µs per call; batch-1024 throughput: median samples/s.
#
# Seen with Debian's torch 1.13 + OpenBLAS (OpenMP) on a 2-core machine: a 1-row Linear goes to
# OpenBLAS sgemm (not gemv), which packs the whole 784×256 weight per call, so batch 1 costs
# ~75 µs (torch.mv on that weight: ~11 µs; torch.utils.mkldnn and jit.optimize_for_inference are
# slower still at batch 1). The default thread count here is 1, hence set_num_threads always. On 2
# threads OpenBLAS splits even 32×64 gemms, and while another process keeps both cores busy the
# OpenMP barriers stall for scheduler ticks (10-30× slower runs): 2-thread rows need an idle machine.
import json
import math
import sys
import time

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as e:  # reported as "not installed" by the TypeScript side
    print(json.dumps({"missing": str(e)}))
    sys.exit(0)

# The benchmark models, as MODELS in bench/peers/tfjs-train.ts.
MODELS = {
    "fashion": {"units": [784, 256, 128, 10], "activation": "relu", "batch": 128},
    "earthquake": {"units": [8, 64, 64, 64, 2], "activation": "tanh", "batch": 32},
}


def read_arrays(task):
    out = {}
    with open(task["file"], "rb") as f:
        for a in task["arrays"]:
            count = math.prod(a["shape"])
            data = np.fromfile(f, dtype=np.dtype(a["dtype"]).newbyteorder("<"), count=count)
            if data.size != count:
                raise RuntimeError(f"torch_bench: {task['file']} ends inside {a['name']}")
            out[a["name"]] = data.reshape(a["shape"])
    return out


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def now():
    return time.perf_counter()


def train(task, arrays):
    spec = MODELS[task["model"]]
    units, b = spec["units"], spec["batch"]
    seconds = 0.5 if task.get("quick") else 2.0
    fashion = task["model"] == "fashion"
    x = torch.from_numpy(arrays["x"])
    n = x.shape[0]
    if x.shape[1] != units[0]:
        raise RuntimeError(f"torch_bench: data has {x.shape[1]} inputs, the model {units[0]}")
    y = torch.from_numpy(arrays["y"].astype(np.int64) if fashion else arrays["y"])

    torch.manual_seed(1)
    mods = []
    for i in range(len(units) - 1):
        lin = nn.Linear(units[i], units[i + 1])
        nn.init.xavier_uniform_(lin.weight)
        nn.init.zeros_(lin.bias)
        mods.append(lin)
        if i + 2 < len(units):
            mods.append(nn.ReLU() if spec["activation"] == "relu" else nn.Tanh())
    model = nn.Sequential(*mods)  # logits (fashion) or outputs (earthquake); softmax sits in the loss
    loss_fn = nn.CrossEntropyLoss() if fashion else nn.MSELoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    gen = torch.Generator().manual_seed(1)
    state = {"order": torch.randperm(n, generator=gen), "at": 0}

    def step():
        if state["at"] + b > n:
            state["order"] = torch.randperm(n, generator=gen)
            state["at"] = 0
        idx = state["order"][state["at"]:state["at"] + b]
        state["at"] += b
        xb, yb = x.index_select(0, idx), y.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()

    # Warm-up: at least 20 steps and half a run, as the TF.js peer.
    warm = []
    t0 = now()
    while len(warm) < 20 or now() - t0 < 0.5 * min(1.0, seconds):
        warm.append(step())
    k = min(10, len(warm) // 2)
    start, end = sum(warm[:k]) / k, sum(warm[-k:]) / k
    if not (end < start):
        raise RuntimeError(f"torch_bench: the loss did not fall over the warm-up ({start:.4f} -> {end:.4f})")

    probe = 5
    t0 = now()
    for _ in range(probe):
        step()
    per_step = (now() - t0) / probe
    steps = max(10, math.ceil(seconds / per_step))
    runs, last = [], []
    for _ in range(3):
        t0 = now()
        losses = [step() for _ in range(steps)]
        runs.append(steps * b / (now() - t0))
        last = losses
    final = sum(last[-k:]) / k
    if not (math.isfinite(final) and final < start):
        raise RuntimeError(f"torch_bench: the loss is {final} after the timed runs, {start} at the start")
    return {"runs": runs, "median": median(runs), "stepsPerRun": steps, "batchSize": b,
            "loss": {"start": start, "end": final}}


def predict(task, arrays):
    units = MODELS["fashion"]["units"]
    quick = task.get("quick")
    lins = [nn.Linear(units[i], units[i + 1]) for i in range(3)]
    with torch.no_grad():
        for i, lin in enumerate(lins):
            lin.weight.copy_(torch.from_numpy(arrays[f"w{i}"]).t())  # lepton's kernel is [in, out]
            lin.bias.copy_(torch.from_numpy(arrays[f"b{i}"]))
    model = nn.Sequential(lins[0], nn.ReLU(), lins[1], nn.ReLU(), lins[2], nn.Softmax(dim=1)).eval()
    x, ref = arrays["x"], arrays["ref"]
    batch = x.shape[0]

    def run(xs, rows):
        return model(torch.from_numpy(xs).view(rows, units[0])).numpy()

    with torch.inference_mode():
        got = run(x, batch)
        bad = np.argwhere(~(np.abs(got.astype(np.float64) - ref) <= 1e-4))
        if bad.size:
            r, j = bad[0]
            raise RuntimeError(f"torch_bench: probability [{r}, {j}] is {got[r, j]}, reference {ref[r, j]}")
        rows1 = [np.ascontiguousarray(x[r]) for r in range(64)]
        one = run(rows1[3], 1)
        for j in range(10):
            if not abs(float(one[0, j]) - ref[3, j]) <= 1e-4:
                raise RuntimeError(f"torch_bench: batch-1 probability {j} is {one[0, j]}, reference {ref[3, j]}")

        groups = 5 if quick else 15
        for i in range(2000):  # warm-up
            run(rows1[i & 63], 1)
        calls = 50
        while True:
            t0 = now()
            for i in range(calls):
                run(rows1[i & 63], 1)
            if now() - t0 > 0.02:
                break
            calls *= 2
        lat = []
        for _ in range(groups):
            t0 = now()
            for i in range(calls):
                run(rows1[i & 63], 1)
            lat.append((now() - t0) * 1e6 / calls)
        for _ in range(3):
            run(x, batch)
        thr = []
        for _ in range(5 if quick else 9):
            t0 = now()
            run(x, batch)
            thr.append(batch / (now() - t0))
    return {"latency": {"runs": lat, "median": median(lat), "calls": calls},
            "throughput": {"runs": thr, "median": median(thr)}}


def main():
    task = json.loads(sys.argv[1])
    torch.set_num_threads(int(task["threads"]))
    torch.set_num_interop_threads(1)
    arrays = read_arrays(task)
    if task["section"] == "train":
        result = train(task, arrays)
    elif task["section"] == "predict":
        result = predict(task, arrays)
    else:
        raise RuntimeError(f"torch_bench: no section {task['section']!r}")
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), **result}))


if __name__ == "__main__":
    main()
