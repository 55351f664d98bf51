/**
 * Boolean formulas over named inputs: the language the circuit compiler reads.
 *
 * Grammar (keywords are case-insensitive; symbols are accepted as synonyms):
 *   or    := xor   (('OR'  | '|' | '||') xor)*
 *   xor   := and   (('XOR' | '^') and)*
 *   and   := unary (('AND' | '&' | '&&') unary)*
 *   unary := ('NOT' | '!' | '~') unary | primary
 *   primary := NAME | '(' or ')'
 * so precedence is NOT > AND > XOR > OR and every binary operator is left-associative
 * (`a AND b AND c` is `(a AND b) AND c`). A NAME starts with a letter, continues with
 * letters, digits or underscores, is case-sensitive, and may not be a keyword.
 * Positions in errors are 0-based character offsets into the formula as typed.
 */

/** The binary gates a formula can use. */
export type BinaryOp = 'and' | 'or' | 'xor';

/** A parsed formula; `position` is where the node's token starts in the source. */
export type Ast =
  | { kind: 'input'; name: string; position: number }
  | { kind: 'not'; operand: Ast; position: number }
  | { kind: BinaryOp; left: Ast; right: Ast; position: number };

/** A parse failure, with the 0-based character position of the mistake. */
export interface FormulaError {
  ok: false;
  message: string;
  position: number;
}

/** Most distinct inputs a formula may use (2^12 = 4096 data points). */
export const MAX_INPUTS = 12;
/** Longest formula accepted, in characters. */
export const MAX_FORMULA_LENGTH = 300;

type TokenKind = BinaryOp | 'not' | 'name' | 'open' | 'close' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  position: number;
}

const KEYWORDS: Record<string, TokenKind> = { and: 'and', or: 'or', xor: 'xor', not: 'not' };
const SYMBOLS: [string, TokenKind][] = [
  ['&&', 'and'], ['||', 'or'], ['&', 'and'], ['|', 'or'], ['^', 'xor'], ['!', 'not'], ['~', 'not'], ['(', 'open'], [')', 'close'],
];

function fail(message: string, position: number): FormulaError {
  return { ok: false, message, position };
}

function tokenize(src: string): { ok: true; value: Token[] } | FormulaError {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      const text = src.slice(i, j);
      tokens.push({ kind: KEYWORDS[text.toLowerCase()] ?? 'name', text, position: i });
      i = j;
      continue;
    }
    const symbol = SYMBOLS.find(([s]) => src.startsWith(s, i));
    if (symbol) {
      tokens.push({ kind: symbol[1], text: symbol[0], position: i });
      i += symbol[0].length;
      continue;
    }
    if (/[0-9_]/.test(ch)) return fail(`Input names must start with a letter: found '${ch}' at position ${i}`, i);
    return fail(`Unexpected character '${ch}' at position ${i}: use input names, AND, OR, XOR, NOT (or & | ^ !) and parentheses`, i);
  }
  tokens.push({ kind: 'end', text: '', position: src.length });
  return { ok: true, value: tokens };
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the formula' : `'${t.text}'`;
}

/** Thrown inside the recursive descent and caught once at the top: a parse error, not a bug. */
class ParseFailure {
  constructor(readonly error: FormulaError) {}
}

