/**
 * The kernels' WGSL text through Vite's `?raw` imports (Vite builds and Vitest). Node scripts
 * run by tsx, which has no `?raw`, read `kernels/<name>.wgsl` from disk and pass the same
 * record to GpuEngine.create; the engine imports this module lazily only when none is given.
 */
import type { ShaderSources } from './programs.ts';
import common from './kernels/common.wgsl?raw';
import decode from './kernels/decode.wgsl?raw';
import encode from './kernels/encode.wgsl?raw';
import features from './kernels/features.wgsl?raw';
import loss from './kernels/loss.wgsl?raw';
import update from './kernels/update.wgsl?raw';

/** Every kernel's source, keyed by kernel name. */
export const shaderSources: ShaderSources = { common, encode, decode, features, update, loss };
