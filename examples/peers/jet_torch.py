#!/usr/bin/python3
"""PyTorch peer of lepton's jet-flavour example (issue 17, seed 002): the same jets (lepton's dump of
its simulation, already scaled), the same six experts and two committees, the same initialisation
as Keras (Glorot uniform kernels, orthogonal recurrent kernels, zero biases, the LSTM's forget-gate
bias 1; PyTorch's second LSTM bias b_hh is held at 0 so that there is one bias as in Keras), Adam
0.001 with eps 1e-7, batch 128, shuffled each epoch, and the same epochs.

Masking: lepton (as Keras) keeps an LSTM's state over masked steps, so with the padding after the
real steps its output is the state at the last real step; here the LSTM runs over the padded
sequence and the state at step len − 1 is taken (zeros for a jet with no real step, as Keras).

  npx tsx examples/jet-flavour.ts --dump /tmp/jets [--train N --test N --epochs N]
  /usr/bin/python3 examples/peers/jet_torch.py /tmp/jets [--out examples/peers/results/jet_torch.json]
Prints one JSON object: each network's b-versus-light AUC ± the Hanley–McNeil error.
Debian: apt-get install python3-torch.
"""
import argparse, json, math, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

INPUTS = ['trackSummary', 'tracks', 'vertexSummary', 'vertices']


def load(d):
    meta = json.load(open(f'{d}/meta.json'))
    sets = {}
    for split in ('train', 'test'):
        s = {k: torch.from_numpy(np.fromfile(f'{d}/{split}_{k}.f32', dtype='<f4').reshape(meta['files'][f'{split}_{k}'])) for k in INPUTS}
        s['label'] = torch.from_numpy(np.fromfile(f'{d}/{split}_label.i32', dtype='<i4').astype(np.int64))
        sets[split] = s
    return meta, sets


def dense(nin, nout):
    l = nn.Linear(nin, nout)
    nn.init.xavier_uniform_(l.weight)
    nn.init.zeros_(l.bias)
    return l


class MaskedLSTM(nn.Module):
    """Keras Masking + LSTM(units) with returnSequences false, on post-padded sequences."""
    def __init__(self, features, units):
        super().__init__()
        self.lstm = nn.LSTM(features, units, batch_first=True)
        nn.init.xavier_uniform_(self.lstm.weight_ih_l0)
        nn.init.orthogonal_(self.lstm.weight_hh_l0)
        with torch.no_grad():
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_ih_l0[units:2 * units] = 1  # unit forget bias (gates i, f, g, o as Keras's i, f, c, o)
            self.lstm.bias_hh_l0.zero_()
        self.lstm.bias_hh_l0.requires_grad_(False)

    def forward(self, x):
        real = (x != 0).any(-1)  # Keras: a step whose features all equal 0 is masked
        n = real.sum(1)
        out, _ = self.lstm(x)
        last = out[torch.arange(len(x)), (n - 1).clamp(min=0)]
        return torch.where((n > 0).unsqueeze(1), last, torch.zeros_like(last))


class Expert(nn.Module):
    def __init__(self, uses, technique, shapes, hidden, units):
        super().__init__()
        self.uses, self.technique = uses, technique
        if technique == 'ff':
            nin = sum(shapes[u][-1] for u in uses)
            width = hidden if len(uses) == 1 else 2 * hidden
            self.body = nn.ModuleList([dense(nin, width), dense(width, hidden)])
        else:
            self.rnns = nn.ModuleList([MaskedLSTM(shapes[u][-1], units) for u in uses])
            self.body = nn.ModuleList([dense(units * len(uses), hidden)])
        self.head = dense(hidden, 3)

    def forward(self, xs):
        h = torch.cat(xs, 1) if self.technique == 'ff' else torch.cat([r(x) for r, x in zip(self.rnns, xs)], 1)
        for l in self.body:
            h = F.relu(l(h))
        return self.head(h)  # logits; softmax in the loss and for the committee


