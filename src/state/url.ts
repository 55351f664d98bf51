/**
 * The URL codec (CONTRACTS §2): the experiment as URLSearchParams in the location hash.
 * Every key is listed once in FIELDS; parse and serialize both walk that table, and every
 * value is checked against src/core/config.ts. Parsing never throws: a key that cannot be
 * used is reported in plain words and replaced by its default.
 *
 * readLink and writeLink own the whole hash: this config, the interventions beyond cuts
 * (interventionCodec.ts), the graph view (`graph`, graphCodec.ts) and the view keys.
 *
 * Cuts are written `DIMS>LAYER`, comma-separated. When every dim name is one character,
 * DIMS concatenates them (`efgh>1`); otherwise names are joined by `+` (`x1+x2>1`, and a
 * space, which is what `+` decodes to, works too). A dim whose name cannot be written
 * (empty, repeated, or holding `+ , > [ ]` or spaces) is written by index, `[4]`.
 * A cut may target any layer 0 ≤ LAYER < layers: cutting into layer 0 removes input dims
 * from what the first MLP reads, which the base model and replacement model both support.
 * Each cut is a group, as the page's toggles are (`efgh>1` differs from `e>1,f>1,g>1,h>1`);
 * a group's dims are sorted, and a group listed twice is kept once.
 */
import {
  BOUNDS, DATA_LAYOUTS, DEFAULT_EXPERIMENT, ENGINES, INIT_SCHEMES, NORMS, PENALTIES, PREACT_FORMS, PRESETS,
  REDUCTIONS, STRAIGHT_THROUGH, THETA_PARAMS, presetValues,
  type Cut, type ExperimentConfig, type NumericKey, type PresetName,
} from '../core/config.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import { XOR_AND_DIMS } from '../core/model/xorAnd.ts';
import { quote } from '../core/text.ts';
import { decodeGraphState, encodeGraphState, type GraphState } from './graphCodec.ts';
import {
  droppedProblem, fitToModel, formatInterventions, INTERVENTION_KEYS, parseInterventions, type SavedInterventions,
} from './interventionCodec.ts';
import { onWriteUpModel, resolveModel } from './model.ts';

/** The hash format this code writes; a link without `v` is read as this version. */
export const FORMAT_VERSION = 1;
/** Longest value accepted for any key but `circuit`. */
export const MAX_VALUE_LENGTH = 200;
/** Longest `circuit` formula accepted. */
export const MAX_CIRCUIT_LENGTH = 300;
/** Longest `cut` list accepted: room for dozens of groups over a user model's named dims. */
export const MAX_CUT_LENGTH = 2000;
/** Problems listed one by one before the rest are summed up. */
const MAX_PROBLEMS = 20;
const DEFAULT_INPUTS = 16;

type ChoiceKey = 'penalty' | 'norm' | 'engine' | 'reduction' | 'layout' | 'thetaParam' | 'straightThrough' | 'preact' | 'init';
type Field =
  | { url: string; kind: 'number'; key: NumericKey }
  | { url: string; kind: 'choice'; key: ChoiceKey; choices: readonly string[] }
  | { url: 'preset'; kind: 'preset' }
  | { url: 'cut'; kind: 'cuts' }
  | { url: 'circuit'; kind: 'circuit' };

/**
 * Every key of the hash but `v`, in the order serializeHash writes them. `preset` sets every
 * recipe option first, wherever it stands in the link; every explicit key then wins over it.
 */
