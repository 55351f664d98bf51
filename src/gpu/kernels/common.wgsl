// Shared by every kernel: the host prepends this file to each kernel's source (device.ts).
// Every kernel declares the override L that pairIndex reads.

// One member's training options, packed by packMembers in programs.ts (12 words).
struct Member {
  lambda: f32,
  ramp: f32,
  c: f32,
  lr: f32,
  epsilon: f32,
  lambdaP: f32,
  penalty: u32,
  norm: u32,
  pairMask: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

// The step of one encoded training step and Adam's bias corrections for it (STEP_BYTES).
struct Step {
  step: u32,
  c1: f32,
  c2: f32,
  pad: u32,
}

// λ at a step: a linear ramp from 0 over the member's warm-up steps (SPEC §2; lambdaAt in cpuTrainer.ts).
fn lambdaAt(m: Member, step: u32) -> f32 {
  if (m.ramp > 0.0) {
    return m.lambda * min(1.0, f32(step) / m.ramp);
  }
  return m.lambda;
}

// Index of the decoder pair (s, t) in the full CLT layout, ordered by s then t (fullPairIndex in programs.ts).
fn pairIndex(s: u32, t: u32) -> u32 {
  return s * (2u * L - s + 1u) / 2u + (t - s);
}
