/**
 * The link the page shows now, written by the one codec (url.ts writeLink): the store's
 * experiment and interventions, the graph view, and a link's `speed=max` while the pace stays
 * at full speed. The runner mirrors it to the location hash; saved experiments store it.
 */
import { graphStateOf, useGraphStore } from './graphStore.ts';
import { resolveModel } from './model.ts';
import { useStore } from './store.ts';
import { writeLink } from './url.ts';

/** Whether the link that opened the page said `speed=max` and the reader has not chosen a pace since. */
let keepMax = false;

/** Keeps (or drops) the opening link's `speed=max` in the links written from now on. */
export function keepLinkedMax(keep: boolean): void {
  keepMax = keep;
}

/** The hash body (no '#') of the experiment the page shows, its cuts named by the shown model's dims; `at` names a scrubbed step. */
export function currentLink(at: number | null = null): string {
  const s = useStore.getState();
  const { model } = resolveModel(s.config.circuit, s.uploadedModel);
  const interventions = { featureAblations: s.featureAblations, pairsOff: s.pairsOff, neuronAblations: s.neuronAblations };
  const view = { speed: keepMax && s.speed === 1 ? ('max' as const) : null, at };
  return writeLink({ config: s.config, interventions, graph: graphStateOf(useGraphStore.getState()), view }, model.dimNames);
}
