/**
 * The graph view's user state (pinned, hidden, labels, supernodes, click mode, threshold) and
 * its compact URL-safe text form, kept apart from the zustand store so it stays pure.
 *
 * Text form: segments joined by `.`, items inside a segment by `*`; free text is escaped as
 * `_XX` per UTF-8 byte for every character outside [A-Za-z0-9-]. So the whole string uses only
 * [A-Za-z0-9-._*], which URLSearchParams leaves as it is. Segments:
 *   `v1` version · `mA` ablate click mode · `tN` threshold in thousandths · `o` pinned only ·
 *   per kind (c = CLT, p = PLT): `cpID*ID` pinned, `chID*ID` hidden, `clID*TEXT` one label,
 *   `csID*LABEL*MEMBER*MEMBER` one supernode.
 * The default state encodes to ''. Decoding never throws: what cannot be used is reported.
 */
import type { TranscoderKind } from '../core/config.ts';

export type ClickMode = 'inspect' | 'ablate';

/** Several graph nodes drawn as one, its edges the sums of its members' edges. */
export interface Supernode {
  /** `S1`, `S2`, …: never a graph node id. */
  id: string;
  label: string;
  /** Graph node ids, at least one, in no other supernode. */
  members: string[];
}

/** What the user did to one transcoder's graph. */
export interface KindGraphState {
  pinned: string[];
  hidden: string[];
  /** Node id (or supernode id) → the user's label. */
  labels: Record<string, string>;
  supernodes: Supernode[];
}

export interface GraphState {
  clickMode: ClickMode;
  /** Pruning threshold in [0, 1], relative to the strongest edge into each target (prune.ts). */
  threshold: number;
  /** Show only pinned nodes (and the output). */
  pinnedOnly: boolean;
  clt: KindGraphState;
  plt: KindGraphState;
}

export const GRAPH_KINDS: readonly TranscoderKind[] = ['clt', 'plt'];
export const GRAPH_FORMAT_VERSION = 1;
export const DEFAULT_THRESHOLD = 0.05;
export const MAX_ID_LENGTH = 40;
export const MAX_LABEL_LENGTH = 80;
/** Most pinned, hidden, labelled ids, supernodes, and members per supernode, each. */
export const MAX_ITEMS = 64;
/** Longest text decodeGraphState reads. */
export const MAX_GRAPH_TEXT = 8000;
const MAX_PROBLEMS = 10;

export function emptyKindState(): KindGraphState {
  return { pinned: [], hidden: [], labels: {}, supernodes: [] };
}

export function defaultGraphState(): GraphState {
  return { clickMode: 'inspect', threshold: DEFAULT_THRESHOLD, pinnedOnly: false, clt: emptyKindState(), plt: emptyKindState() };
}

/** The user's label of a node, or undefined (own keys only: ids like "constructor" are safe). */
export function labelOf(s: KindGraphState, id: string): string | undefined {
  return Object.hasOwn(s.labels, id) ? s.labels[id] : undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** Cuts to `max` UTF-16 units and replaces lone surrogates, so that UTF-8 round-trips it. */
function cleanText(s: string, max: number): string {
  return lenient.decode(encoder.encode(s.slice(0, max)));
}

const isId = (s: string): boolean => s.length > 0 && s.length <= MAX_ID_LENGTH;
const SUPERNODE_ID = /^S[1-9][0-9]{0,5}$/;

function uniqueIds(list: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of list) {
    const id = cleanText(raw, MAX_ID_LENGTH);
    if (isId(id) && !out.includes(id) && out.length < MAX_ITEMS) out.push(id);
  }
  return out;
}

/** Brings any state within the codec's limits: ids deduplicated, texts cut, members disjoint. */
export function normalizeKindState(s: KindGraphState): KindGraphState {
  const supernodes: Supernode[] = [];
  const taken = new Set<string>();
  for (const sn of s.supernodes) {
    if (supernodes.length >= MAX_ITEMS || !SUPERNODE_ID.test(sn.id) || supernodes.some((x) => x.id === sn.id)) continue;
    const members = uniqueIds(sn.members).filter((m) => !taken.has(m) && !SUPERNODE_ID.test(m));
    if (members.length === 0) continue;
    members.forEach((m) => taken.add(m));
    supernodes.push({ id: sn.id, label: cleanText(sn.label, MAX_LABEL_LENGTH), members });
  }
  const labels: Record<string, string> = {};
  let count = 0;
  for (const [rawId, rawText] of Object.entries(s.labels)) {
    const id = cleanText(rawId, MAX_ID_LENGTH);
    const text = cleanText(rawText, MAX_LABEL_LENGTH);
    if (!isId(id) || text === '' || Object.hasOwn(labels, id) || count >= MAX_ITEMS) continue;
    Object.defineProperty(labels, id, { value: text, enumerable: true, writable: true, configurable: true });
    count++;
  }
  return { pinned: uniqueIds(s.pinned), hidden: uniqueIds(s.hidden), labels, supernodes };
}

/** The whole state within the codec's limits (encodeGraphState applies it first). */
export function normalizeGraphState(s: GraphState): GraphState {
  const t = Number.isFinite(s.threshold) ? Math.min(1, Math.max(0, s.threshold)) : DEFAULT_THRESHOLD;
  return {
    clickMode: s.clickMode === 'ablate' ? 'ablate' : 'inspect',
    threshold: Math.round(t * 1000) / 1000,
    pinnedOnly: s.pinnedOnly === true,
    clt: normalizeKindState(s.clt),
    plt: normalizeKindState(s.plt),
  };
}

