/**
 * The exact CPU engine for one transcoder: analytic forward and backward over typed arrays,
 * full batch, Adam (SPEC §2). Every buffer is allocated once; a step allocates nothing.
 * `referenceLoss` in loss.ts is the slow, literal reading of the same formulas it is tested against.
 */
import type { NormMode, PenaltyKind } from '../config.ts';
import { ConsistencyLoss, consistencyCutAt } from './consistency.ts';
import type { TrainingData } from './data.ts';
import { thresholdOf, type Layout } from './layout.ts';
import { AsymmetryPenalty } from './mitigations.ts';
import { PaddedColumns } from './padded.ts';
import { ADAM, lambdaAt, lrAt, reconstructionScale, type LossParts, type TrainerContext, type TrainOptions } from './training.ts';

export class CpuTrainer {
  readonly params: Float64Array;
  readonly grad: Float64Array;
  step = 0;
  last: LossParts = { loss: NaN, recon: NaN, sparsity: NaN, preact: NaN };

  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly theta: Float64Array;
  private readonly gTheta: Float64Array;
  private readonly rowNorm: Float64Array;
  private readonly norm: Float64Array;
  private readonly dNorm: Float64Array;
  /** Per layer N × F: pre-activations, activations, gradient to h. */
  readonly h: Float64Array[];
  readonly act: Float64Array[];
  private readonly gh: Float64Array[];
  private readonly actIdx: Int32Array[];
  private readonly actCnt: Int32Array[];
  /** Per layer N × D: reconstruction (standardized) and its loss gradient. */
  readonly yHat: Float64Array[];
  private readonly gy: Float64Array[];
  /** Pairs grouped by source, as flat lists of pair indices. */
  private readonly bySource: Int32Array[];
  private readonly byTarget: Int32Array[];
  /** Mitigations (issue 7): null unless their coefficient is > 0, so the default path is unchanged. */
  private readonly asymmetry: AsymmetryPenalty | null;
  private readonly consistency: ConsistencyLoss | null;
  private readonly seed: number;
  /** The decoders' padded columns (SPEC §2 write-up): null unless padDims exceeds the model's dims. */
  readonly padded: PaddedColumns | null;

  constructor(
    readonly layout: Layout,
    readonly data: TrainingData,
    readonly opts: TrainOptions,
    init: Float64Array,
    context?: TrainerContext,
  ) {
    const { layers: L, dims: D, features: F, pairs } = layout;
    const N = data.n;
    this.params = Float64Array.from(init);
    this.grad = new Float64Array(layout.size);
    this.m = new Float64Array(layout.size);
    this.v = new Float64Array(layout.size);
    this.theta = new Float64Array(L * F);
    this.gTheta = new Float64Array(L * F);
    this.rowNorm = new Float64Array(pairs.length * F);
    this.norm = new Float64Array(L * F);
    this.dNorm = new Float64Array(L * F);
    const perLayer = (k: number): Float64Array[] => Array.from({ length: L }, () => new Float64Array(k));
    this.h = perLayer(N * F);
    this.act = perLayer(N * F);
    this.gh = perLayer(N * F);
    this.yHat = perLayer(N * D);
    this.gy = perLayer(N * D);
    this.actIdx = Array.from({ length: L }, () => new Int32Array(N * F));
    this.actCnt = Array.from({ length: L }, () => new Int32Array(N));
    this.bySource = Array.from({ length: L }, (_, s) =>
      Int32Array.from(pairs.flatMap((p, q) => (p.source === s ? [q] : []))),
    );
    this.byTarget = Array.from({ length: L }, (_, t) =>
      Int32Array.from(pairs.flatMap((p, q) => (p.target === t ? [q] : []))),
    );
    this.asymmetry = (opts.asymmetry ?? 0) > 0 ? new AsymmetryPenalty(layout, N) : null;
    if ((opts.consistency ?? 0) > 0 && !context) throw new Error('CpuTrainer: consistency > 0 needs the base model (context)');
    this.consistency = (opts.consistency ?? 0) > 0 && context ? new ConsistencyLoss(layout, data, context.model) : null;
    this.seed = context?.seed ?? 0;
    this.padded = (opts.padDims ?? 0) > D ? new PaddedColumns(layout, N, opts.padDims!, this.seed, opts.init) : null;
  }

  /** Runs `count` Adam steps. */
  train(count: number): void {
    for (let k = 0; k < count; k++) {
      this.computeGradient(lambdaAt(this.opts, this.step));
      this.adamStep();
      this.step++;
    }
  }

