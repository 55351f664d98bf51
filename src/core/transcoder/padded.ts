/**
 * The write-up's padded residual stream, modelled as its trainer had it (SPEC §2 write-up):
 * the decoders write all padDims dims, not only the model's D. The padding's targets
 * standardize to 0, so in the padded columns the reconstruction error is ‖Σ a·W_pad + b_pad‖²
 * and the columns count in each decoder's norm: a feature that never fires keeps its initial
 * padded columns, and with them a larger norm, so reviving it costs more sparsity.
 * The columns live here, beside the trainer's parameters (which stay the model's D wide), with
 * their own gradient and Adam moments; they shape training only and are dropped afterwards.
 */
import type { InitScheme } from '../config.ts';
import { Random } from '../random.ts';
import type { Layout } from './layout.ts';

export class PaddedColumns {
  /** Padded dims beyond the model's own: padDims − D. */
  readonly width: number;
  /** [pair q][feature f][pad j] decoder weights, then [target t][pad j] decoder biases. */
  readonly params: Float64Array;
  readonly grad: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly biasAt: number;
  /** Per target layer, N × width: padded reconstruction and its loss gradient. */
  private readonly y: Float64Array[];
  private readonly gy: Float64Array[];

  constructor(readonly layout: Layout, readonly n: number, padDims: number, seed: number, init: InitScheme = 'spec') {
    const { layers: L, features: F, pairs, dims: D } = layout;
    const G = Math.max(0, padDims - D);
    this.width = G;
    this.biasAt = pairs.length * F * G;
    const size = this.biasAt + L * G;
    this.params = new Float64Array(size);
    this.grad = new Float64Array(size);
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.y = Array.from({ length: L }, () => new Float64Array(n * G));
    this.gy = Array.from({ length: L }, () => new Float64Array(n * G));
    // A second generator from the run's seed, so the model-width parameters' draws are unchanged.
    const rng = new Random((seed ^ 0x5bd1e995) >>> 0);
    const bound = 1 / Math.sqrt(L * padDims);
    const std = 1 / Math.sqrt(F * L);
    for (let k = 0; k < this.biasAt; k++) this.params[k] = init === 'uniform' ? (2 * rng.uniform() - 1) * bound : rng.normal() * std;
  }

  /** ŷ_pad[t] = b_pad[t] + Σ_{active (s, f)} a · W_pad[s→t]_f, over the trainer's active lists. */
  forward(act: Float64Array[], actIdx: Int32Array[], actCnt: Int32Array[], byTarget: Int32Array[]): void {
    const { features: F, pairs } = this.layout;
    const G = this.width;
    const p = this.params;
    for (let t = 0; t < this.y.length; t++) {
      const y = this.y[t];
      const oB = this.biasAt + t * G;
      for (let n = 0; n < this.n; n++) for (let j = 0; j < G; j++) y[n * G + j] = p[oB + j];
      const qs = byTarget[t];
      for (let qi = 0; qi < qs.length; qi++) {
        const q = qs[qi];
        const s = pairs[q].source;
        for (let n = 0; n < this.n; n++) {
          for (let k = 0; k < actCnt[s][n]; k++) {
            const f = actIdx[s][n * F + k];
            const av = act[s][n * F + f];
            const row = (q * F + f) * G;
            for (let j = 0; j < G; j++) y[n * G + j] += av * p[row + j];
          }
        }
      }
    }
  }

  /** The padded columns' squared error (target 0) times `scale`, its gradient to ŷ_pad, b_pad and W_pad. */
  reconstruction(scale: number, act: Float64Array[], actIdx: Int32Array[], actCnt: Int32Array[]): number {
    const { features: F, pairs } = this.layout;
    const G = this.width;
    const N = this.n;
    const g = this.grad;
    g.fill(0);
    let recon = 0;
    for (let t = 0; t < this.y.length; t++) {
      const y = this.y[t];
      const gy = this.gy[t];
      const oB = this.biasAt + t * G;
      for (let k = 0; k < N * G; k++) {
        const r = y[k];
        recon += ((r * r) / N) * scale;
        gy[k] = ((2 * r) / N) * scale;
        g[oB + (k % G)] += gy[k];
      }
    }
    for (let q = 0; q < pairs.length; q++) {
      const { source: s, target: t } = pairs[q];
      const gy = this.gy[t];
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < actCnt[s][n]; k++) {
          const f = actIdx[s][n * F + k];
          const av = act[s][n * F + f];
          const row = (q * F + f) * G;
          for (let j = 0; j < G; j++) g[row + j] += av * gy[n * G + j];
        }
      }
    }
    return recon;
  }

  /** Σ_j W_pad[q]_f,j²: the padded columns' share of a decoder row's squared norm. */
  rowSquares(q: number, f: number): number {
    const G = this.width;
    const row = (q * this.layout.features + f) * G;
    let s2 = 0;
    for (let j = 0; j < G; j++) s2 += this.params[row + j] ** 2;
    return s2;
  }

  /** ∂L_recon/∂a through the padded columns: Σ_j W_pad[q]_f,j · ∂L/∂ŷ_pad[t]_n,j. */
  gradToActivation(q: number, f: number, n: number): number {
    const G = this.width;
    const row = (q * this.layout.features + f) * G;
    const gy = this.gy[this.layout.pairs[q].target];
    let ga = 0;
    for (let j = 0; j < G; j++) ga += this.params[row + j] * gy[n * G + j];
    return ga;
  }

  /** The decoder-norm gradient's share in the padded columns: coef · W_pad (coef = ∂L/∂‖·‖ / ‖·‖). */
  addNormGradient(q: number, f: number, coef: number): void {
    const G = this.width;
    const row = (q * this.layout.features + f) * G;
    for (let j = 0; j < G; j++) this.grad[row + j] += coef * this.params[row + j];
  }

  /** The columns' parameters and Adam moments, live (for handing a run over or resuming it). */
  state(): { params: Float64Array; m: Float64Array; v: Float64Array } {
    return { params: this.params, m: this.m, v: this.v };
  }

  /** Adam with bias correction (the trainer's constants, its step and rate). */
  adamStep(lr: number, t: number, beta1: number, beta2: number, eps: number): void {
    const c1 = 1 / (1 - beta1 ** t);
    const c2 = 1 / (1 - beta2 ** t);
    const { params: p, grad: g, m, v } = this;
    for (let k = 0; k < p.length; k++) {
      const gk = g[k];
      const mk = beta1 * m[k] + (1 - beta1) * gk;
      const vk = beta2 * v[k] + (1 - beta2) * gk * gk;
      m[k] = mk;
      v[k] = vk;
      p[k] -= (lr * mk * c1) / (Math.sqrt(vk * c2) + eps);
    }
  }
}
