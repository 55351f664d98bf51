/**
 * "Bring your own model": pick an ONNX file, say how its inputs are enumerated and which
 * residual dim is the answer, and train PLT and CLT on it. The training worker checks the file
 * first for a quick answer (the page never parses ONNX itself), checks it again when loading it,
 * runs it with onnxruntime-web, and only then does the page switch to it. A refusal shows in the
 * error banner and leaves the run alone.
 */
import { useState, type ChangeEvent } from 'react';
import type { ModelInfo } from '../../core/model/modelInfo.ts';
import { parseInputRows, type InputEnumeration } from '../../core/model/uploadInputs.ts';
import { DEFAULT_LIMITS, MAX_ROWS } from '../../core/model/uploadLimits.ts';
import type { RunController } from '../../state/runner.ts';
import { useStore } from '../../state/store.ts';
import { compactNumber } from './rangeText.ts';

type Phase = 'idle' | 'checking' | 'ready' | 'loading' | 'loaded' | 'refused';

interface Picked {
  fileName: string;
  bytes: Uint8Array;
  info: ModelInfo;
}

/** The limits every upload is checked against, read from the constants that enforce them. */
const LIMITS_TEXT = (() => {
  const { maxBytes, maxInputs, maxLayers, maxDims, maxHidden } = DEFAULT_LIMITS;
  const mib = Number((maxBytes / 2 ** 20).toPrecision(3));
  return `ONNX file up to ${mib} MiB, at most ${maxInputs} inputs, ${maxLayers} layers, ${maxDims} residual dims and ` +
    `${compactNumber(maxHidden)} hidden neurons a layer; a CSV of up to ${compactNumber(MAX_ROWS)} input rows.`;
})();

function displayName(p: Picked): string {
  return p.info.defaulted.includes('name') ? p.fileName.replace(/\.onnx$/i, '') : p.info.name;
}

function DataSource() {
  const data = useStore((s) => s.dataSource);
  if (!data) return null;
  const how = data.source === 'onnx' ? 'activations collected by onnxruntime-web' : 'the TypeScript forward pass';
  const ms = data.collectMs > 0 ? ` (${Math.round(data.collectMs)} ms)` : '';
  return (
    <p className="hint" data-testid="data-source" data-value={data.source} title={data.note}>
      Training data of <b>{data.model}</b>: {how}
      {ms}.{data.note ? ` ${data.note}` : ''}
    </p>
  );
}

export function UploadPanel({ runner }: { runner: RunController }) {
  const uploaded = useStore((s) => s.uploadedModel);
  const [picked, setPicked] = useState<Picked | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [status, setStatus] = useState('');
  const [enumKind, setEnumKind] = useState<'signs' | 'csv'>('signs');
  const [csv, setCsv] = useState('');
  const [outputDim, setOutputDim] = useState(0);

  const refuse = (message: string): void => {
    runner.uploads.refuse(message);
    setPhase('refused');
    setStatus('Not loaded; the banner above says why. The current experiment goes on unchanged.');
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setPicked(null);
    setPhase('checking');
    setStatus(`Checking ${file.name}…`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const checked = await runner.uploads.check(bytes);
    if (!checked.ok) return refuse(checked.message);
    const info = checked.value;
    setPicked({ fileName: file.name, bytes, info });
    setOutputDim(info.outputDim);
    setPhase('ready');
    setStatus(`${file.name}: ${info.layers} layers, D = ${info.dims}, ${info.nInputs} inputs. Choose the inputs and output, then train.`);
  };

  const onCsvFile = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) setCsv(await file.text());
    setEnumKind('csv');
  };

  const train = async (): Promise<void> => {
    if (!picked) return;
    let enumeration: InputEnumeration = { kind: 'signs' };
    if (enumKind === 'csv') {
      const rows = parseInputRows(csv, picked.info.nInputs);
      if (!rows.ok) return refuse(rows.message);
      enumeration = { kind: 'csv', rows: rows.value };
    }
    const prepared = await runner.uploads.prepare(picked.bytes, { enumeration, outputDim });
    if (!prepared.ok) return refuse(prepared.message);
    const name = displayName(picked);
    setPhase('loading');
    setStatus(`Collecting ${name}'s activations with onnxruntime-web…`);
    const result = await runner.uploads.load(
      { name, model: { ...prepared.value.model, name }, info: prepared.value.info },
      { bytes: picked.bytes.slice().buffer, name, enumeration, outputDim },
    );
    if (!result.ok) {
      setPhase('refused');
      setStatus(`Not loaded: ${result.message}`);
      return;
    }
    setPhase('loaded');
    setStatus(`Training on ${name}.`);
  };

  const info = picked?.info;
  return (
    <section className="panel upload" aria-label="Bring your own model" data-testid="upload-panel">
      <h2>Bring your own model</h2>
      <p className="hint">
        An MLP-only residual network exported to ONNX as <code>models/README.md</code> describes (inputs <code>x</code> and one{' '}
        <code>mask_in_L</code> per layer).
      </p>
      <p className="hint" data-testid="upload-limits">{LIMITS_TEXT}</p>
      <label className="field">
        <span>ONNX file</span>
        <input type="file" accept=".onnx" data-testid="onnx-upload" onChange={(e) => void onFile(e)} disabled={phase === 'checking' || phase === 'loading'} />
      </label>
      {info && (
        <>
          <fieldset className="field upload-enum">
            <legend>inputs to run it on</legend>
            <label>
              <input type="radio" name="upload-enum" data-testid="upload-enum-signs" checked={enumKind === 'signs'} onChange={() => setEnumKind('signs')} />
              all ±1 combinations of its {info.nInputs} inputs ({1 << info.nInputs} rows)
            </label>
            <label>
              <input type="radio" name="upload-enum" data-testid="upload-enum-csv" checked={enumKind === 'csv'} onChange={() => setEnumKind('csv')} />
              rows from a CSV ({info.nInputs} numbers a row)
            </label>
            {enumKind === 'csv' && (
              <>
                <textarea data-testid="upload-csv" rows={4} value={csv} placeholder={Array.from({ length: info.nInputs }, () => '1').join(',')} onChange={(e) => setCsv(e.target.value)} />
                <input type="file" accept=".csv,.txt,text/csv" data-testid="upload-csv-file" aria-label="CSV of input rows" onChange={(e) => void onCsvFile(e)} />
              </>
            )}
          </fieldset>
          <label className="field">
            <span>output dim (the answer)</span>
            <select data-testid="upload-output" value={outputDim} onChange={(e) => setOutputDim(Number(e.target.value))}>
              {info.dimNames.map((n, d) => (
                <option key={d} value={d}>
                  {n}
                  {d === info.outputDim && !info.defaulted.includes('outputDim') ? ' (from the file)' : ''}
                </option>
              ))}
            </select>
          </label>
          <button data-testid="upload-train" onClick={() => void train()} disabled={phase === 'loading'}>
            train PLT and CLT on it
          </button>
        </>
      )}
      {status && (
        <p className={`hint upload-status upload-${phase}`} data-testid="upload-status" data-value={phase} role="status">
          {status}
        </p>
      )}
      {uploaded && (
        <p className="hint" data-testid="upload-note">
          Showing <b>{uploaded.name}</b>. A shared link carries the settings but not the weights: whoever opens it gets the write-up's
          model unless they upload the same file. Pick a circuit to leave this model.
        </p>
      )}
      <DataSource />
    </section>
  );
}