class Parser {
  private i = 0;
  private readonly names = new Set<string>();

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i];
  }

  private stop(message: string, position: number): never {
    throw new ParseFailure(fail(message, position));
  }

  parseAll(): Ast {
    const ast = this.parseBinary(0);
    const t = this.peek();
    if (t.kind === 'close') this.stop(`Unexpected ')' at position ${t.position}: there is no '(' open to close`, t.position);
    if (t.kind !== 'end') this.expectedOperator(t, false);
    return ast;
  }

  private expectedOperator(t: Token, inParens: boolean): never {
    const what = inParens ? "an operator (AND, OR, XOR) or ')'" : 'an operator (AND, OR, XOR)';
    let hint = '';
    if (t.kind === 'name' && /^n?(and|or|xor)$/i.test(t.text)) hint = `; '${t.text}' is not an operator, write it with NOT, AND, OR, XOR`;
    else if (t.kind === 'not') hint = `; NOT applies to what follows it, e.g. 'a AND NOT b'`;
    this.stop(`Expected ${what} at position ${t.position}, found ${describe(t)}${hint}`, t.position);
  }

  /** Precedence climbing over OR (0) < XOR (1) < AND (2); all left-associative. */
  private parseBinary(level: number): Ast {
    const ops: BinaryOp[] = ['or', 'xor', 'and'];
    const op = ops[level];
    const next = (): Ast => (level === 2 ? this.parseUnary() : this.parseBinary(level + 1));
    let left = next();
    while (this.peek().kind === op) {
      const t = this.tokens[this.i++];
      const right = next();
      left = { kind: op, left, right, position: t.position };
    }
    return left;
  }

  private parseUnary(): Ast {
    const t = this.peek();
    if (t.kind === 'not') {
      this.i++;
      return { kind: 'not', operand: this.parseUnary(), position: t.position };
    }
    if (t.kind === 'name') {
      this.i++;
      if (!this.names.has(t.text)) {
        this.names.add(t.text);
        if (this.names.size > MAX_INPUTS) {
          this.stop(`Too many inputs: '${t.text}' at position ${t.position} is input number ${this.names.size}; a circuit takes at most ${MAX_INPUTS}`, t.position);
        }
      }
      return { kind: 'input', name: t.text, position: t.position };
    }
    if (t.kind === 'open') {
      this.i++;
      const inner = this.parseBinary(0);
      const close = this.peek();
      if (close.kind === 'close') {
        this.i++;
        return inner;
      }
      if (close.kind === 'end') {
        this.stop(`Expected ')' to close the '(' at position ${t.position}, found the end of the formula`, close.position);
      }
      this.expectedOperator(close, true);
    }
    const hint = t.kind === 'close' ? ' (empty parentheses or a missing operand)' : '';
    this.stop(`Expected an input name or '(' at position ${t.position}, found ${describe(t)}${hint}`, t.position);
  }
}

/** Parses a formula; on failure says what was expected, where, and what was found. */
export function parseFormula(src: string): { ok: true; value: Ast } | FormulaError {
  if (src.length > MAX_FORMULA_LENGTH) {
    return fail(`The formula is ${src.length} characters long; the limit is ${MAX_FORMULA_LENGTH}`, MAX_FORMULA_LENGTH);
  }
  if (src.trim() === '') return fail('The formula is empty: type one, e.g. (a XOR b) AND (c XOR d)', 0);
  const tokens = tokenize(src);
  if (!tokens.ok) return tokens;
  try {
    return { ok: true, value: new Parser(tokens.value).parseAll() };
  } catch (e) {
    if (e instanceof ParseFailure) return e.error;
    throw e;
  }
}

/** The formula's distinct input names in order of first appearance (left to right). */
export function inputsOf(ast: Ast): string[] {
  const seen: string[] = [];
  const walk = (node: Ast): void => {
    if (node.kind === 'input') {
      if (!seen.includes(node.name)) seen.push(node.name);
    } else if (node.kind === 'not') walk(node.operand);
    else {
      walk(node.left);
      walk(node.right);
    }
  };
  walk(ast);
  return seen;
}

/** One binary gate applied to two truth values. */
export function applyGate(op: BinaryOp, p: boolean, q: boolean): boolean {
  if (op === 'and') return p && q;
  if (op === 'or') return p || q;
  return p !== q;
}

/** The formula's truth under an assignment; a missing input is a bug and throws. */
export function evaluate(ast: Ast, assignment: Readonly<Record<string, boolean>>): boolean {
  if (ast.kind === 'input') {
    const v = assignment[ast.name];
    if (v === undefined) throw new Error(`evaluate: no value for input '${ast.name}'`);
    return v;
  }
  if (ast.kind === 'not') return !evaluate(ast.operand, assignment);
  return applyGate(ast.kind, evaluate(ast.left, assignment), evaluate(ast.right, assignment));
}

/** Prints a formula with upper-case keywords, parenthesizing every nested gate of another kind. */
export function formatFormula(ast: Ast): string {
  if (ast.kind === 'input') return ast.name;
  if (ast.kind === 'not') {
    const inner = formatFormula(ast.operand);
    return ast.operand.kind === 'input' || ast.operand.kind === 'not' ? `NOT ${inner}` : `NOT (${inner})`;
  }
  const op = ast.kind;
  const side = (child: Ast, right: boolean): string => {
    const s = formatFormula(child);
    if (child.kind === 'input' || child.kind === 'not') return s;
    // Mixed gates read more easily with parentheses; a same-gate right child needs them
    // (left-associative), and they decide the layers.
    return child.kind !== op || right ? `(${s})` : s;
  };
  return `${side(ast.left, false)} ${op.toUpperCase()} ${side(ast.right, true)}`;
}
