/** `npm run reproduce -- [options]`: the write-up's Table 1 for CLT and PLT (CONTRACTS §1). */
import { resolveCircuit } from './circuitOption.ts';
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
const resolved = resolveCircuit(circuit);
if (!resolved.ok) {
  console.error(`reproduce: ${resolved.message}`);
  process.exit(2);
}
const model = resolved.value;
const runs = reproduceRuns(model, config, kinds, seeds, timing);
const mitigations = `${config.asymmetry > 0 ? `, asymmetry ${config.asymmetry}` : ''}${config.consistency > 0 ? `, consistency ${config.consistency}` : ''}`;
console.log(`${model.name} — ${seeds.length} seed(s), ${config.steps} steps, λ ${config.lambda}, ${config.penalty}, norm ${config.norm}${mitigations}`);
console.log(formatTable(runs, kinds, model.layers.length));
if (json) console.log(JSON.stringify({ config: { ...config, kinds, seeds, circuit: circuit || model.name }, runs }));