/** `_XX` per UTF-8 byte for everything outside [A-Za-z0-9-]. */
export function escapeText(s: string): string {
  let out = '';
  for (const ch of s) {
    if (/^[A-Za-z0-9-]$/.test(ch)) {
      out += ch;
      continue;
    }
    for (const b of encoder.encode(ch)) out += `_${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The inverse of escapeText, or null for a bad escape or invalid UTF-8. */
export function unescapeText(s: string): string | null {
  if (!/^([A-Za-z0-9-]|_[0-9A-Fa-f]{2})*$/.test(s)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    if (s[i] === '_') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(s.charCodeAt(i));
      i += 1;
    }
  }
  try {
    return decoder.decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

const PREFIX: Record<TranscoderKind, string> = { clt: 'c', plt: 'p' };

/** The compact URL-safe text of a graph state; '' for the default state. */
export function encodeGraphState(state: GraphState): string {
  const s = normalizeGraphState(state);
  const seg: string[] = [];
  if (s.clickMode === 'ablate') seg.push('mA');
  if (s.threshold !== DEFAULT_THRESHOLD) seg.push(`t${Math.round(s.threshold * 1000)}`);
  if (s.pinnedOnly) seg.push('o');
  for (const kind of GRAPH_KINDS) {
    const k = s[kind];
    const p = PREFIX[kind];
    if (k.pinned.length > 0) seg.push(`${p}p${k.pinned.map(escapeText).join('*')}`);
    if (k.hidden.length > 0) seg.push(`${p}h${k.hidden.map(escapeText).join('*')}`);
    for (const [id, text] of Object.entries(k.labels)) seg.push(`${p}l${escapeText(id)}*${escapeText(text)}`);
    for (const sn of k.supernodes) seg.push(`${p}s${[sn.id, sn.label, ...sn.members].map(escapeText).join('*')}`);
  }
  return seg.length === 0 ? '' : [`v${GRAPH_FORMAT_VERSION}`, ...seg].join('.');
}

/** Reads a graph state; never throws. Whatever cannot be used is left out and described in `problems`. */
export function decodeGraphState(text: unknown): { state: GraphState; problems: string[] } {
  const state = defaultGraphState();
  const problems: string[] = [];
  const report = (msg: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(`graph view: ${msg}`);
  };
  if (typeof text !== 'string' || text === '') return { state, problems };
  if (text.length > MAX_GRAPH_TEXT) {
    report(`its saved state is ${text.length} characters long (at most ${MAX_GRAPH_TEXT}); it was ignored`);
    return { state, problems };
  }
  const segments = text.split('.');
  if (/^v\d+$/.test(segments[0])) {
    const v = Number(segments.shift()?.slice(1));
    if (v !== GRAPH_FORMAT_VERSION) {
      report(`its saved state has version ${v}, which this page does not read; it was ignored`);
      return { state, problems };
    }
  }
  const show = (seg: string): string => JSON.stringify(seg.length > 24 ? `${seg.slice(0, 24)}…` : seg);
  const items = (seg: string, rest: string): string[] | null => {
    const parts = rest.split('*').map(unescapeText);
    if (parts.some((x) => x === null)) {
      report(`${show(seg)} has a bad escape; it was ignored`);
      return null;
    }
    return parts as string[];
  };
  for (const seg of segments) {
    if (seg === '') continue;
    if (seg === 'mA' || seg === 'mI') state.clickMode = seg === 'mA' ? 'ablate' : 'inspect';
    else if (seg === 'o') state.pinnedOnly = true;
    else if (/^t\d{1,4}$/.test(seg) && Number(seg.slice(1)) <= 1000) state.threshold = Number(seg.slice(1)) / 1000;
    else if (/^[cp][phls]/.test(seg)) {
      const k = state[seg[0] === 'c' ? 'clt' : 'plt'];
      const list = items(seg, seg.slice(2));
      if (!list) continue;
      switch (seg[1]) {
        case 'p':
          k.pinned.push(...list);
          break;
        case 'h':
          k.hidden.push(...list);
          break;
        case 'l':
          if (list.length !== 2) report(`${show(seg)} is not a node and one label; it was ignored`);
          else if (!Object.hasOwn(k.labels, list[0])) {
            Object.defineProperty(k.labels, list[0], { value: list[1], enumerable: true, writable: true, configurable: true });
          }
          break;
        default:
          if (list.length < 3) report(`${show(seg)} is not a group with a label and members; it was ignored`);
          else k.supernodes.push({ id: list[0], label: list[1], members: list.slice(2) });
      }
    } else report(`${show(seg)} is not understood; it was ignored`);
  }
  const clean = normalizeGraphState(state);
  for (const kind of GRAPH_KINDS) {
    const before = state[kind];
    const after = clean[kind];
    const dropped =
      before.pinned.length - after.pinned.length +
      before.hidden.length - after.hidden.length +
      Object.keys(before.labels).length - Object.keys(after.labels).length +
      before.supernodes.length - after.supernodes.length;
    if (dropped > 0) report(`${dropped} repeated, empty or too long ${kind.toUpperCase()} entr${dropped > 1 ? 'ies were' : 'y was'} dropped`);
  }
  return { state: clean, problems };
}
