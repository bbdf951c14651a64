// Seeded toy simulation of b, c and light jets for examples/jet-flavour.ts (seed 002's jet flavour
// study, after Guest et al. 2016). A jet at η = 0 along x̂ (beam ẑ) carries fragmentation tracks
// from the primary vertex; a b-jet also carries a B hadron (cτ = 455 µm, m = 5.28 GeV) that flies,
// decays to charged pions, neutrals and a D meson, which flies on (cτ = 123 or 312 µm) and decays
// in turn (the B → D cascade); a c-jet carries only the D. Decays are generated in the hadron's
// rest frame (isotropic momenta, balanced to Σp = 0 and scaled to the hadron's mass) and boosted
// by p/m, so a decay product's angle ~ m/p and its impact parameter ~ L·m/p ~ cτ, independently
// of the boost, as in real b-tagging. Every jet may hold a K_S (cτ = 26.8 mm → π⁺π⁻), the classic
// source of displaced tracks in light jets. Tracks need pT > 1 GeV, ΔR < 0.4 and a production
// radius < 30 mm (the pixel layers), and are found with 90 % efficiency. Impact parameters are
// measured with σ(d0) = 30 µm ⊕ 120 µm/pT (σ(z0) = 50 µm ⊕ 100 µm/pT; a detector somewhat worse
// than ATLAS's or CMS's, so that the networks do not all sit at AUC ≈ 1), whose Gaussian core has
// tails (×3 for 4 % + 0.3/pT of the tracks, ×10 for 1 % + 0.05/pT: hard multiple scattering and
// wrong hits, commoner for soft tracks), so light jets show the prompt tracks with resolution tails
// that are their mistag source. A vertex finder groups tracks with lifetime-signed d0
// significance > 2 by their origin (B and D merged when they cannot be told apart, K_S apart,
// prompt tail tracks into a fake vertex); each group of ≥ 2 tracks is a secondary vertex with its
// pion-mass invariant mass, flight-distance significance, energy fraction and track count.
// Lengths in mm, momenta in GeV.
import { Random } from '../src/random.js';

export const FLAVOURS = ['b', 'c', 'light'] as const;
/** Tracks kept per jet (ordered by d0 significance, the rest dropped) and vertices kept. */
export const MAX_TRACKS = 15, MAX_VERTICES = 3;
/** Per track: signed d0 significance, z0 significance, pT fraction of the jet, ΔR to the jet axis. */
export const TRACK_FEATURES = ['d0 significance', 'z0 significance', 'pT fraction', 'ΔR'];
/** Per vertex: mass, flight-distance significance, energy fraction, tracks, ΔR to the jet axis. */
export const VERTEX_FEATURES = ['mass', 'flight significance', 'energy fraction', 'tracks', 'ΔR'];
/** Fixed per-jet track summaries (seed 002's list, the ones that need tracks only). */
export const TRACK_SUMMARY = ['S(d0) 2nd', 'S(d0) 3rd', 'S(z0) 2nd', 'S(z0) 3rd', 'tracks with S(d0) > 1.8', '−log10 JETPROB', 'width in η', 'width in φ'];
/** Fixed per-jet vertex summaries (seed 002's list, the ones that need vertices). */
export const VERTEX_SUMMARY = ['vertices', 'vertex tracks', 'combined vertex significance', 'decay chain mass', 'energy fraction', 'ΔR jet–vertex'];

export interface Jets {
  n: number;
  /** 0 b, 1 c, 2 light */
  label: Int32Array;
  pt: Float32Array;
  /** [n, MAX_TRACKS, 4], zero rows after the jet's tracks */
  tracks: Float32Array;
  nTracks: Int32Array;
  /** [n, MAX_VERTICES, 5], zero rows after the jet's vertices */
  vertices: Float32Array;
  nVertices: Int32Array;
  /** [n, 8] and [n, 6] */
  trackSummary: Float32Array;
  vertexSummary: Float32Array;
}

type V3 = [number, number, number];
interface Particle { p: V3; m: number; charged: boolean; origin: number; pos: V3 }
interface Track { sd0: number; sz0: number; pt: number; dr: number; deta: number; dphi: number; e: number; p: V3; origin: number; pos: V3 }

const M_PI = 0.1396, M_K = 0.4937, M_B = 5.279, M_D = 1.865, M_KS = 0.4976;
const CTAU_B = 0.455, CTAU_KS = 26.8, EFFICIENCY = 0.9;
const ORIGIN = { primary: 0, b: 1, d: 2, ks: 3 };

