/// <reference types="@webgpu/types" />
// WebGPU's types (navigator.gpu, GPUDevice, …) for src/gpu; the tsconfig `types` list omits them.

/** A WGSL kernel imported as text through Vite's `?raw` suffix (Vite and Vitest). */
declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}