const FIELDS: readonly Field[] = [
  { url: 'seed', kind: 'number', key: 'seed' },
  { url: 'preset', kind: 'preset' },
  { url: 'lambda', kind: 'number', key: 'lambda' },
  { url: 'penalty', kind: 'choice', key: 'penalty', choices: PENALTIES },
  { url: 'c', kind: 'number', key: 'c' },
  { url: 'norm', kind: 'choice', key: 'norm', choices: NORMS },
  { url: 'features', kind: 'number', key: 'features' },
  { url: 'lr', kind: 'number', key: 'lr' },
  { url: 'steps', kind: 'number', key: 'steps' },
  { url: 'window', kind: 'number', key: 'window' },
  { url: 'eps', kind: 'number', key: 'epsilon' },
  { url: 'lp', kind: 'number', key: 'lambdaP' },
  { url: 'warmup', kind: 'number', key: 'warmup' },
  { url: 'asym', kind: 'number', key: 'asymmetry' },
  { url: 'ic', kind: 'number', key: 'consistency' },
  { url: 'reduction', kind: 'choice', key: 'reduction', choices: REDUCTIONS },
  { url: 'padDims', kind: 'number', key: 'padDims' },
  { url: 'layout', kind: 'choice', key: 'layout', choices: DATA_LAYOUTS },
  { url: 'theta', kind: 'choice', key: 'thetaParam', choices: THETA_PARAMS },
  { url: 'theta0', kind: 'number', key: 'thetaInit' },
  { url: 'st', kind: 'choice', key: 'straightThrough', choices: STRAIGHT_THROUGH },
  { url: 'preact', kind: 'choice', key: 'preact', choices: PREACT_FORMS },
  { url: 'init', kind: 'choice', key: 'init', choices: INIT_SCHEMES },
  { url: 'decayAt', kind: 'number', key: 'lrDecayStep' },
  { url: 'decay', kind: 'number', key: 'lrDecayFactor' },
  { url: 'engine', kind: 'choice', key: 'engine', choices: ENGINES },
  { url: 'input', kind: 'number', key: 'input' },
  { url: 'cut', kind: 'cuts' },
  { url: 'circuit', kind: 'circuit' },
];
const FIELD_BY_KEY = new Map(FIELDS.map((f) => [f.url, f]));

export type NumberResult = { ok: true; value: number } | { ok: false; message: string };

// Plain decimal or exponent notation only: Number() alone would also take '', '0x1f' and 'Infinity'.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads a number for a bounded key; the message says what is wrong without naming the key. */
export function readNumber(key: NumericKey, text: string, max: number = BOUNDS[key].max): NumberResult {
  const b = BOUNDS[key];
  const t = text.trim();
  if (!DECIMAL.test(t)) return { ok: false, message: `${quote(text)} is not a number` };
  const value = Number(t);
  if (!Number.isFinite(value) || value < b.min || value > max) {
    return { ok: false, message: `${quote(t)} is out of range (${b.min} to ${max})` };
  }
  if (b.integer && !Number.isInteger(value)) return { ok: false, message: `${quote(t)} is not a whole number` };
  // -0 would print as 0 and not survive a round trip.
  return { ok: true, value: value === 0 ? 0 : value };
}

/** Whether every dim name can be written by itself, so `efgh` means e, f, g, h. */
function writableNames(dimNames: readonly string[]): boolean[] {
  return dimNames.map((n, i) => n.length > 0 && !/[+,>[\]\s]/.test(n) && dimNames.indexOf(n) === i);
}

/** Writes cuts as `DIMS>LAYER,…` (see the file comment). */
export function formatCuts(cuts: readonly Cut[], dimNames: readonly string[] = XOR_AND_DIMS): string {
  const writable = writableNames(dimNames);
  const single = dimNames.every((n, i) => writable[i] && n.length === 1);
  const dimText = (d: number) => (writable[d] ? dimNames[d] : `[${d}]`);
  return cuts.map((cut) => `${cut.dims.map(dimText).join(single ? '' : '+')}>${cut.layer}`).join(',');
}

/** Reads `DIMS>LAYER,…`; bad entries are dropped and reported, the rest kept in order. */
export function parseCuts(
  text: string, dimNames: readonly string[] = XOR_AND_DIMS, layers = 2,
): { cuts: Cut[]; problems: string[] } {
  const cuts: Cut[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const parsed = parseCut(entry, dimNames, layers);
    if (!parsed.ok) {
      problems.push(`cut ${quote(entry)} was ignored: ${parsed.message}`);
      continue;
    }
    const id = `${parsed.value.dims.join(' ')}>${parsed.value.layer}`;
    if (seen.has(id)) continue;
    seen.add(id);
    cuts.push(parsed.value);
  }
  return { cuts, problems };
}

