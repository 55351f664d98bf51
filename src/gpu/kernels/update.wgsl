// Every parameter's gradient from what the step left behind, then Adam with bias correction
// (CpuTrainer's reconstructionGradient, decoderNormGradient, encoderGradient and adamStep).
// One invocation per parameter of every member: it reads and writes only its own parameter
// and moments, so no invocation races another. Sums over samples run in the CPU engine's order.

override WG: u32 = 64u;
override P: u32;
override L: u32;
override N: u32;
override D: u32;
override F: u32;
override STRIDE: u32;
override ENC_STRIDE: u32;
override B_ENC: u32;
override LOG_THETA: u32;
override W_DEC0: u32;
override B_DEC0: u32;
override FSTATE: u32;
override B1: f32;
override B1C: f32;
override B2: f32;
override B2C: f32;
override ADAM_EPS: f32;

@group(0) @binding(0) var<storage, read_write> params: array<f32>;
// Adam's m for every parameter, then its v.
@group(0) @binding(1) var<storage, read_write> moments: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> gh: array<f32>;
@group(0) @binding(4) var<storage, read> act: array<f32>;
@group(0) @binding(5) var<storage, read> gy: array<f32>;
@group(0) @binding(6) var<storage, read> members: array<Member>;
@group(0) @binding(7) var<storage, read> fstate: array<f32>;
@group(1) @binding(0) var<uniform> clock: Step;

// ∂L/∂W_enc = x̂ᵀ ∂L/∂h, ∂L/∂b_enc = Σ_n ∂L/∂h, ∂L/∂logθ from the features kernel.
fn encoderGradient(p: u32, k: u32) -> f32 {
  let l = k / ENC_STRIDE;
  let r = k % ENC_STRIDE;
  let h0 = (p * L + l) * N;
  if (r < B_ENC) {
    let d = r / F;
    let f = r % F;
    var g = 0.0;
    for (var n = 0u; n < N; n++) {
      g += x[(l * N + n) * D + d] * gh[(h0 + n) * F + f];
    }
    return g;
  }
  if (r < LOG_THETA) {
    let f = r - B_ENC;
    var g = 0.0;
    for (var n = 0u; n < N; n++) {
      g += gh[(h0 + n) * F + f];
    }
    return g;
  }
  return fstate[((p * L + l) * F + r - LOG_THETA) * FSTATE];
}

// ∂L/∂W_dec[s→t]_{f,d} = Σ_n a_{s,n,f} ∂L/∂ŷ_{t,n,d} + (dNorm / denom) · W; 0 where (s, t) is not allowed.
fn decoderGradient(p: u32, k: u32, w: f32) -> f32 {
  var q = (k - W_DEC0) / (F * D);
  let r = (k - W_DEC0) % (F * D);
  if ((members[p].pairMask & (1u << q)) == 0u) {
    return 0.0;
  }
  let f = r / D;
  let d = r % D;
  var s = 0u;
  while (q >= L - s) {
    q -= L - s;
    s++;
  }
  let t = s + q;
  var g = 0.0;
  for (var n = 0u; n < N; n++) {
    let av = act[((p * L + s) * N + n) * F + f];
    if (av != 0.0) {
      g += av * gy[((p * L + t) * N + n) * D + d];
    }
  }
  return g + fstate[((p * L + s) * F + f) * FSTATE + 3u + t] * w;
}

// ∂L/∂b_dec[t] = Σ_n ∂L/∂ŷ_t.
fn decoderBiasGradient(p: u32, k: u32) -> f32 {
  let t = (k - B_DEC0) / D;
  let d = (k - B_DEC0) % D;
  var g = 0.0;
  for (var n = 0u; n < N; n++) {
    g += gy[((p * L + t) * N + n) * D + d];
  }
  return g;
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid;
  if (i >= P * STRIDE) {
    return;
  }
  let p = i / STRIDE;
  let k = i % STRIDE;
  let w = params[i];
  var g: f32;
  if (k < W_DEC0) {
    g = encoderGradient(p, k);
  } else if (k < B_DEC0) {
    g = decoderGradient(p, k, w);
  } else {
    g = decoderBiasGradient(p, k);
  }
  let mk = B1 * moments[i] + B1C * g;
  let vk = B2 * moments[P * STRIDE + i] + B2C * g * g;
  moments[i] = mk;
  moments[P * STRIDE + i] = vk;
  params[i] = w - members[p].lr * mk * clock.c1 / (sqrt(vk * clock.c2) + ADAM_EPS);
}
