/**
 * A WebGPU adapter in Node through the `webgpu` package (Dawn), for the *.gpu.test.ts suites.
 * `npm run test:gpu` points Dawn at Chromium's SwiftShader; without an adapter the suites skip.
 */

/** The GPU and one device, or why there is none. */
export async function openGpu(): Promise<{ gpu: GPU; device: GPUDevice } | string> {
  try {
    const { create } = await import('webgpu');
    const gpu = create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'no WebGPU adapter; run `npm run test:gpu` (it points Dawn at SwiftShader)';
    return { gpu, device: await adapter.requestDevice() };
  } catch (e) {
    return `the webgpu package did not load: ${e instanceof Error ? e.message : String(e)}`;
  }
}