function parseCut(entry: string, dimNames: readonly string[], layers: number): { ok: true; value: Cut } | { ok: false; message: string } {
  const at = entry.lastIndexOf('>');
  if (at < 0) return { ok: false, message: 'write it as DIMS>LAYER, like efgh>1' };
  const layerText = entry.slice(at + 1).trim();
  const layer = Number(layerText);
  if (!/^\d{1,4}$/.test(layerText) || layer >= layers) {
    return { ok: false, message: `layer ${quote(layerText)} is not one of 0 to ${layers - 1}` };
  }
  const dims = new Set<number>();
  for (const token of entry.slice(0, at).split(/[+\s]+/)) {
    if (token === '') continue;
    const found = resolveDims(token, dimNames);
    if (found === null) return { ok: false, message: `${quote(token)} is not a dim (dims: ${dimNames.join(', ')})` };
    for (const d of found) dims.add(d);
  }
  if (dims.size === 0) return { ok: false, message: 'it names no dims' };
  return { ok: true, value: { dims: [...dims].sort((x, y) => x - y), layer } };
}

/** A whole name first, then an index `[N]`, then a run of one-character names. */
function resolveDims(token: string, dimNames: readonly string[]): number[] | null {
  const whole = dimNames.indexOf(token);
  if (whole >= 0) return [whole];
  const index = /^\[(\d{1,6})\]$/.exec(token);
  if (index) {
    const d = Number(index[1]);
    return d < dimNames.length ? [d] : null;
  }
  const dims: number[] = [];
  for (const ch of token) {
    const d = dimNames.indexOf(ch);
    if (d < 0) return null;
    dims.push(d);
  }
  return dims;
}

/** Percent-decodes one form-encoded component; null where an escape is broken. */
function decode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

// encodeURIComponent, with spaces as '+' and commas raw: short links, and the browser keeps them as written.
function encode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+').replace(/%2C/g, ',');
}

/**
 * Reads a location hash (with or without '#') into a complete, valid config. Never throws;
 * each key that cannot be used is named in `problems` and left at its default.
 * `inputs` is the model's input count (selected input must be below it).
 */
export function parseHash(
  hash: string, dimNames: readonly string[] = XOR_AND_DIMS, layers = 2, inputs = DEFAULT_INPUTS,
): { config: ExperimentConfig; problems: string[] } {
  const config: ExperimentConfig = { ...DEFAULT_EXPERIMENT, cuts: [] };
  const problems: string[] = [];
  const afterHash = hash.startsWith('#') ? hash.slice(1) : hash;
  // URLSearchParams also drops one leading '?'; a link pasted as a query still reads.
  const body = afterHash.startsWith('?') ? afterHash.slice(1) : afterHash;

  // Key → every raw value given, in order; keys in order of first appearance.
  const given = new Map<string, string[]>();
  for (const segment of body.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const rawKey = eq < 0 ? segment : segment.slice(0, eq);
    const key = decode(rawKey);
    if (key === null) {
      problems.push(`a key with a broken %-escape, ${quote(rawKey)}, was ignored`);
      continue;
    }
    const list = given.get(key) ?? [];
    list.push(eq < 0 ? '' : segment.slice(eq + 1));
    given.set(key, list);
  }

  // The circuit first (some defaults depend on it), then the preset, so that every explicit key wins over both.
  const rank = (key: string): number => (key === 'circuit' ? 2 : key === 'preset' ? 1 : 0);
  const ordered = [...given].sort(([a], [b]) => rank(b) - rank(a));
  for (const [key, raws] of ordered) {
    const field = FIELD_BY_KEY.get(key);
    if (key !== 'v' && !field) {
      const near = FIELD_BY_KEY.has(key.toLowerCase()) ? ` (did you mean '${key.toLowerCase()}'?)` : '';
      problems.push(`unknown key ${quote(key)} was ignored${near}`);
      continue;
    }
    const raw = raws[raws.length - 1];
    if (raws.length > 1) problems.push(`${key} appears ${raws.length} times; the last one, ${quote(decode(raw) ?? raw)}, wins`);
    const fallback = field ? fallbackText(field, config) : String(FORMAT_VERSION);
    const value = decode(raw);
    const limit = field?.kind === 'circuit' ? MAX_CIRCUIT_LENGTH : field?.kind === 'cuts' ? MAX_CUT_LENGTH : MAX_VALUE_LENGTH;
    if (value === null) {
      problems.push(`${key} ${quote(raw)} has a broken %-escape; using ${fallback}`);
    } else if (value.length > limit) {
      problems.push(`${key} is ${value.length} characters long (limit ${limit}); using ${fallback}`);
    } else if (!field) {
      readVersion(value, problems);
    } else {
      readField(field, value, config, problems, dimNames, layers, inputs);
    }
  }

  if (problems.length > MAX_PROBLEMS) {
    const rest = problems.length - MAX_PROBLEMS;
    problems.length = MAX_PROBLEMS;
    problems.push(`…and ${rest} more problem${rest === 1 ? '' : 's'} with this link`);
  }
  return { config, problems };
}