class Gen {
  private spare: number | undefined;
  constructor(readonly r: Random) {}
  u(): number { return this.r.uniform(); }
  /** Box–Muller, both values used. */
  normal(): number {
    if (this.spare !== undefined) { const s = this.spare; this.spare = undefined; return s; }
    const a = 1 - this.u(), b = this.u(), rad = Math.sqrt(-2 * Math.log(a));
    this.spare = rad * Math.sin(2 * Math.PI * b);
    return rad * Math.cos(2 * Math.PI * b);
  }
  exp(): number { return -Math.log(1 - this.u()); }
  poisson(mean: number): number {
    let k = 0, p = Math.exp(-mean), s = p;
    const x = this.u();
    while (x > s && k < 50) { k++; p *= mean / k; s += p; }
    return k;
  }
  /** A uniform direction on the sphere. */
  iso(): V3 {
    const c = 2 * this.u() - 1, s = Math.sqrt(1 - c * c), f = 2 * Math.PI * this.u();
    return [s * Math.cos(f), s * Math.sin(f), c];
  }
}

const dir = (eta: number, phi: number): V3 => { const v: V3 = [Math.cos(phi), Math.sin(phi), Math.sinh(eta)]; const n = Math.hypot(...v); return [v[0] / n, v[1] / n, v[2] / n]; };
const norm = (v: V3) => Math.hypot(v[0], v[1], v[2]);
const scale = (v: V3, s: number): V3 => [v[0] * s, v[1] * s, v[2] * s];
const add = (a: V3, b: V3): V3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const energy = (q: Particle) => Math.hypot(norm(q.p), q.m);

/**
 * A decay of a hadron of mass `m` and momentum `p` (lab) into particles of `masses`: isotropic
 * rest-frame momenta, shifted to Σp = 0, scaled so that Σ E = m (bisection), then boosted.
 */
function decay(g: Gen, m: number, p: V3, masses: number[]): V3[] {
  const k = masses.length;
  const q = masses.map(() => scale(g.iso(), g.exp()));
  const mean = scale(q.reduce(add, [0, 0, 0]), 1 / k);
  const rest = q.map((v) => add(v, scale(mean, -1)));
  const total = (s: number) => rest.reduce((a, v, i) => a + Math.hypot(s * norm(v), masses[i]), 0);
  let lo = 0, hi = 1;
  while (total(hi) < m) hi *= 2;
  for (let it = 0; it < 50; it++) { const mid = (lo + hi) / 2; if (total(mid) < m) lo = mid; else hi = mid; }
  const pm = norm(p), e = Math.hypot(pm, m), beta = pm / e, gamma = e / m, n = scale(p, 1 / pm);
  return rest.map((v, i) => {
    const pv = scale(v, lo), E = Math.hypot(norm(pv), masses[i]), par = pv[0] * n[0] + pv[1] * n[1] + pv[2] * n[2];
    return add(pv, scale(n, (gamma - 1) * par + gamma * beta * E));
  });
}

/** Charged products: `nCharged` pions (the first a kaon if `kaon`), plus one neutral remainder. */
function decayProducts(g: Gen, mass: number, nCharged: number, kaon: boolean, extra: number[]): number[] {
  const ms = [...extra, ...Array.from({ length: nCharged }, (_, i) => (kaon && i === 0 ? M_K : M_PI))];
  const left = mass - ms.reduce((a, b) => a + b, 0);
  ms.push(Math.max(0.0, 0.7 * g.u() * left)); // π⁰s, neutrinos, K_L: never seen by the tracker
  return ms;
}

/** A D meson produced with momentum p at `pos`: flies, decays to 1–4 charged (a kaon among them). */
function dMeson(g: Gen, p: V3, pos: V3, out: Particle[]): void {
  const ctau = g.u() < 0.3 ? 0.312 : 0.123; // D⁺ or D⁰
  const vtx = add(pos, scale(p, (ctau / M_D) * g.exp()));
  const nc = Math.min(4, 1 + g.poisson(1.2));
  const masses = decayProducts(g, M_D, nc, true, []);
  decay(g, M_D, p, masses).forEach((q, i) => out.push({ p: q, m: masses[i], charged: i < nc, origin: ORIGIN.d, pos: vtx }));
}

/** Lifetime-signed transverse impact parameter and z0 of a straight track from `pos` along `p`. */
function impact(pos: V3, p: V3): { d0: number; z0: number } {
  const t2 = p[0] * p[0] + p[1] * p[1];
  const t = -(pos[0] * p[0] + pos[1] * p[1]) / t2;
  const ca: V3 = [pos[0] + t * p[0], pos[1] + t * p[1], pos[2] + t * p[2]];
  const d0 = Math.hypot(ca[0], ca[1]) * (ca[0] >= 0 ? 1 : -1); // jet axis x̂: in front is positive
  return { d0, z0: ca[2] };
}

/** The measured significance of a true displacement with resolution σ (core plus tails). */
function measure(g: Gen, value: number, sigma: number, pT: number): number {
  const x = g.u(), tail = x < 0.01 + 0.05 / pT ? 10 : x < 0.04 + 0.3 / pT ? 3 : 1; // soft tracks scatter more
  return (value + tail * sigma * g.normal()) / sigma;
}

