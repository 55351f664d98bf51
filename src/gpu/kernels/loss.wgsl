// Loss parts per member at the step just taken: recon = Σ_t mean_n ‖ŷ_t − ŷ*_t‖², S and the
// pre-activation sum (both means over samples), and loss = recon + λ(step)·S + λ_p·preact.
// One invocation per member; runs only on the last step of a train call, whose loss is read back.

override WG: u32 = 64u;
override P: u32;
override L: u32;
override N: u32;
override D: u32;
override F: u32;
override FSTATE: u32;

@group(0) @binding(0) var<storage, read> rsq: array<f32>;
@group(0) @binding(1) var<storage, read> fstate: array<f32>;
@group(0) @binding(2) var<storage, read> members: array<Member>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(1) @binding(0) var<uniform> clock: Step;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let p = (wg.y * nwg.x + wg.x) * WG + lid;
  if (p >= P) {
    return;
  }
  var recon = 0.0;
  for (var k = 0u; k < L * N * D; k++) {
    recon += rsq[p * L * N * D + k];
  }
  var sparsity = 0.0;
  var preact = 0.0;
  for (var k = 0u; k < L * F; k++) {
    sparsity += fstate[(p * L * F + k) * FSTATE + 1u];
    preact += fstate[(p * L * F + k) * FSTATE + 2u];
  }
  sparsity /= f32(N);
  preact /= f32(N);
  let mem = members[p];
  loss[4u * p] = recon + lambdaAt(mem, clock.step) * sparsity + mem.lambdaP * preact;
  loss[4u * p + 1u] = recon;
  loss[4u * p + 2u] = sparsity;
  loss[4u * p + 3u] = preact;
}
