/** The kernels' WGSL read from disk, for Node scripts run by tsx (which has no Vite `?raw`). */
import { readFileSync } from 'node:fs';
import { KERNELS, type ShaderSources } from '../src/gpu/programs.ts';

export function shaderFiles(): ShaderSources {
  const read = (name: string) => readFileSync(new URL(`../src/gpu/kernels/${name}.wgsl`, import.meta.url), 'utf8');
  return Object.fromEntries([...KERNELS, 'common'].map((k) => [k, read(k)])) as ShaderSources;
}