/** How a key's fallback (its default, or its preset's value) reads in a problem message. */
function fallbackText(field: Field, config: ExperimentConfig = DEFAULT_EXPERIMENT): string {
  if (field.kind === 'cuts') return 'no cuts';
  if (field.kind === 'circuit') return DEFAULT_EXPERIMENT.circuit === '' ? 'the XOR-AND model' : quote(DEFAULT_EXPERIMENT.circuit);
  if (field.kind === 'preset') return DEFAULT_EXPERIMENT.preset;
  return String(config[field.key]);
}

function readVersion(value: string, problems: string[]): void {
  const t = value.trim();
  const known = /^\d{1,9}$/.test(t);
  if (known && Number(t) === FORMAT_VERSION) return;
  if (known && Number(t) > FORMAT_VERSION) {
    problems.push(`this link was made by a newer version of the page (v=${Number(t)}); reading what version ${FORMAT_VERSION} understands`);
  } else {
    problems.push(`v ${quote(value)} is not a known format version; reading the link as v=${FORMAT_VERSION}`);
  }
}

function readField(
  field: Field, value: string, config: ExperimentConfig, problems: string[],
  dimNames: readonly string[], layers: number, inputs: number,
): void {
  switch (field.kind) {
    case 'number': {
      const max = field.key === 'input' ? Math.min(BOUNDS.input.max, inputs - 1) : BOUNDS[field.key].max;
      const r = readNumber(field.key, value, max);
      if (r.ok) (config as Pick<ExperimentConfig, NumericKey>)[field.key] = r.value;
      else problems.push(`${field.url} ${r.message}; using ${fallbackText(field, config)}`);
      return;
    }
    case 'choice': {
      const t = value.trim();
      if (field.choices.includes(t)) (config as unknown as Record<ChoiceKey, string>)[field.key] = t;
      else problems.push(`${field.url} ${quote(value)} is not one of ${field.choices.join(', ')}; using ${config[field.key]}`);
      return;
    }
    case 'preset': {
      const t = value.trim();
      const name = PRESETS.find((p) => p === t);
      if (name) Object.assign(config, presetValues(name, config.circuit));
      else problems.push(`preset ${quote(value)} is not one of ${PRESETS.join(', ')}; using ${DEFAULT_EXPERIMENT.preset}`);
      return;
    }
    case 'cuts': {
      const r = parseCuts(value, dimNames, layers);
      config.cuts = r.cuts;
      problems.push(...r.problems);
      return;
    }
    case 'circuit':
      // Kept as text: the formula parser validates it, and views render it as text, never HTML.
      config.circuit = value;
      // Read before every other key: the preset's values for this circuit (a compiled one has its own λ).
      Object.assign(config, presetValues(config.preset, value));
      return;
  }
}

/**
 * Writes a config as the hash body (no '#'): `v=1`, then seed, then only the keys that differ
 * from the defaults. parseHash reads it back to an equal config.
 */
export function serializeHash(config: ExperimentConfig, dimNames: readonly string[] = XOR_AND_DIMS): string {
  const parts = [`v=${FORMAT_VERSION}`];
  // Keys are written where they differ from the preset in force (the defaults under `spec`).
  const base: ExperimentConfig = { ...DEFAULT_EXPERIMENT, ...presetValues(config.preset as PresetName, config.circuit) };
  for (const field of FIELDS) {
    let text: string | null = null;
    if (field.kind === 'number') {
      const v = config[field.key];
      if (field.key === 'seed' || v !== base[field.key]) text = String(v);
    } else if (field.kind === 'choice') {
      if (config[field.key] !== base[field.key]) text = config[field.key];
    } else if (field.kind === 'preset') {
      if (config.preset !== DEFAULT_EXPERIMENT.preset) text = config.preset;
    } else if (field.kind === 'cuts') {
      if (config.cuts.length > 0) text = formatCuts(config.cuts, dimNames);
    } else if (config.circuit !== DEFAULT_EXPERIMENT.circuit) {
      text = config.circuit;
    }
    if (text !== null) parts.push(`${field.url}=${encode(text)}`);
  }
  return parts.join('&');
}

