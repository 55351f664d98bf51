import { useEffect, useMemo } from 'react';
import { transcoderLayout } from '../core/run.ts';
import { useStore } from '../state/store.ts';
import { useModel } from '../state/useModel.ts';
import type { RunController } from '../state/runner.ts';
import { ControlsPanel } from '../views/controls/ControlsPanel.tsx';
import { SavedPanel } from '../views/controls/SavedPanel.tsx';
import { UploadPanel } from '../views/controls/UploadPanel.tsx';
import { MetricsTable } from '../views/MetricsTable.tsx';
import { Table1View } from '../views/Table1View.tsx';
import { ModelDiagram } from '../views/ModelDiagram.tsx';
import { RunBar } from '../views/RunBar.tsx';
import { Tour } from '../views/Tour.tsx';
import { Scrubber } from '../views/Scrubber.tsx';
import { Banners } from '../views/Banners.tsx';
import { InterventionsView } from '../views/InterventionsView.tsx';
import type { ViewProps } from '../views/types.ts';
import { Later } from '../views/Later.tsx';
import { lazyView, viewsOf } from '../views/lazyView.tsx';
import { afterPaint } from '../views/taskQueue.ts';

// The d3-heavy views load after the first paint, in page order, each view's code in a task of its own.
const LAZY = {
  L0LiveView: lazyView('layer-1 L0', () => import('../views/L0LiveView.tsx').then((m) => m.L0LiveView)),
  GraphView: lazyView('circuit graph', () => import('../views/GraphView.tsx').then((m) => m.GraphView)),
  CurvesView: lazyView('training curves', () => import('../views/CurvesView.tsx').then((m) => m.CurvesView)),
  TradeoffView: lazyView('trade-off', () => import('../views/TradeoffView.tsx').then((m) => m.TradeoffView)),
  WeightsView: lazyView('weights', () => import('../views/WeightsView.tsx').then((m) => m.WeightsView)),
  ActivationsView: lazyView('activations', () => import('../views/ActivationsView.tsx').then((m) => m.ActivationsView)),
  ReconView: lazyView('reconstructions', () => import('../views/ReconView.tsx').then((m) => m.ReconView)),
  DepthView: lazyView('depth', () => import('../views/DepthView.tsx').then((m) => m.DepthView)),
  RealGraphsPanel: lazyView('real graphs', () => import('../views/RealGraphsPanel.tsx').then((m) => m.RealGraphsPanel)),
  SweepView: lazyView('sweep', () => import('../views/SweepView.tsx').then((m) => m.SweepView)),
  WhyView: lazyView('why', () => import('../views/WhyView.tsx').then((m) => m.WhyView)),
};
const { L0LiveView, GraphView, CurvesView, TradeoffView, WeightsView, ActivationsView, ReconView, DepthView, RealGraphsPanel, SweepView, WhyView } = viewsOf(LAZY);

export function App({ runner }: { runner: RunController }) {
  const config = useStore((s) => s.config);
  const highlight = useStore((s) => s.highlight);
  const setHighlight = useStore((s) => s.setHighlight);
  const toggleCut = useStore((s) => s.toggleCut);
  const model = useModel();
  const layouts = useMemo(
    () => [transcoderLayout('clt', model, config), transcoderLayout('plt', model, config)],
    [model, config],
  );
  // Snapshots never reach App: each view reads them from the snapshot lane (views/useSnapshotDrawer.ts).
  const props: ViewProps = { model, config, layouts, highlight, onHighlight: setHighlight };
  useEffect(() => {
    const cancels = Object.values(LAZY).map((v) => afterPaint(v.preload));
    return () => cancels.forEach((c) => c());
  }, []);

  return (
    <div className="app">
      <header className="masthead">
        <div className="masthead-title">
          <h1>Transcoder Lab</h1>
          <p className="tagline">
            A PLT and a CLT learn to replace the MLPs of a model computing <code>{model.name}</code>. Watch whether the CLT
            keeps the model's middle step — then cut the hand-off and see whose story survives.
          </p>
        </div>
        <RunBar runner={runner} />
        {/* After the run bar in reading order; the grid shows it top right. */}
        <Tour />
      </header>
      <Banners />
      <Scrubber />
      <div className="layout">
        <aside>
          <ControlsPanel />
          <SavedPanel />
        </aside>
        <main className="grid">
          {/* The story above the fold: the numbers, layer 1 dying live, and the two graphs on a TRUE input. */}
          <div className="story">
            <div className="story-metrics"><MetricsTable {...props} /></div>
            <div className="story-l0"><div className="view-slot"><L0LiveView {...props} /></div></div>
            <div className="story-graphs"><div className="view-slot"><GraphView {...props} /></div></div>
          </div>
          {/* Below the fold: each block mounts after the first paint, one per task (views/Later.tsx). */}
          <Later><Table1View {...props} /></Later>
          <Later><ModelDiagram {...props} cuts={config.cuts} onToggleCut={toggleCut} /></Later>
          <Later><InterventionsView {...props} /></Later>
          <Later><UploadPanel runner={runner} /></Later>
          <Later><div className="view-slot"><CurvesView {...props} /></div></Later>
          <Later><div className="view-slot"><TradeoffView {...props} /></div></Later>
          <Later><div className="view-slot wide"><WeightsView {...props} /></div></Later>
          <Later><div className="view-slot"><ActivationsView {...props} /></div></Later>
          <Later><div className="view-slot"><ReconView {...props} /></div></Later>
          <Later><div className="view-slot"><DepthView {...props} /></div></Later>
          <Later><div className="view-slot wide"><RealGraphsPanel {...props} /></div></Later>
        </main>
      </div>
      <section aria-label="Sweep"><Later><SweepView /></Later></section>
      <section aria-label="Why does it collapse?"><Later><WhyView /></Later></section>
    </div>
  );
}
