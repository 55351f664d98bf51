/** `npm run reproduce -- [options]`: the write-up's Table 1 for CLT and PLT (CONTRACTS §1). */
import { xorAndModel } from '../src/core/model/xorAnd.ts';
import { parseCliOptions } from './cliOptions.ts';
import { formatTable, reproduceRuns } from './reproduceRuns.ts';

const argv = process.argv.slice(2);
const timing = !argv.includes('--no-timing');
const parsed = parseCliOptions(argv.filter((a) => a !== '--no-timing'));
if (!parsed.ok) {
  console.error(`reproduce: ${parsed.message}`);
  process.exit(2);
}
const { config, kinds, seeds, json, circuit } = parsed.value;
if (circuit) {
  console.error('reproduce: --circuit: only the write-up\'s model is available in this version');
  process.exit(2);
}
const model = xorAndModel();
const runs = reproduceRuns(model, config, kinds, seeds, timing);
console.log(`${model.name} — ${seeds.length} seed(s), ${config.steps} steps, λ ${config.lambda}, ${config.penalty}, norm ${config.norm}`);
console.log(formatTable(runs, kinds, model.layers.length));
if (json) console.log(JSON.stringify({ config: { ...config, kinds, seeds, circuit: circuit || model.name }, runs }));
