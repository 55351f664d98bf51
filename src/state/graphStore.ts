/**
 * The graph view's own small store: what the user did to each attribution graph (pinned,
 * hidden, labels, supernodes; saved in the URL under `graph` through encodeGraphState) and
 * what is selected right now (not saved).
 */
import { create } from 'zustand';
import type { TranscoderKind } from '../core/config.ts';
import {
  MAX_ITEMS, decodeGraphState, defaultGraphState, encodeGraphState, normalizeGraphState, normalizeKindState,
  type ClickMode, type GraphState, type KindGraphState,
} from './graphCodec.ts';

export { decodeGraphState, encodeGraphState, defaultGraphState, labelOf, type ClickMode, type GraphState, type KindGraphState, type Supernode } from './graphCodec.ts';

export interface GraphSelection {
  /** The node whose detail card is open, per graph. */
  selected: Record<TranscoderKind, string | null>;
  /** Nodes shift-clicked for grouping, per graph. */
  groupSel: Record<TranscoderKind, string[]>;
}

export interface GraphActions {
  setClickMode: (m: ClickMode) => void;
  setThreshold: (t: number) => void;
  setPinnedOnly: (v: boolean) => void;
  togglePinned: (kind: TranscoderKind, id: string) => void;
  toggleHidden: (kind: TranscoderKind, id: string) => void;
  showHidden: (kind: TranscoderKind) => void;
  /** '' removes the label. */
  setLabel: (kind: TranscoderKind, id: string, text: string) => void;
  /** Groups nodes (supernodes among them are dissolved into it); returns the new supernode's id. */
  group: (kind: TranscoderKind, ids: readonly string[], label: string) => string | null;
  ungroup: (kind: TranscoderKind, id: string) => void;
  select: (kind: TranscoderKind, id: string | null) => void;
  toggleGroupSel: (kind: TranscoderKind, id: string) => void;
  clearGroupSel: (kind: TranscoderKind) => void;
  /** Replaces the saved part (e.g. from the URL); clears the selection. */
  replaceGraphState: (s: GraphState) => void;
}

export type GraphStore = GraphState & GraphSelection & GraphActions;

const noSelection = (): GraphSelection => ({ selected: { clt: null, plt: null }, groupSel: { clt: [], plt: [] } });

/** The saved part of the store, for encodeGraphState. */
export function graphStateOf(s: GraphState): GraphState {
  return { clickMode: s.clickMode, threshold: s.threshold, pinnedOnly: s.pinnedOnly, clt: s.clt, plt: s.plt };
}

const toggled = (list: readonly string[], id: string): string[] =>
  list.includes(id) ? list.filter((x) => x !== id) : list.length < MAX_ITEMS ? [...list, id] : [...list];

export const useGraphStore = create<GraphStore>()((set, get) => {
  const patchKind = (kind: TranscoderKind, patch: Partial<KindGraphState>): void => {
    set({ [kind]: normalizeKindState({ ...get()[kind], ...patch }) } as Pick<GraphState, TranscoderKind>);
  };
  return {
    ...defaultGraphState(),
    ...noSelection(),
    setClickMode: (clickMode) => set({ clickMode }),
    setThreshold: (t) => set({ threshold: normalizeGraphState({ ...graphStateOf(get()), threshold: t }).threshold }),
    setPinnedOnly: (pinnedOnly) => set({ pinnedOnly }),
    togglePinned: (kind, id) => patchKind(kind, { pinned: toggled(get()[kind].pinned, id) }),
    toggleHidden: (kind, id) => {
      patchKind(kind, { hidden: toggled(get()[kind].hidden, id) });
      if (get().selected[kind] === id) set({ selected: { ...get().selected, [kind]: null } });
    },
    showHidden: (kind) => patchKind(kind, { hidden: [] }),
    setLabel: (kind, id, text) => {
      const labels = { ...get()[kind].labels };
      delete labels[id];
      const sn = get()[kind].supernodes.map((s) => (s.id === id ? { ...s, label: text } : s));
      if (text !== '' && !sn.some((s) => s.id === id)) {
        Object.defineProperty(labels, id, { value: text, enumerable: true, writable: true, configurable: true });
      }
      patchKind(kind, { labels, supernodes: sn });
    },
    group: (kind, ids, label) => {
      const k = get()[kind];
      const dissolved = k.supernodes.filter((s) => ids.includes(s.id));
      const members = [...new Set([...ids.filter((id) => !dissolved.some((s) => s.id === id)), ...dissolved.flatMap((s) => s.members)])];
      if (members.length < 2) return null;
      let n = 1;
      while (k.supernodes.some((s) => s.id === `S${n}` && !dissolved.includes(s))) n++;
      const id = `S${n}`;
      const others = k.supernodes
        .filter((s) => !dissolved.includes(s))
        .map((s) => ({ ...s, members: s.members.filter((m) => !members.includes(m)) }));
      patchKind(kind, { supernodes: [...others, { id, label: label.trim() || `group ${n}`, members }] });
      set({ groupSel: { ...get().groupSel, [kind]: [] }, selected: { ...get().selected, [kind]: id } });
      return id;
    },
    ungroup: (kind, id) => {
      const k = get()[kind];
      patchKind(kind, {
        supernodes: k.supernodes.filter((s) => s.id !== id),
        pinned: k.pinned.filter((x) => x !== id),
        hidden: k.hidden.filter((x) => x !== id),
      });
      if (get().selected[kind] === id) set({ selected: { ...get().selected, [kind]: null } });
    },
    select: (kind, id) => set({ selected: { ...get().selected, [kind]: id } }),
    toggleGroupSel: (kind, id) => set({ groupSel: { ...get().groupSel, [kind]: toggled(get().groupSel[kind], id) } }),
    clearGroupSel: (kind) => set({ groupSel: { ...get().groupSel, [kind]: [] } }),
    replaceGraphState: (s) => set({ ...normalizeGraphState(s), ...noSelection() }),
  };
});

/** Reads `text` (from the URL) into the store; returns what could not be used. */
export function loadGraphState(text: string): string[] {
  const { state, problems } = decodeGraphState(text);
  useGraphStore.getState().replaceGraphState(state);
  return problems;
}

/** The store's saved part as URL text ('' when nothing differs from the default). */
export function currentGraphText(): string {
  return encodeGraphState(graphStateOf(useGraphStore.getState()));
}