  /** Forward, loss and the analytic gradient into `grad`, at sparsity coefficient `lambda`. */
  computeGradient(lambda: number): LossParts {
    this.forward();
    this.padded?.forward(this.act, this.actIdx, this.actCnt, this.byTarget);
    const recon = this.reconstructionGradient();
    this.decoderNorms();
    const { sparsity, preact } = this.featureGradients(lambda);
    this.decoderNormGradient();
    this.encoderGradient();
    const loss = recon + lambda * sparsity + this.opts.lambdaP * preact;
    this.last = { loss, recon, sparsity, preact };
    if (this.asymmetry || this.consistency) this.addMitigations();
    return this.last;
  }

  /** Adds the mitigation terms' values to `last` and their gradients to `grad` (after every other term). */
  private addMitigations(): void {
    const { asymmetry: ca = 0, consistency: cc = 0, epsilon } = this.opts;
    const last = this.last;
    if (this.asymmetry) {
      last.asymmetry = this.asymmetry.addGradient(this.params, this.h, this.grad, ca, epsilon);
      last.loss += ca * last.asymmetry;
    }
    if (this.consistency) {
      const cut = consistencyCutAt(this.seed, this.step, this.consistency.count);
      last.consistency = this.consistency.addGradient(this.params, this.grad, cc, cut, epsilon);
      last.loss += cc * last.consistency;
    }
  }

