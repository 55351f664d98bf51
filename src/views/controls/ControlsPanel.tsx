/** Every training setting; changing one restarts the run from its seed (the store says so). */
import { NORMS, PENALTIES, type NormMode, type PenaltyKind } from '../../core/config.ts';
import { useStore } from '../../state/store.ts';
import { useModel } from '../../state/useModel.ts';
import { CircuitPanel } from './CircuitPanel.tsx';
import { NumberField } from './NumberField.tsx';
import { RecipePanel } from './RecipePanel.tsx';

const LOG_MIN = Math.log10(0.01);
const LOG_MAX = Math.log10(10);

export function ControlsPanel() {
  const config = useStore((s) => s.config);
  const setConfig = useStore((s) => s.setConfig);
  const layers = useModel().layers.length;
  return (
    <section className="panel controls" aria-label="Training settings">
      <h2>Settings</h2>
      <CircuitPanel />
      <RecipePanel />
      <div className="lambda-row">
        <label className="field" htmlFor="lambda-slider">
          <span>
            sparsity λ <small>(log scale)</small>
          </span>
          <input
            id="lambda-slider"
            type="range"
            data-testid="lambda-slider"
            min={LOG_MIN}
            max={LOG_MAX}
            step={0.05}
            value={Math.log10(config.lambda)}
            aria-valuetext={`λ = ${config.lambda}`}
            onChange={(e) => setConfig({ lambda: Number(Number(10 ** Number(e.target.value)).toPrecision(3)) })}
          />
        </label>
        <NumberField label="λ" boundKey="lambda" value={config.lambda} testId="lambda" onCommit={(lambda) => setConfig({ lambda })} />
      </div>
      <label className="field">
        <span>penalty</span>
        <select data-testid="penalty" value={config.penalty} onChange={(e) => setConfig({ penalty: e.target.value as PenaltyKind })}>
          {PENALTIES.map((p) => (
            <option key={p} value={p}>
              {p === 'l1' ? 'l1: ‖W_dec‖·a' : p === 'tanh' ? 'tanh(c·‖W_dec‖·a)' : 'l0: 1[h > θ]'}
            </option>
          ))}
        </select>
      </label>
      <NumberField label="tanh c" boundKey="c" value={config.c} testId="c" onCommit={(c) => setConfig({ c })} title="saturation of the tanh penalty" />
      <label className="field">
        <span>decoder norm</span>
        <select data-testid="norm" value={config.norm} onChange={(e) => setConfig({ norm: e.target.value as NormMode })}>
          {NORMS.map((n) => (
            <option key={n} value={n}>
              {n === 'concat' ? 'concat: √Σ‖W‖² (Anthropic)' : 'sum: Σ‖W‖ (mitigation)'}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>CLT span</span>
        <select data-testid="window" value={config.window} onChange={(e) => setConfig({ window: Number(e.target.value) })}>
          <option value={0}>all later layers</option>
          {Array.from({ length: layers - 1 }, (_, k) => k + 1).map((k) => (
            <option key={k} value={k}>
              {k} layer{k > 1 ? 's' : ''} (t − s &lt; {k})
            </option>
          ))}
        </select>
      </label>
      <NumberField
        label="L0-asymmetry penalty"
        boundKey="asymmetry"
        value={config.asymmetry}
        testId="asymmetry"
        title="mitigation: penalize the variance of L0 across layers (0 = off)"
        onCommit={(asymmetry) => setConfig({ asymmetry })}
      />
      <NumberField
        label="consistency loss"
        boundKey="consistency"
        value={config.consistency}
        testId="consistency"
        title="mitigation: during training, cut hand-offs in the real and the replacement model and penalize disagreement (0 = off; CPU engine)"
        onCommit={(consistency) => setConfig({ consistency })}
      />
      <NumberField label="features / layer" boundKey="features" value={config.features} testId="features" step="1" onCommit={(features) => setConfig({ features })} />
      <NumberField label="learning rate" boundKey="lr" value={config.lr} testId="lr" onCommit={(lr) => setConfig({ lr })} />
      <NumberField label="steps" boundKey="steps" value={config.steps} testId="steps" step="1000" onCommit={(steps) => setConfig({ steps })} />
      <NumberField label="seed" boundKey="seed" value={config.seed} testId="seed" step="1" onCommit={(seed) => setConfig({ seed })} />
      <details>
        <summary>more</summary>
        <NumberField label="ε (straight-through width)" boundKey="epsilon" value={config.epsilon} testId="epsilon" onCommit={(epsilon) => setConfig({ epsilon })} />
        <NumberField label="λ_p (pre-activation)" boundKey="lambdaP" value={config.lambdaP} testId="lambdaP" onCommit={(lambdaP) => setConfig({ lambdaP })} />
        <NumberField label="λ warm-up share" boundKey="warmup" value={config.warmup} testId="warmup" onCommit={(warmup) => setConfig({ warmup })} />
      </details>
      <p className="hint">Each field shows its range; a value outside it is refused and the run left as it is.</p>
    </section>
  );
}
