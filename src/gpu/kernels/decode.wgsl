// Decoder forward and reconstruction gradient (SPEC §2): ŷ_t = b_dec[t] + Σ_{allowed s ≤ t} a_s W_dec[s→t],
// ∂L/∂ŷ_t = 2 (ŷ_t − ŷ*_t) / N and the loss term (ŷ_t − ŷ*_t)² / N.
// One invocation per (member, target layer, sample, dim).

override WG: u32 = 64u;
override P: u32;
override L: u32;
override N: u32;
override D: u32;
override F: u32;
override STRIDE: u32;
override W_DEC0: u32;
override B_DEC0: u32;

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read> act: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> members: array<Member>;
@group(0) @binding(4) var<storage, read_write> gy: array<f32>;
@group(0) @binding(5) var<storage, read_write> rsq: array<f32>;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid;
  if (i >= P * L * N * D) {
    return;
  }
  let d = i % D;
  let n = (i / D) % N;
  let t = (i / (D * N)) % L;
  let p = i / (D * N * L);
  let mask = members[p].pairMask;
  var yh = params[p * STRIDE + B_DEC0 + t * D + d];
  for (var s = 0u; s <= t; s++) {
    let q = pairIndex(s, t);
    if ((mask & (1u << q)) == 0u) {
      continue;
    }
    let dec = p * STRIDE + W_DEC0 + q * F * D;
    let a0 = ((p * L + s) * N + n) * F;
    for (var f = 0u; f < F; f++) {
      let av = act[a0 + f];
      // Only active features contribute, as in the CPU engine's active lists.
      if (av != 0.0) {
        yh += av * params[dec + f * D + d];
      }
    }
  }
  let r = yh - y[(t * N + n) * D + d];
  gy[i] = 2.0 * r / f32(N);
  rsq[i] = r * r / f32(N);
}
