// Shared by every kernel: the host prepends this file to each kernel's source (device.ts).

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