function jetParticles(g: Gen, flavour: number, pt: number): Particle[] {
  const out: Particle[] = [];
  const origin0: V3 = [0, 0, 0];
  let zH = 0;
  if (flavour < 2) {
    zH = Math.min(0.95, Math.max(0.2, flavour === 0 ? 0.7 + 0.12 * g.normal() : 0.55 + 0.15 * g.normal()));
    const ph = scale(dir(0.04 * g.normal(), 0.04 * g.normal()), zH * pt);
    if (flavour === 0) {
      const vtx = scale(ph, (CTAU_B / M_B) * g.exp());
      const nc = 1 + g.poisson(1.5);
      const masses = decayProducts(g, M_B, nc, false, [M_D]);
      const prods = decay(g, M_B, ph, masses);
      prods.forEach((q, i) => { if (i > 0 && i <= nc) out.push({ p: q, m: masses[i], charged: true, origin: ORIGIN.b, pos: vtx }); });
      dMeson(g, prods[0], vtx, out);
    } else dMeson(g, ph, origin0, out);
  }
  // fragmentation: charged tracks sharing 65 % of what the heavy hadron left
  const nFrag = g.poisson(2 + pt / 25);
  const shares = Array.from({ length: nFrag }, () => g.exp()), sum = shares.reduce((a, b) => a + b, 0);
  for (const s of shares) {
    const p = (0.65 * (1 - zH) * pt * s) / sum, w = Math.min(0.15, 0.25 / Math.sqrt(p));
    out.push({ p: scale(dir(w * g.normal(), w * g.normal()), p), m: M_PI, charged: true, origin: ORIGIN.primary, pos: origin0 });
  }
  if (g.u() < 0.2 + pt / 400) { // a K_S → π⁺π⁻ among the fragments
    const p = scale(dir(0.1 * g.normal(), 0.1 * g.normal()), (0.05 + 0.2 * g.u()) * (1 - zH) * pt);
    const vtx = scale(p, (CTAU_KS / M_KS) * g.exp());
    decay(g, M_KS, p, [M_PI, M_PI]).forEach((q) => out.push({ p: q, m: M_PI, charged: true, origin: ORIGIN.ks, pos: vtx }));
  }
  return out;
}

/** The reconstructed tracks of a jet, ordered by d0 significance (highest first). */
function reconstruct(g: Gen, parts: Particle[]): Track[] {
  const tracks: Track[] = [];
  for (const q of parts) {
    const pT = Math.hypot(q.p[0], q.p[1]);
    if (!q.charged || pT < 1 || Math.hypot(q.pos[0], q.pos[1]) > 30 || g.u() > EFFICIENCY) continue;
    const phi = Math.atan2(q.p[1], q.p[0]), eta = Math.asinh(q.p[2] / pT), dr = Math.hypot(eta, phi);
    if (dr > 0.4) continue;
    const { d0, z0 } = impact(q.pos, q.p);
    const sd0 = measure(g, d0, Math.hypot(0.03, 0.12 / pT), pT), sz0 = measure(g, z0, Math.hypot(0.05, 0.1 / pT), pT);
    tracks.push({ sd0, sz0, pt: pT, dr, deta: eta, dphi: phi, e: energy(q), p: q.p, origin: q.origin, pos: q.pos });
  }
  return tracks.sort((a, b) => b.sd0 - a.sd0);
}

interface Vertex { mass: number; sig: number; efrac: number; n: number; dr: number; l: number; sigma: number }

/** Groups the displaced tracks by origin into vertices (see the header), highest significance first. */
function findVertices(g: Gen, tracks: Track[]): Vertex[] {
  const sel = tracks.filter((t) => t.sd0 > 2);
  const groups = new Map<number, Track[]>();
  for (const t of sel) groups.set(t.origin, [...(groups.get(t.origin) ?? []), t]);
  const b = groups.get(ORIGIN.b), d = groups.get(ORIGIN.d);
  if (b && d) {
    const sep = norm(add(d[0].pos, scale(b[0].pos, -1)));
    if (b.length < 2 || d.length < 2 || sep < 0.15) { groups.set(ORIGIN.b, [...b, ...d]); groups.delete(ORIGIN.d); }
  }
  const eAll = tracks.reduce((a, t) => a + t.e, 0);
  const out: Vertex[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    let e = 0; let p: V3 = [0, 0, 0];
    for (const t of group) { e += Math.hypot(norm(t.p), M_PI); p = add(p, t.p); }
    const l = norm(group[0].pos) * (group[0].pos[0] >= 0 ? 1 : -1), sigma = 0.05 / Math.sqrt(group.length - 1) + 0.02 * Math.abs(l);
    const phi = Math.atan2(p[1], p[0]), eta = Math.asinh(p[2] / Math.hypot(p[0], p[1]));
    out.push({
      mass: Math.sqrt(Math.max(0, e * e - norm(p) ** 2)), sig: (l + sigma * g.normal()) / sigma,
      efrac: group.reduce((a, t) => a + t.e, 0) / eAll, n: group.length, dr: Math.hypot(eta, phi), l, sigma,
    });
  }
  return out.sort((x, y) => y.sig - x.sig).slice(0, MAX_VERTICES);
}

