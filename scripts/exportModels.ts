/** `npm run export-models`: writes every model in MODEL_FILES to models/ as ONNX (CONTRACTS §4). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportBaseModel } from '../src/onnx/export.ts';
import { MODEL_FILES } from '../src/onnx/modelFiles.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'models');
mkdirSync(dir, { recursive: true });
for (const { file, build } of MODEL_FILES) {
  const model = build();
  const bytes = exportBaseModel(model);
  const path = join(dir, file);
  writeFileSync(path, bytes);
  console.log(`${relative(process.cwd(), path)}: ${model.name}, D = ${model.dims}, ${model.layers.length} layers, ${bytes.length} bytes`);
}