class Committee(nn.Module):
    def __init__(self, members, hidden):
        super().__init__()
        self.members = nn.ModuleList(members)
        for p in self.members.parameters():
            p.requires_grad_(False)
        self.hidden, self.head = dense(3 * len(members), hidden), dense(hidden, 3)

    def forward(self, batch):
        logits = [m([batch[u] for u in m.uses]) for m in self.members]  # as lepton: before the experts' softmax
        return self.head(F.relu(self.hidden(torch.cat(logits, 1))))


def fit(net, forward, train, epochs, batch, seed):
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=1e-3, eps=1e-7)
    g = torch.Generator().manual_seed(seed)
    n = len(train['label'])
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, batch):
            b = perm[i:i + batch]
            opt.zero_grad()
            F.cross_entropy(forward({k: train[k][b] for k in INPUTS}), train['label'][b]).backward()
            opt.step()


def auc(score, positive):
    """Area under the ROC curve, ties counted half (Mann–Whitney)."""
    order = np.argsort(score, kind='mergesort')
    s, ranks = score[order], np.empty(len(score))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    npos = positive.sum()
    nneg = len(positive) - npos
    return (ranks[positive == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg), int(npos), int(nneg)


def hanley_mcneil(a, npos, nneg):
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    return math.sqrt((a * (1 - a) + (npos - 1) * (q1 - a * a) + (nneg - 1) * (q2 - a * a)) / (npos * nneg))


def score(forward, test):
    with torch.no_grad():
        p = torch.cat([F.softmax(forward({k: test[k][i:i + 1000] for k in INPUTS}), 1) for i in range(0, len(test['label']), 1000)]).double().numpy()
    lab = test['label'].numpy()
    keep = lab != 1
    d = p[keep, 0] / np.maximum(p[keep, 0] + p[keep, 2], 1e-30)
    a, npos, nneg = auc(d, (lab[keep] == 0).astype(np.int64))
    return {'AUC': a, 'AUC error': hanley_mcneil(a, npos, nneg)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('dump')
    p.add_argument('--epochs', type=int, help='default: the dump\'s')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    meta, d = load(a.dump)
    epochs, batch, hidden, units = a.epochs or meta['epochs'], meta['batch'], meta['hidden'], meta['lstmUnits']
    shapes = {k: list(d['train'][k].shape[1:]) for k in INPUTS}
    specs = [('tracks_ff', ['trackSummary'], 'ff'), ('tracks_lstm', ['tracks'], 'lstm'), ('vertices_ff', ['vertexSummary'], 'ff'),
             ('vertices_lstm', ['vertices'], 'lstm'), ('both_ff', ['trackSummary', 'vertexSummary'], 'ff'), ('both_lstm', ['tracks', 'vertices'], 'lstm')]
    t0, out, experts = time.time(), {}, {}
    for i, (key, uses, tech) in enumerate(specs):
        torch.manual_seed(a.seed * 100 + i + 1)
        net = Expert(uses, tech, shapes, hidden, units)
        fwd = lambda b, net=net, uses=uses: net([b[u] for u in uses])
        fit(net, fwd, d['train'], epochs, batch, a.seed * 100 + i + 1)
        experts[key] = net
        out[key] = score(fwd, d['test'])
    for key, members in (('committee_4', ['tracks_ff', 'tracks_lstm', 'vertices_ff', 'vertices_lstm']), ('committee_6', [s[0] for s in specs])):
        torch.manual_seed(a.seed * 100 + 7 + len(members))
        net = Committee([experts[m] for m in members], meta['committeeHidden'])
        fit(net, net, d['train'], epochs, batch, a.seed * 100 + 7 + len(members))
        out[key] = score(net, d['test'])
    out['settings'] = {'training jets': meta['trainSize'], 'test jets': meta['testSize'], 'epochs': epochs, 'batch': batch, 'seed': meta['seed'],
                       'torch': torch.__version__, 'threads': a.threads, 'seconds': round(time.time() - t0)}
    text = json.dumps(out, indent=1)
    print(text)
    if a.out:
        open(a.out, 'w').write(text + '\n')


if __name__ == '__main__':
    main()