  /** h = x̂ W_enc + b_enc; a = JumpReLU(h) = h · 1[h > θ]; ŷ_t = b_dec[t] + Σ a_s W_dec[s→t]. */
  forward(): void {
    const p = this.params;
    const { layers: L, dims: D, features: F, wEnc, bEnc, logTheta, wDec, bDec, pairs } = this.layout;
    const N = this.data.n;
    const theta = this.theta;
    for (let l = 0; l < L; l++) {
      const x = this.data.x[l];
      const h = this.h[l];
      const act = this.act[l];
      const idx = this.actIdx[l];
      const cnt = this.actCnt[l];
      const oE = wEnc[l];
      const oB = bEnc[l];
      const oT = logTheta[l];
      for (let f = 0; f < F; f++) theta[l * F + f] = thresholdOf(this.layout, p[oT + f]);
      for (let n = 0; n < N; n++) {
        const base = n * F;
        for (let f = 0; f < F; f++) h[base + f] = p[oB + f];
        for (let d = 0; d < D; d++) {
          const xv = x[n * D + d];
          if (xv === 0) continue;
          const row = oE + d * F;
          for (let f = 0; f < F; f++) h[base + f] += xv * p[row + f];
        }
        let c = 0;
        for (let f = 0; f < F; f++) {
          const hv = h[base + f];
          const th = theta[l * F + f];
          // Fires where h > max(θ, 0); under log θ, θ > 0 always.
          if (hv > (th > 0 ? th : 0)) {
            act[base + f] = hv;
            idx[base + c++] = f;
          } else act[base + f] = 0;
        }
        cnt[n] = c;
      }
    }
    for (let t = 0; t < L; t++) {
      const yh = this.yHat[t];
      const oBD = bDec[t];
      for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) yh[n * D + d] = p[oBD + d];
      const qs = this.byTarget[t];
      for (let qi = 0; qi < qs.length; qi++) {
        const q = qs[qi];
        const s = pairs[q].source;
        const act = this.act[s];
        const idx = this.actIdx[s];
        const cnt = this.actCnt[s];
        const oD = wDec[q];
        for (let n = 0; n < N; n++) {
          for (let k = 0; k < cnt[n]; k++) {
            const f = idx[n * F + k];
            const av = act[n * F + f];
            const row = oD + f * D;
            const out = n * D;
            for (let d = 0; d < D; d++) yh[out + d] += av * p[row + d];
          }
        }
      }
    }
  }

  /** Σ_t mean_n ‖ŷ_t − ŷ*_t‖², its gradient to ŷ, to b_dec, and to W_dec through active features (and the padded columns'). */
  private reconstructionGradient(): number {
    const g = this.grad;
    g.fill(0);
    const { layers: L, dims: D, features: F, wDec, bDec, pairs } = this.layout;
    const N = this.data.n;
    // 1 under `sum` (×1 is exact, so the default path is unchanged); 1/(L·W) under `mean`.
    const scale = reconstructionScale(this.opts, L, D);
    let recon = 0;
    for (let t = 0; t < L; t++) {
      const yh = this.yHat[t];
      const y = this.data.y[t];
      const gy = this.gy[t];
      const oBD = bDec[t];
      for (let k = 0; k < N * D; k++) {
        const r = yh[k] - y[k];
        recon += ((r * r) / N) * scale;
        gy[k] = ((2 * r) / N) * scale;
        g[oBD + (k % D)] += gy[k];
      }
    }
    for (let q = 0; q < pairs.length; q++) {
      const { source: s, target: t } = pairs[q];
      const act = this.act[s];
      const idx = this.actIdx[s];
      const cnt = this.actCnt[s];
      const gy = this.gy[t];
      const oD = wDec[q];
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < cnt[n]; k++) {
          const f = idx[n * F + k];
          const av = act[n * F + f];
          const row = oD + f * D;
          for (let d = 0; d < D; d++) g[row + d] += av * gy[n * D + d];
        }
      }
    }
    if (this.padded) recon += this.padded.reconstruction(scale, this.act, this.actIdx, this.actCnt);
    return recon;
  }

  /** Decoder norm per (source, feature): `concat` √Σ_t‖W‖², `sum` Σ_t‖W‖ (SPEC §2). */
  private decoderNorms(): void {
    const p = this.params;
    const { layers: L, dims: D, features: F, wDec, pairs } = this.layout;
    const sum = this.opts.norm === 'sum';
    for (let q = 0; q < pairs.length; q++) {
      for (let f = 0; f < F; f++) {
        const row = wDec[q] + f * D;
        let s2 = 0;
        for (let d = 0; d < D; d++) s2 += p[row + d] * p[row + d];
        if (this.padded) s2 += this.padded.rowSquares(q, f);
        this.rowNorm[q * F + f] = Math.sqrt(s2);
      }
    }
    for (let s = 0; s < L; s++) {
      const qs = this.bySource[s];
      for (let f = 0; f < F; f++) {
        let acc = 0;
        for (let qi = 0; qi < qs.length; qi++) {
          const r = this.rowNorm[qs[qi] * F + f];
          acc += sum ? r : r * r;
        }
        this.norm[s * F + f] = sum ? acc : Math.sqrt(acc);
      }
    }
  }

  /**
   * Per (layer, sample, feature): the gradient to the activation a (reconstruction and
   * sparsity), then through JumpReLU's straight-through rule to h and θ, plus the
   * pre-activation loss Σ ReLU(θ − h). Also the sparsity gradient to each decoder norm.
   */
  private featureGradients(lambda: number): { sparsity: number; preact: number } {
    const p = this.params;
    const g = this.grad;
    const { layers: L, dims: D, features: F, wDec, pairs } = this.layout;
    const N = this.data.n;
    const { epsilon: eps, lambdaP, c } = this.opts;
    const penalty: PenaltyKind = this.opts.penalty;
    const reluThrough = this.opts.straightThrough === 'relu';
    const padded = this.padded;
    const negPreact = this.opts.preact === 'neg';
    const halfEps = eps / 2;
    const lamN = lambda / N;
    const preN = lambdaP / N;
    const theta = this.theta;
    const gTheta = this.gTheta;
    const norm = this.norm;
    const dNorm = this.dNorm;
    gTheta.fill(0);
    dNorm.fill(0);
    let sparsity = 0;
    let preact = 0;
    for (let s = 0; s < L; s++) {
      const h = this.h[s];
      const act = this.act[s];
      const gh = this.gh[s];
      const qs = this.bySource[s];
      for (let n = 0; n < N; n++) {
        for (let f = 0; f < F; f++) {
          const k = n * F + f;
          const hv = h[k];
          const th = theta[s * F + f];
          const active = hv > (th > 0 ? th : 0);
          const near = hv - th < halfEps && th - hv < halfEps;
          // ∂a/∂h passes where h > θ (`spec`) or wherever h ≥ 0 (`relu`, ReLU-style).
          const passes = reluThrough ? hv >= 0 : active;
          let ghv = 0;
          if (negPreact) {
            // Pre-activation loss Σ ReLU(−h): pulls negative pre-activations up to 0.
            if (hv < 0) {
              preact -= hv;
              ghv = -preN;
            }
          } else if (!active && hv <= th) {
            // Pre-activation loss: ReLU(θ − h) pushes dead features back towards firing.
            preact += th - hv;
            ghv = -preN;
            gTheta[s * F + f] += preN;
          }
          if (active || near || passes) {
            // ∂L/∂a from reconstruction: Σ_t W_dec[s→t]_f · ∂L/∂ŷ_t.
            let ga = 0;
            for (let qi = 0; qi < qs.length; qi++) {
              const q = qs[qi];
              const gy = this.gy[pairs[q].target];
              const row = wDec[q] + f * D;
              for (let d = 0; d < D; d++) ga += p[row + d] * gy[n * D + d];
              if (padded) ga += padded.gradToActivation(q, f, n);
            }
            const av = act[k];
            const nv = norm[s * F + f];
            if (penalty === 'l1') {
              sparsity += nv * av;
              ga += lamN * nv;
              dNorm[s * F + f] += lamN * av;
            } else if (penalty === 'tanh') {
              const tv = Math.tanh(c * nv * av);
              const sech2 = 1 - tv * tv;
              sparsity += tv;
              ga += lamN * c * nv * sech2;
              dNorm[s * F + f] += lamN * c * av * sech2;
            } else {
              if (active) sparsity += 1;
              // ∂1[h>θ]/∂θ = −(1/ε)·K((h−θ)/ε)
              if (near) gTheta[s * F + f] -= lamN / eps;
            }
            if (passes) ghv = reluThrough ? ghv + ga : ga; // ∂a/∂h = 1[h > θ], or 1[h ≥ 0] under relu
            if (near) gTheta[s * F + f] -= (ga * th) / eps; // ∂a/∂θ = −(θ/ε)·K((h−θ)/ε)
          }
          gh[k] = ghv;
        }
      }
    }
    for (let s = 0; s < L; s++) {
      const oT = this.layout.logTheta[s];
      if (this.layout.thetaParam === 'direct') for (let f = 0; f < F; f++) g[oT + f] = gTheta[s * F + f];
      else for (let f = 0; f < F; f++) g[oT + f] = gTheta[s * F + f] * theta[s * F + f]; // d/dlogθ = θ·d/dθ
    }
    return { sparsity: sparsity / N, preact: preact / N };
  }

  /** Sparsity gradient into W_dec through the decoder norm. */
  private decoderNormGradient(): void {
    const p = this.params;
    const g = this.grad;
    const { layers: L, dims: D, features: F, wDec } = this.layout;
    const mode: NormMode = this.opts.norm;
    for (let s = 0; s < L; s++) {
      const qs = this.bySource[s];
      for (let f = 0; f < F; f++) {
        const dn = this.dNorm[s * F + f];
        if (dn === 0) continue;
        for (let qi = 0; qi < qs.length; qi++) {
          const q = qs[qi];
          const denom = mode === 'sum' ? this.rowNorm[q * F + f] : this.norm[s * F + f];
          if (denom === 0) continue;
          const coef = dn / denom;
          const row = wDec[q] + f * D;
          for (let d = 0; d < D; d++) g[row + d] += coef * p[row + d];
          this.padded?.addNormGradient(q, f, coef);
        }
      }
    }
  }

  /** ∂L/∂W_enc = x̂ᵀ ∂L/∂h, ∂L/∂b_enc = Σ_n ∂L/∂h. */
  private encoderGradient(): void {
    const g = this.grad;
    const { layers: L, dims: D, features: F, wEnc, bEnc } = this.layout;
    const N = this.data.n;
    for (let l = 0; l < L; l++) {
      const x = this.data.x[l];
      const gh = this.gh[l];
      const oE = wEnc[l];
      const oB = bEnc[l];
      for (let n = 0; n < N; n++) {
        const base = n * F;
        for (let f = 0; f < F; f++) g[oB + f] += gh[base + f];
        for (let d = 0; d < D; d++) {
          const xv = x[n * D + d];
          if (xv === 0) continue;
          const row = oE + d * F;
          for (let f = 0; f < F; f++) g[row + f] += xv * gh[base + f];
        }
      }
    }
  }

  /** Adam with bias correction, over the whole flat parameter array. */
  adamStep(): void {
    const { beta1, beta2, eps } = ADAM;
    const t = this.step + 1;
    const lr = lrAt(this.opts, this.step);
    const c1 = 1 / (1 - beta1 ** t);
    const c2 = 1 / (1 - beta2 ** t);
    const p = this.params;
    const g = this.grad;
    const m = this.m;
    const v = this.v;
    for (let k = 0; k < p.length; k++) {
      const gk = g[k];
      const mk = beta1 * m[k] + (1 - beta1) * gk;
      const vk = beta2 * v[k] + (1 - beta2) * gk * gk;
      m[k] = mk;
      v[k] = vk;
      p[k] -= (lr * mk * c1) / (Math.sqrt(vk * c2) + eps);
    }
    this.padded?.adamStep(lr, t, beta1, beta2, eps);
  }

  /** The optimizer state, for handing a run to another engine. */
  optimizerState(): { m: Float64Array; v: Float64Array } {
    return { m: this.m, v: this.v };
  }
}
