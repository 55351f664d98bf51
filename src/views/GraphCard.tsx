/** The detail card of the selected graph node: exact values, strongest inputs and outputs, and what the user can do to it. */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { TranscoderKind } from '../core/config.ts';
import type { GraphEdge } from '../core/attribution/graph.ts';
import { useStore, type FeatureAblation } from '../state/store.ts';
import { labelOf, useGraphStore, type KindGraphState } from '../state/graphStore.ts';
import { fmt } from './charts/tooltip.ts';
import { nodeLines, prettyId, strongestEdges, type DisplayEdge, type DisplayNode } from './graphDisplay.ts';

/** Feature ablations for the feature members of a node (`L0-F3` ids). */
export function featureAblationsOf(kind: TranscoderKind, members: readonly string[]): FeatureAblation[] {
  return members.flatMap((id) => {
    const m = /^L(\d+)-F(\d+)$/.exec(id);
    return m ? [{ kind, layer: Number(m[1]), feature: Number(m[2]) }] : [];
  });
}

export function isAblated(list: readonly FeatureAblation[], a: FeatureAblation): boolean {
  return list.some((x) => x.kind === a.kind && x.layer === a.layer && x.feature === a.feature);
}

interface CardProps {
  kind: TranscoderKind;
  /** The selected node as the unpruned graph shows it, or null when it is not in this input's graph. */
  node: DisplayNode | null;
  selectedId: string;
  edges: readonly GraphEdge[];
  ui: KindGraphState;
  nameOf: (id: string) => string;
}

function EdgeList({ title, list, far, nameOf }: { title: string; list: DisplayEdge[]; far: 'source' | 'target'; nameOf: (id: string) => string }) {
  return (
    <div className="gc-edges">
      <h4>{title}</h4>
      {list.length === 0 ? (
        <p className="hint">none</p>
      ) : (
        <ol>
          {list.map((e) => (
            <li key={e[far]}>
              <span className="gc-edge-name">{nameOf(e[far])}</span>
              <span className={e.weight >= 0 ? 'gc-pos' : 'gc-neg'}>{e.weight >= 0 ? '+' : ''}{fmt(e.weight)}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The graph node with this test id, to hand the focus back to when its card closes. */
function nodeElement(testId: string | undefined): HTMLElement | SVGElement | null {
  return testId ? document.querySelector<SVGElement>(`[data-testid="${CSS.escape(testId)}"]`) : null;
}

export function GraphCard({ kind, node, selectedId, edges, ui, nameOf }: CardProps) {
  const featureAblations = useStore((s) => s.featureAblations);
  const toggleFeatureAblation = useStore((s) => s.toggleFeatureAblation);
  const select = useGraphStore((s) => s.select);
  const togglePinned = useGraphStore((s) => s.togglePinned);
  const toggleHidden = useGraphStore((s) => s.toggleHidden);
  const setLabel = useGraphStore((s) => s.setLabel);
  const ungroup = useGraphStore((s) => s.ungroup);
  const card = useRef<HTMLDivElement>(null);
  const testId = node?.testId;
  // The card takes the focus when it opens on a node, so its actions are the next Tab away, and
  // again when its node leaves the graph (hidden), which removes the button that had it.
  const gone = node === null;
  useEffect(() => {
    card.current?.focus({ preventScroll: true });
    card.current?.scrollIntoView({ block: 'nearest' });
  }, [selectedId, gone]);
  const close = () => {
    const back = nodeElement(testId);
    select(kind, null);
    back?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    // Esc closes the card only, not the tour as well.
    e.stopPropagation();
    close();
  };
  const KIND = kind.toUpperCase();

  if (!node) {
    return (
      <div ref={card} className="graph-card" data-testid={`graph-card-${kind}`} role="group" aria-label={`${KIND} node ${nameOf(selectedId)}`}
        tabIndex={-1} onKeyDown={onKeyDown}>
        <p>
          <b>{nameOf(selectedId)}</b> is not in the {KIND} graph on this input (inactive, or hidden).
        </p>
        <button onClick={close}>close</button>
      </div>
    );
  }
  const targets = featureAblationsOf(kind, node.members);
  const ablatedNow = targets.length > 0 && targets.every((a) => isAblated(featureAblations, a));
  const toggleAblation = () => {
    for (const a of targets) if (isAblated(featureAblations, a) === ablatedNow) toggleFeatureAblation(a);
  };
  const strongest = strongestEdges(edges, node.members, ui);
  const supernode = node.shape === 'supernode' ? ui.supernodes.find((s) => s.id === node.id) : undefined;
  const label = supernode ? supernode.label : (labelOf(ui, node.id) ?? '');

  return (
    <div ref={card} className="graph-card" data-testid={`graph-card-${kind}`} role="group" aria-label={`${KIND} node ${node.label}`}
      tabIndex={-1} onKeyDown={onKeyDown}>
      <div className="gc-head">
        <b>{node.label}</b> <span className="hint">({KIND}, {supernode ? `group of ${node.members.length}` : node.shape === 'feature' ? `layer ${node.layer}, feature ${node.index}` : prettyId(node.id)})</span>
        <button className="gc-close" data-testid="close-node-card" onClick={close} aria-label="close the node card (Esc)">
          ×
        </button>
      </div>
      <pre className="gc-values">{nodeLines(kind, node).slice(1).join('\n')}</pre>
      <div className="gc-edge-lists">
        <EdgeList title="strongest inputs" list={strongest.incoming} far="source" nameOf={nameOf} />
        <EdgeList title="strongest outputs" list={strongest.outgoing} far="target" nameOf={nameOf} />
      </div>
      <div className="gc-actions">
        {targets.length > 0 && (
          <button data-testid="ablate-node" aria-pressed={ablatedNow} onClick={toggleAblation} title="switch this feature off in its replacement model (the interventions view updates)">
            {ablatedNow ? 'restore' : 'ablate'}
          </button>
        )}
        <button data-testid="pin-node" aria-pressed={ui.pinned.includes(node.id)} onClick={() => togglePinned(kind, node.id)}>
          {ui.pinned.includes(node.id) ? 'unpin' : 'pin'}
        </button>
        {node.shape !== 'output' && (
          <button data-testid="hide-node" onClick={() => toggleHidden(kind, node.id)}>
            hide
          </button>
        )}
        {supernode && (
          <button data-testid="ungroup-node" onClick={() => ungroup(kind, node.id)}>
            ungroup
          </button>
        )}
      </div>
      <label className="gc-label">
        label{' '}
        <input
          data-testid="node-label"
          type="text"
          maxLength={80}
          value={label}
          placeholder={node.label}
          onChange={(e) => setLabel(kind, node.id, e.target.value)}
        />
      </label>
      {supernode && <p className="hint">members: {node.members.map(nameOf).join(', ')}</p>}
    </div>
  );
}
