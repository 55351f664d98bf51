/**
 * The recipe preset in force and the recipe options of SPEC §2 ("Recipe presets"): choosing a
 * preset sets every option; an option changed afterwards is listed as a departure from it.
 */
import {
  COMPILED_CIRCUIT_TRAIN, DATA_LAYOUTS, DEFAULT_TRAIN, INIT_SCHEMES, PREACT_FORMS, PRESETS, REDUCTIONS, STRAIGHT_THROUGH, THETA_PARAMS,
  presetDepartures, presetValues, type ExperimentConfig, type PresetName, type RecipeKey,
} from '../../core/config.ts';
import { useStore } from '../../state/store.ts';
import { NumberField } from './NumberField.tsx';

const PRESET_TEXT: Record<PresetName, string> = {
  spec: 'spec (calibration recipe)',
  'write-up': "write-up (the authors' recipe)",
};
const PRESET_HINT: Record<PresetName, string> = {
  spec: `SPEC §2 calibration: l1, λ ${DEFAULT_TRAIN.lambda} (${COMPILED_CIRCUIT_TRAIN.lambda} on a compiled circuit), 15,000 steps; it reproduces the collapse.`,
  'write-up': "the write-up authors' recipe and data: tanh c 1, λ 0.018, a mean over 110 padded dims, the as-trained layout.",
};

/** How each recipe option is named on the page (and in the departures line). */
export const RECIPE_LABELS: Record<RecipeKey, string> = {
  lambda: 'λ', penalty: 'penalty', c: 'tanh c', norm: 'decoder norm', features: 'features', lr: 'learning rate',
  steps: 'steps', window: 'CLT span', epsilon: 'ε', lambdaP: 'λ_p', warmup: 'λ ramp share', asymmetry: 'L0-asymmetry',
  consistency: 'consistency', reduction: 'reduction', padDims: 'padded dims', layout: 'layout', thetaParam: 'θ parametrization',
  thetaInit: 'θ init', straightThrough: 'straight-through', preact: 'pre-activation loss', init: 'init', lrDecayStep: 'lr decay step',
  lrDecayFactor: 'lr decay factor',
};

type ChoiceKey = 'reduction' | 'layout' | 'thetaParam' | 'straightThrough' | 'preact' | 'init';
const CHOICES: [ChoiceKey, readonly string[], Record<string, string>][] = [
  ['reduction', REDUCTIONS, { sum: 'sum: Σ_t mean_n ‖ŷ − y‖²', mean: 'mean over samples × layers × dims' }],
  ['layout', DATA_LAYOUTS, { 'as-described': 'as described (SPEC §1)', 'as-trained': 'as trained (the write-up file’s axes)' }],
  ['thetaParam', THETA_PARAMS, { log: 'log θ', direct: 'θ directly' }],
  ['straightThrough', STRAIGHT_THROUGH, { spec: '∂a/∂h = 1[h > θ]', relu: '∂a/∂h = 1[h ≥ 0] (ReLU-style)' }],
  ['preact', PREACT_FORMS, { theta: 'Σ ReLU(θ − h) on inactive', neg: 'Σ ReLU(−h)' }],
  ['init', INIT_SCHEMES, { spec: 'normal (SPEC §2)', uniform: 'uniform (write-up)' }],
];

/** The departures line: which options differ from the preset, with the preset's value. */
export function departureText(config: ExperimentConfig): string {
  const keys = presetDepartures(config);
  if (keys.length === 0) return `every recipe option is the ${config.preset} preset's`;
  const preset = presetValues(config.preset, config.circuit);
  return `departs from ${config.preset} in: ${keys.map((k) => `${RECIPE_LABELS[k]} ${String(config[k])} (preset ${String(preset[k])})`).join(', ')}`;
}

export function RecipePanel() {
  const config = useStore((s) => s.config);
  const setConfig = useStore((s) => s.setConfig);
  const departures = presetDepartures(config);
  return (
    <div className="recipe" role="group" aria-label="Recipe preset">
      <label className="field">
        <span>recipe preset</span>
        <select
          data-testid="preset"
          value={config.preset}
          aria-describedby="preset-departures"
          onChange={(e) => setConfig(presetValues(e.target.value as PresetName, config.circuit))}
        >
          {PRESETS.map((p) => (
            <option key={p} value={p}>
              {PRESET_TEXT[p]}
            </option>
          ))}
        </select>
      </label>
      <p className="hint" id="preset-departures" data-testid="preset-departures" data-value={departures.join(',')}>
        Preset in force: <strong>{config.preset}</strong>, {PRESET_HINT[config.preset]} {departureText(config)[0].toUpperCase()}{departureText(config).slice(1)}.
      </p>
      <details>
        <summary>recipe options</summary>
        {CHOICES.map(([key, choices, text]) => (
          <label className="field" key={key}>
            <span>{RECIPE_LABELS[key]}</span>
            <select
              data-testid={`recipe-${key}`}
              value={config[key]}
              onChange={(e) => setConfig({ [key]: e.target.value } as Partial<ExperimentConfig>)}
            >
              {choices.map((c) => (
                <option key={c} value={c}>
                  {text[c]}
                </option>
              ))}
            </select>
          </label>
        ))}
        <NumberField label="padded dims (0 = the model's)" boundKey="padDims" value={config.padDims} testId="padDims" step="1"
          title="the width the mean reduction divides by per layer; the write-up's residual stream had 110" onCommit={(padDims) => setConfig({ padDims })} />
        <NumberField label="θ init" boundKey="thetaInit" value={config.thetaInit} testId="thetaInit" onCommit={(thetaInit) => setConfig({ thetaInit })} />
        <NumberField label="lr decay at step (0 = never)" boundKey="lrDecayStep" value={config.lrDecayStep} testId="lrDecayStep" step="1"
          onCommit={(lrDecayStep) => setConfig({ lrDecayStep })} />
        <NumberField label="lr decay factor" boundKey="lrDecayFactor" value={config.lrDecayFactor} testId="lrDecayFactor"
          onCommit={(lrDecayFactor) => setConfig({ lrDecayFactor })} />
      </details>
    </div>
  );
}
