/**
 * What every view receives: the model, the run's layouts, the highlight. Snapshots are not
 * props: a view reads them from the snapshot lane (`useSnapshotDrawer`, `useShownSnapshot`).
 */
import type { ExperimentConfig } from '../core/config.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import type { Layout } from '../core/transcoder/layout.ts';
import type { Highlight } from '../state/highlight.ts';


export interface ViewProps {
  model: BaseModel;
  config: ExperimentConfig;
  /** Layout of each member, in snapshot member order (clt, plt). */
  layouts: Layout[];
  highlight: Highlight;
  onHighlight: (h: Highlight) => void;
}
