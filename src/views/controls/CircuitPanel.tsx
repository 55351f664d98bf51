/**
 * The ground-truth circuit: a preset or a typed boolean formula. A formula is compiled here
 * first, so a mistake is shown (with a caret under it) and never reaches the config; a good one
 * restarts the run on the new model (the worker compiles the same text).
 */
import { useId, useRef, useState } from 'react';
import { DEFAULT_EXPERIMENT } from '../../core/config.ts';
import { compileCircuit } from '../../core/model/circuit.ts';
import { PRESETS, XOR_AND_FORMULA } from '../../core/model/presets.ts';
import { lambdaForCircuit, useStore } from '../../state/store.ts';
import { useModel } from '../../state/useModel.ts';
import '../depth.css';

/** The URL value for a formula: the write-up's model is the empty circuit. */
function canonical(text: string): string {
  const t = text.trim();
  return t === XOR_AND_FORMULA ? '' : t;
}

/** The preset a circuit value is, or 'custom'. */
function presetOf(circuit: string): string {
  const c = canonical(circuit);
  return PRESETS.find((p) => canonical(p.formula) === c)?.id ?? 'custom';
}

interface FormulaProblem {
  text: string;
  message: string;
  position: number | null;
}

export function CircuitPanel() {
  const circuit = useStore((s) => s.config.circuit);
  const uploaded = useStore((s) => s.uploadedModel);
  const setConfig = useStore((s) => s.setConfig);
  const model = useModel();
  // A hand-built preset (`preset:…`) has no formula: the box stays empty rather than show its id.
  const handBuilt = circuit.trim().startsWith('preset:');
  const shownFormula = circuit.trim() === '' ? XOR_AND_FORMULA : handBuilt ? '' : circuit;
  // The draft belongs to the circuit it was typed against; a new circuit (URL, preset) resets it.
  const [draft, setDraft] = useState<{ circuit: string; text: string } | null>(null);
  const [problem, setProblem] = useState<FormulaProblem | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const ids = useId();
  const text = draft && draft.circuit === circuit ? draft.text : shownFormula;
  const preset = presetOf(circuit);
  const hint = PRESETS.find((p) => p.id === preset)?.description ?? 'A formula of your own.';

  const apply = (formula: string) => {
    const built = compileCircuit(formula);
    if (!built.ok) {
      const position = built.position ?? null;
      setProblem({ text: formula, message: built.message, position });
      if (position !== null && input.current) {
        input.current.focus();
        input.current.setSelectionRange(position, Math.min(formula.length, position + 1));
      }
      return;
    }
    setProblem(null);
    setDraft(null);
    const next = canonical(formula);
    // The write-up's model opens on its TRUE default input; another model on input 0.
    const shown = next === '' ? DEFAULT_EXPERIMENT.input : 0;
    // λ follows the circuit's default (a compiled circuit has its own) unless the user set it.
    const lambda = lambdaForCircuit(useStore.getState().config, next);
    if (next !== canonical(circuit)) setConfig({ circuit: next, cuts: [], input: shown, lambda });
    // An upload leaves the circuit at '': leaving it for the write-up's model needs a different value, so spell it out.
    else if (uploaded && next === '') setConfig({ circuit: XOR_AND_FORMULA, cuts: [], input: shown, lambda });
  };

  const layers = model.layers;
  const neurons = layers.map((l) => l.hidden).join(' + ');
  return (
    <fieldset className="circuit-panel" aria-label="Ground-truth circuit">
      <legend>Ground-truth circuit</legend>
      <label className="field">
        <span>preset</span>
        <select
          data-testid="circuit-preset"
          value={preset}
          aria-describedby={`${ids}-hint`}
          onChange={(e) => {
            const p = PRESETS.find((x) => x.id === e.target.value);
            if (p) apply(p.formula);
          }}
        >
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id} title={p.label}>
              {p.label.split(':')[0]}
            </option>
          ))}
          {preset === 'custom' && <option value="custom">custom formula</option>}
        </select>
      </label>
      <p className="hint" id={`${ids}-hint`}>{hint}</p>
      <label className="field" htmlFor={`${ids}-formula`}>
        <span>formula (AND, OR, XOR, NOT, parentheses; up to 12 inputs)</span>
      </label>
      <div className="circuit-row">
        <textarea
          id={`${ids}-formula`}
          ref={input}
          className="circuit-formula"
          data-testid="circuit"
          rows={2}
          spellCheck={false}
          autoComplete="off"
          value={text}
          placeholder={handBuilt ? 'a hand-built model: no formula; type one to replace it' : undefined}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${ids}-error` : undefined}
          onChange={(e) => {
            setDraft({ circuit, text: e.target.value });
            setProblem(null);
          }}
          onKeyDown={(e) => {
            // One line of formula: Enter applies it rather than breaking the line.
            if (e.key === 'Enter') {
              e.preventDefault();
              apply(e.currentTarget.value);
            }
          }}
        />
        <button type="button" data-testid="circuit-apply" onClick={() => apply(text)} disabled={handBuilt && text.trim() === ''}>
          Apply
        </button>
      </div>
      {problem && (
        <div className="circuit-error" role="alert" id={`${ids}-error`} data-testid="circuit-error" data-value={problem.position ?? ''}>
          {problem.position !== null && (
            <pre className="circuit-caret" aria-hidden="true" data-testid="circuit-caret">
              {problem.text}
              {'\n'}
              {' '.repeat(problem.position)}^
            </pre>
          )}
          <span>{problem.message}. The run was left as it was.</span>
        </div>
      )}
      <p className="hint circuit-summary" data-testid="circuit-summary">
        {uploaded ? `Showing the uploaded model ${uploaded.name}; applying a circuit replaces it. ` : ''}
        {model.inputDims.length} inputs ({model.n} rows), {layers.length} layer{layers.length === 1 ? '' : 's'}, D = {model.dims}{' '}
        dims ({model.dimNames.join(' ')}), neurons per layer {neurons}.
      </p>
    </fieldset>
  );
}