/** The view keys beside the experiment (CONTRACTS §2): the pace and the scrubbed step a link opens at. */
export interface ViewKeys {
  speed: 'watch' | 'max' | null;
  at: number | null;
}

/**
 * Reads `speed` (`watch` | `max`) and `at` (a step from 0 to `steps`) from hash params; a bad
 * value is named in `problems` and ignored (the page's own pace, the live step).
 */
export function parseViewKeys(params: URLSearchParams, steps: number): { value: ViewKeys; problems: string[] } {
  const problems: string[] = [];
  const value: ViewKeys = { speed: null, at: null };
  const speed = params.get('speed');
  if (speed !== null) {
    const t = speed.trim();
    if (t === 'watch' || t === 'max') value.speed = t;
    else problems.push(`speed ${quote(speed)} is not one of watch, max; using the page's pace`);
  }
  const at = params.get('at');
  if (at !== null) {
    const t = at.trim();
    if (!/^\d{1,9}$/.test(t) || Number(t) > steps) problems.push(`at ${quote(at)} is not a step from 0 to ${steps}; showing the live step`);
    else value.at = Number(t);
  }
  return { value, problems };
}

/** Everything a link holds: the experiment, the interventions beyond cuts, the graph view and the view keys. */
export interface Link {
  config: ExperimentConfig;
  interventions: SavedInterventions;
  graph: GraphState;
  view: ViewKeys;
}

/** The view keys, written after everything else; parseViewKeys reads them. */
const VIEW_KEYS = ['speed', 'at'] as const;

/**
 * Writes a whole link as the hash body (no '#'): the config (serializeHash, its cuts named by
 * `dimNames`), then `fa`, `off`, `na`, `graph` and the view keys, each only where it holds
 * something. readLink reads it back to the same link.
 */
export function writeLink(link: Link, dimNames?: readonly string[]): string {
  const iv = formatInterventions(link.interventions).map(([k, v]) => `&${k}=${v}`).join('');
  const graph = encodeGraphState(link.graph);
  const view = VIEW_KEYS.map((k) => (link.view[k] === null ? '' : `&${k}=${link.view[k]}`)).join('');
  return `${serializeHash(link.config, dimNames)}${iv}${graph ? `&graph=${graph}` : ''}${view}`;
}

/** A link read back: what it holds, fitted to the model its circuit decides, and every problem found on the way. */
export interface ReadLink extends Link {
  model: BaseModel;
  problems: string[];
}

/** A link whose circuit does not build: the rest read again without it, on the write-up's model. */
function fallbackRead(body: string): { config: ExperimentConfig; problems: string[] } {
  const rest = new URLSearchParams(body);
  rest.delete('circuit');
  const again = parseHash(rest.toString());
  return { config: onWriteUpModel(again.config), problems: again.problems };
}

/**
 * Reads a whole hash (with or without '#'); never throws. Two passes: the circuit decides the
 * model (resolveModel; one that does not compile opens the write-up's model), whose dims and
 * size bound the other keys; the interventions are fitted to it and `at` to the run's length.
 * Problems come in the order the page lists them: config, graph view, circuit, interventions, view keys.
 */
export function readLink(hash: string): ReadLink {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const graph = decodeGraphState(params.get('graph') ?? '');
  params.delete('graph');
  const linked = parseInterventions(params);
  for (const key of INTERVENTION_KEYS) params.delete(key);
  const viewParams = new URLSearchParams();
  for (const key of VIEW_KEYS) {
    const v = params.get(key);
    if (v !== null) viewParams.set(key, v);
    params.delete(key);
  }
  const body = params.toString();
  const graphProblems = graph.problems.map((p) => `graph: ${p}`);
  const first = parseHash(body);
  const { model, problem } = resolveModel(first.config.circuit);
  // A circuit that does not build falls back to the write-up's model; the rest is read again
  // without it, so a replaced value names the write-up model's default, the one the page uses.
  const read = problem ? fallbackRead(body) : parseHash(body, model.dimNames, model.layers.length, model.n);
  const config = read.config;
  const interventions = fitToModel(linked.value, model, config);
  const dropped = droppedProblem(linked.value, interventions);
  const view = parseViewKeys(viewParams, config.steps);
  return {
    config, interventions, graph: graph.state, view: view.value, model,
    problems: [...read.problems, ...graphProblems, ...(problem ? [problem] : []), ...linked.problems, ...(dropped ? [dropped] : []), ...view.problems],
  };
}
