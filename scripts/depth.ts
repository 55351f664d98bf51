/** `npm run depth -- FILE [FILE] [--json]`: depth signatures of circuit-tracer graph files (CONTRACTS §1, SPEC §6). */
import { nodeFiles, runDepth } from './depthCli.ts';

const out = runDepth(process.argv.slice(2), nodeFiles);
for (const line of out.stdout) console.log(line);
for (const line of out.stderr) console.error(line);
process.exitCode = out.code;
