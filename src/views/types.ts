/** What every view receives: the model, the run's layouts, the snapshot shown, the highlight. */
import type { ExperimentConfig } from '../core/config.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import type { RunSnapshot } from '../core/snapshot.ts';
import type { Layout } from '../core/transcoder/layout.ts';
import type { Highlight } from '../state/highlight.ts';


export interface ViewProps {
  model: BaseModel;
  config: ExperimentConfig;
  /** Layout of each member, in snapshot member order (clt, plt). */
  layouts: Layout[];
  /** The snapshot shown: the live one, or the one the scrubber chose. */
  snapshot: RunSnapshot | null;
  /** Every snapshot kept so far, by step (for curves and the trade-off trace). */
  history: readonly RunSnapshot[];
  highlight: Highlight;
  onHighlight: (h: Highlight) => void;
}