/** 1 − erf(x/√2) = P(|N(0, 1)| > x), Abramowitz–Stegun 7.1.26 (error < 1.5e-7). */
export function twoSidedP(x: number): number {
  const z = Math.abs(x) / Math.SQRT2, t = 1 / (1 + 0.3275911 * z);
  const y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return y * Math.exp(-z * z);
}

/** JETPROB: P = Π·Σ_{k<N} (−ln Π)^k / k! over the N positive-significance tracks, Π = Π_i P(track i). */
export function jetProb(sd0: number[]): number {
  const pos = sd0.filter((s) => s > 0);
  if (pos.length === 0) return 1;
  const lnPi = pos.reduce((a, s) => a + Math.log(Math.max(twoSidedP(s), 1e-300)), 0);
  let term = 1, sum = 1;
  for (let k = 1; k < pos.length; k++) { term *= -lnPi / k; sum += term; }
  return Math.min(1, Math.exp(lnPi) * sum);
}

function summaries(tracks: Track[], vertices: Vertex[]): { ts: number[]; vs: number[] } {
  const at = (i: number, f: (t: Track) => number) => (i < tracks.length ? f(tracks[i]) : 0);
  const sumPt = tracks.reduce((a, t) => a + t.pt, 0) || 1;
  const width = (f: (t: Track) => number) => Math.sqrt(tracks.reduce((a, t) => a + t.pt * f(t) ** 2, 0) / sumPt);
  const ts = [at(1, (t) => t.sd0), at(2, (t) => t.sd0), at(1, (t) => t.sz0), at(2, (t) => t.sz0),
    tracks.filter((t) => t.sd0 > 1.8).length, -Math.log10(Math.max(jetProb(tracks.map((t) => t.sd0)), 1e-30)),
    width((t) => t.deta), width((t) => t.dphi)];
  const w = vertices.reduce((a, v) => a + 1 / v.sigma ** 2, 0);
  const vs = [vertices.length, vertices.reduce((a, v) => a + v.n, 0),
    w > 0 ? vertices.reduce((a, v) => a + (v.sig * v.sigma) / v.sigma ** 2, 0) / Math.sqrt(w) : 0, // seed: Σ d/σ² / √(Σ 1/σ²)
    vertices.reduce((a, v) => a + v.mass, 0), vertices.reduce((a, v) => a + v.efrac, 0), vertices.length ? vertices[0].dr : 0];
  return { ts, vs };
}

/** `n` jets, a third of each flavour at random, pT from 20 GeV with a falling spectrum. */
export function simulateJets(n: number, seed: number): Jets {
  const g = new Gen(new Random(seed));
  const jets: Jets = {
    n, label: new Int32Array(n), pt: new Float32Array(n), tracks: new Float32Array(n * MAX_TRACKS * 4), nTracks: new Int32Array(n),
    vertices: new Float32Array(n * MAX_VERTICES * 5), nVertices: new Int32Array(n),
    trackSummary: new Float32Array(n * TRACK_SUMMARY.length), vertexSummary: new Float32Array(n * VERTEX_SUMMARY.length),
  };
  for (let j = 0; j < n; j++) {
    const flavour = Math.min(2, Math.floor(3 * g.u())), pt = 20 + 30 * g.exp() + 10 * g.exp() * g.exp();
    const tracks = reconstruct(g, jetParticles(g, flavour, pt)), vertices = findVertices(g, tracks);
    jets.label[j] = flavour;
    jets.pt[j] = pt;
    jets.nTracks[j] = Math.min(tracks.length, MAX_TRACKS);
    jets.nVertices[j] = vertices.length;
    tracks.slice(0, MAX_TRACKS).forEach((t, i) => jets.tracks.set([t.sd0, t.sz0, t.pt / pt, t.dr], (j * MAX_TRACKS + i) * 4));
    vertices.forEach((v, i) => jets.vertices.set([v.mass, v.sig, v.efrac, v.n, v.dr], (j * MAX_VERTICES + i) * 5));
    const { ts, vs } = summaries(tracks, vertices);
    jets.trackSummary.set(ts, j * ts.length);
    jets.vertexSummary.set(vs, j * vs.length);
  }
  return jets;
}
