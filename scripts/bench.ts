/** `npm run bench -- [--json]`: CPU engine steps per second of one CLT on the default experiment. */
import { xorAndModel } from '../src/core/model/xorAnd.ts';
import { cpuTrainer, modelData } from '../src/core/run.ts';
import { parseBenchOptions } from './cliOptions.ts';

const parsed = parseBenchOptions(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`bench: ${parsed.message}`);
  process.exit(2);
}
const { config, json } = parsed.value;
const model = xorAndModel();
const data = modelData(model);
// Warm the JIT on a throwaway run, then time a fresh one over the full schedule.
cpuTrainer('clt', model, data, { ...config, seed: 1 }).train(Math.min(2000, config.steps));
const trainer = cpuTrainer('clt', model, data, config);
const t0 = performance.now();
trainer.train(config.steps);
const seconds = (performance.now() - t0) / 1000;
const stepsPerSecond = Math.round(config.steps / seconds);
console.log(`CPU engine, one CLT, ${config.features} features/layer: ${config.steps} steps in ${seconds.toFixed(2)} s = ${stepsPerSecond} steps/s`);
if (json) console.log(JSON.stringify({ engine: 'cpu', features: config.features, steps: config.steps, stepsPerSecond }));
