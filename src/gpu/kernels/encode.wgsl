// Encoder forward (SPEC §2): h = x̂ W_enc[l] + b_enc[l], a = JumpReLU(h) = h · 1[h > θ].
// One invocation per (member, layer, sample, feature); params in the padded full layout.

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

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> h: array<f32>;
@group(0) @binding(3) var<storage, read_write> act: array<f32>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid;
  if (i >= P * L * N * F) {
    return;
  }
  let f = i % F;
  let n = (i / F) % N;
  let l = (i / (F * N)) % L;
  let p = i / (F * N * L);
  let enc = p * STRIDE + l * ENC_STRIDE;
  // Same summation order as the CPU engine: bias first, then dims in order.
  var z = params[enc + B_ENC + f];
  for (var d = 0u; d < D; d++) {
    z += x[(l * N + n) * D + d] * params[enc + d * F + f];
  }
  let theta = exp(params[enc + LOG_THETA + f]);
  h[i] = z;
  act[i] = select(0.0, z, z > theta);
}
