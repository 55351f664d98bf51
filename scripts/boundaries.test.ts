/**
 * The floors' boundaries hold by lint (eslint.config.js, layerRules): each probe import below is
 * linted in memory as if it sat in that file, through ESLint's own API.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(filePath: string, from: string): Promise<string[]> {
  const code = `import { x } from '${from}';\nexport const y = x;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer boundaries', () => {
  const never: [string, string][] = [
    ['src/core/probe.ts', '../gpu/device.ts'],
    ['src/core/probe.ts', '../state/store.ts'],
    ['src/core/model/probe.ts', '../../worker/protocol.ts'],
    ['src/core/transcoder/probe.ts', '../../onnx/validate.ts'],
    ['src/core/probe.ts', 'react'],
    ['src/core/attribution/probe.ts', 'd3'],
    ['src/gpu/probe.ts', '../worker/protocol.ts'],
    ['src/gpu/probe.ts', '../onnx/session.ts'],
    ['src/onnx/probe.ts', '../gpu/device.ts'],
    ['src/onnx/probe.ts', '../views/types.ts'],
    ['src/worker/probe.ts', '../state/store.ts'],
    ['src/worker/probe.ts', '../views/types.ts'],
    ['src/worker/probe.ts', '../app/App.tsx'],
    ['src/state/probe.ts', '../views/types.ts'],
    ['src/state/probe.ts', '../onnx/validate.ts'],
    ['src/state/probe.ts', '../app/App.tsx'],
    ['src/state/probe.ts', '../onnx/upload.ts'],
    ['src/views/probe.tsx', '../worker/sweepProtocol.ts'],
    ['src/views/probe.tsx', '../worker/client.ts'],
    ['src/views/probe.tsx', '../onnx/upload.ts'],
    ['src/views/controls/probe.tsx', '../../worker/engines.ts'],
    ['src/views/controls/probe.tsx', '../../onnx/validate.ts'],
    ['src/views/charts/probe.ts', '../../worker/sweepPoolClient.ts'],
    ['src/views/charts/probe.ts', '../../onnx/session.ts'],
    ['src/views/probe.tsx', '../gpu/device.ts'],
    ['src/views/probe.tsx', '../app/App.tsx'],
    ['src/views/probe.tsx', '../../scripts/reproduceRuns.ts'],
    ['src/views/probe.test.ts', '../worker/client.ts'],
  ];
  it.each(never)('%s may not import %s', async (file, from) => {
    expect(await restricted(file, from)).toHaveLength(1);
  });

  const allowed: [string, string][] = [
    ['src/core/probe.ts', './config.ts'],
    ['src/core/model/probe.ts', '../config.ts'],
    ['src/core/model/probe.ts', '../transcoder/data.ts'],
    ['src/gpu/probe.ts', '../core/engine.ts'],
    ['src/onnx/probe.ts', '../core/model/baseModel.ts'],
    ['src/worker/probe.ts', '../gpu/gpuEngine.ts'],
    ['src/worker/probe.ts', '../onnx/session.ts'],
    ['src/worker/probe.ts', '../../models/xor-and.onnx?url&no-inline'],
    ['src/state/probe.ts', '../worker/protocol.ts'],
    ['src/views/probe.ts', '../state/store.ts'],
    ['src/views/probe.tsx', '../state/sweep.ts'],
    ['src/views/probe.tsx', './charts/phaseDiagram.ts'],
    ['src/views/controls/probe.tsx', '../../core/model/uploadLimits.ts'],
    ['src/views/controls/probe.tsx', '../types.ts'],
    ['src/views/probe.test.ts', '../../scripts/reproduceRuns.ts'],
    ['src/views/charts/probe.ts', '../../core/config.ts'],
    ['src/state/probe.ts', '../worker/sweepPoolClient.ts'],
    ['src/core/sweep/probe.ts', '../model/baseModel.ts'],
  ];
  it.each(allowed)('%s may import %s', async (file, from) => {
    expect(await restricted(file, from)).toEqual([]);
  });
});
