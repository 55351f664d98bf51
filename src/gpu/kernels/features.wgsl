// Per (member, source layer s, feature f): the decoder norm (concat or sum), the gradient to the
// activation a (reconstruction + sparsity), JumpReLU's straight-through rule to h and θ, and the
// pre-activation loss Σ ReLU(θ − h) (SPEC §2; CpuTrainer.decoderNorms and featureGradients).
// Writes ∂L/∂h per sample (gh) and, per (s, f), fstate = [∂L/∂logθ, S term, pre-activation term,
// then per target t the decoder-norm gradient coefficient dNorm / denom that `update` multiplies
// into W_dec[s→t]_f]. The update kernel turns these into every parameter's gradient.

override WG: u32 = 64u;
override P: u32;
override L: u32;
override N: u32;
override D: u32;
override F: u32;
override STRIDE: u32;
override ENC_STRIDE: u32;
override LOG_THETA: u32;
override W_DEC0: u32;
// f32 words per (member, layer, feature) in fstate.
override FSTATE: u32;

const PENALTY_L1: u32 = 0u;
const PENALTY_TANH: u32 = 1u;
const NORM_SUM: u32 = 1u;

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read> gy: array<f32>;
@group(0) @binding(2) var<storage, read> h: array<f32>;
@group(0) @binding(3) var<storage, read> members: array<Member>;
@group(0) @binding(4) var<storage, read_write> gh: array<f32>;
@group(0) @binding(5) var<storage, read_write> fstate: array<f32>;
@group(1) @binding(0) var<uniform> clock: Step;

fn allowed(mask: u32, s: u32, t: u32) -> bool {
  return (mask & (1u << pairIndex(s, t))) != 0u;
}

// First element of feature f's row in decoder W_dec[s→t] of member p.
fn decRow(p: u32, s: u32, t: u32, f: u32) -> u32 {
  return p * STRIDE + W_DEC0 + pairIndex(s, t) * F * D + f * D;
}

fn rowNorm(row: u32) -> f32 {
  var s2 = 0.0;
  for (var d = 0u; d < D; d++) {
    s2 += params[row + d] * params[row + d];
  }
  return sqrt(s2);
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid;
  if (i >= P * L * F) {
    return;
  }
  let f = i % F;
  let s = (i / F) % L;
  let p = i / (F * L);
  let mem = members[p];
  let mask = mem.pairMask;
  let sumMode = mem.norm == NORM_SUM;
  let th = exp(params[p * STRIDE + s * ENC_STRIDE + LOG_THETA + f]);

  // Decoder norm of (s, f): concat √Σ_t‖W‖², sum Σ_t‖W‖.
  var acc = 0.0;
  for (var t = s; t < L; t++) {
    if (allowed(mask, s, t)) {
      let rn = rowNorm(decRow(p, s, t, f));
      acc += select(rn * rn, rn, sumMode);
    }
  }
  let nv = select(sqrt(acc), acc, sumMode);

  let fN = f32(N);
  let lamN = lambdaAt(mem, clock.step) / fN;
  let preN = mem.lambdaP / fN;
  let eps = mem.epsilon;
  let halfEps = eps / 2.0;
  var gTheta = 0.0;
  var dNorm = 0.0;
  var sparsity = 0.0;
  var preact = 0.0;
  for (var n = 0u; n < N; n++) {
    let k = ((p * L + s) * N + n) * F + f;
    let hv = h[k];
    let fires = hv > th;
    let near = hv - th < halfEps && th - hv < halfEps;
    var ghv = 0.0;
    if (!fires) {
      // Pre-activation loss ReLU(θ − h) pushes dead features back towards firing.
      preact += th - hv;
      ghv = -preN;
      gTheta += preN;
    }
    if (fires || near) {
      // ∂L/∂a from reconstruction: Σ_t W_dec[s→t]_f · ∂L/∂ŷ_t.
      var ga = 0.0;
      for (var t = s; t < L; t++) {
        if (!allowed(mask, s, t)) {
          continue;
        }
        let row = decRow(p, s, t, f);
        let g0 = ((p * L + t) * N + n) * D;
        for (var d = 0u; d < D; d++) {
          ga += params[row + d] * gy[g0 + d];
        }
      }
      let av = select(0.0, hv, fires);
      if (mem.penalty == PENALTY_L1) {
        sparsity += nv * av;
        ga += lamN * nv;
        dNorm += lamN * av;
      } else if (mem.penalty == PENALTY_TANH) {
        // Clamped so no implementation overflows inside tanh; tanh(15) is 1 in f32.
        let tv = tanh(min(mem.c * nv * av, 15.0));
        let sech2 = 1.0 - tv * tv;
        sparsity += tv;
        ga += lamN * mem.c * nv * sech2;
        dNorm += lamN * mem.c * av * sech2;
      } else {
        if (fires) {
          sparsity += 1.0;
        }
        // ∂1[h>θ]/∂θ = −(1/ε)·K((h−θ)/ε)
        if (near) {
          gTheta -= lamN / eps;
        }
      }
      // ∂a/∂h = 1[h > θ]
      if (fires) {
        ghv = ga;
      }
      // ∂a/∂θ = −(θ/ε)·K((h−θ)/ε)
      if (near) {
        gTheta -= ga * th / eps;
      }
    }
    gh[k] = ghv;
  }
  let o = i * FSTATE;
  // d/dlogθ = θ · d/dθ
  fstate[o] = gTheta * th;
  fstate[o + 1u] = sparsity;
  fstate[o + 2u] = preact;
  // Sparsity gradient into W_dec[s→t]_f through the norm: (dNorm / denom) · W, denom per mode.
  for (var t = 0u; t < L; t++) {
    var coef = 0.0;
    if (t >= s && dNorm != 0.0 && allowed(mask, s, t)) {
      let denom = select(nv, rowNorm(decRow(p, s, t, f)), sumMode);
      if (denom != 0.0) {
        coef = dNorm / denom;
      }
    }
    fstate[o + 3u + t] = coef;
  }
}
