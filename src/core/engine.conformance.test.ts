/**
 * The CPU engine against the engine contract (engineConformance.ts). It is the reference itself,
 * one CpuTrainer per member in float64, so every tolerance is 0: bit-identical to cpuTrainer.
 */
import { CpuEngine } from './cpuEngine.ts';
import { describeEngine } from './engineConformance.ts';

describeEngine('cpu', async (model, members) => new CpuEngine(model, members), {
  storage: 'float64',
  tolerance: { params: 0, update: 0, loss: 0, mse: 0 },
  // Not on the Engine interface: the CPU engine's state is its trainers' params and Adam moments (and padded columns').
  exportState: (engine) => engine.exportState(),
});
