import { tokenize, type Token } from '../prompt/lexer';

/**
 * Whether tool code can say `context.secrets.KEY` at an offset, for the fixes that replace a literal with it. The
 * platform calls a tool's handler as `handler(args, context, struere, fetch)`, so `context` is the handler's second
 * parameter, whatever it is called. A fix must leave code that compiles, so it uses:
 *
 * - `in-scope`: an enclosing function has a parameter named `context`, or the enclosing `handler`'s second
 *   parameter is a plain name (`ctx`): the reference uses that name;
 * - `add-parameter`: the enclosing `handler` has fewer than two parameters: the same edit adds them
 *   (`_args, context` for none, `, context` after the one there is; contextual typing from `defineTool` types them);
 * - `none`: anywhere else (module level, a destructured second parameter, a rest parameter, a handler declaring its
 *   own `context`): no such fix is offered.
 *
 * A token-level reading, not a parser: function bodies are `{` after a parameter list (`name(…) {`, `(…) => {`,
 * with an optional return type); arrow functions with an expression body are not followed, so a literal in one
 * gets `none` unless an outer function has `context`.
 */
export type ContextAccess =
  | { readonly kind: 'in-scope'; readonly name: string }
  | { readonly kind: 'add-parameter'; readonly name: 'context'; readonly offset: number; readonly newText: string }
  | { readonly kind: 'none' };

const NONE: ContextAccess = { kind: 'none' };
const CONTEXT = 'context';

/** Words before `(` that open a condition or a call, never a parameter list. */
const NOT_PARAMETERS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'with',
  'return',
  'typeof',
  'await',
  'new',
  'in',
  'of',
  'void',
  'delete',
  'throw',
  'yield',
  'case',
  'super',
  'import',
]);

interface Parameter {
  /** The parameter's name, undefined for a destructuring pattern. */
  readonly name: string | undefined;
  readonly rest: boolean;
  /** Offset just after the parameter's last token. */
  readonly end: number;
}

interface FunctionFrame {
  readonly name: string | undefined;
  readonly parameters: readonly Parameter[];
  /** Offsets of the parameter list's parentheses. */
  readonly open: number;
  readonly close: number;
  readonly bodyStart: number;
  bodyEnd: number;
}

export function contextAccessAt(text: string, offset: number): ContextAccess {
  const tokens = tokenize(text);
  const enclosing = functionsAround(text, tokens, offset);
  for (let i = enclosing.length - 1; i >= 0; i--)
    if (enclosing[i].parameters.some((parameter) => parameter.name === CONTEXT))
      return { kind: 'in-scope', name: CONTEXT };
  const handler = enclosing.find((frame) => frame.name === 'handler');
  if (!handler) return NONE;
  const [first, second] = handler.parameters;
  if (second !== undefined)
    return second.name !== undefined && !second.rest ? { kind: 'in-scope', name: second.name } : NONE;
  if (first?.rest || declaresContext(text, tokens, handler)) return NONE;
  return first === undefined
    ? { kind: 'add-parameter', name: CONTEXT, offset: handler.open + 1, newText: `_args, ${CONTEXT}` }
    : { kind: 'add-parameter', name: CONTEXT, offset: first.end, newText: `, ${CONTEXT}` };
}

/** The functions whose body holds `offset`, outermost first. */
function functionsAround(text: string, tokens: readonly Token[], offset: number): FunctionFrame[] {
  const isPunct = (i: number, ch: string) => tokens[i]?.type === 'punct' && text[tokens[i].start] === ch;
  const word = (i: number) => (tokens[i]?.type === 'word' ? text.slice(tokens[i].start, tokens[i].end) : undefined);
  const braces: (FunctionFrame | undefined)[] = [];
  const found: FunctionFrame[] = [];
  const parens: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].start > offset && braces.length === 0) break;
    if (isPunct(i, '(')) parens.push(i);
    else if (isPunct(i, ')')) {
      const open = parens.pop();
      if (open === undefined) continue;
      const body = bodyAfter(i);
      if (body === undefined) continue;
      const callee = word(open - 1);
      const arrow = isPunct(body - 1, '>') && isPunct(body - 2, '=');
      if (!arrow && (callee === undefined || NOT_PARAMETERS.has(callee))) continue;
      const frame: FunctionFrame = {
        name: functionName(open),
        parameters: parametersOf(open, i),
        open: tokens[open].start,
        close: tokens[i].start,
        bodyStart: tokens[body].start,
        bodyEnd: text.length,
      };
      braces.push(frame);
      found.push(frame);
      i = body;
    } else if (isPunct(i, '{')) braces.push(undefined);
    else if (isPunct(i, '}')) {
      const frame = braces.pop();
      if (frame) frame.bodyEnd = tokens[i].end;
    }
  }
  return found.filter((frame) => frame.bodyStart < offset && offset < frame.bodyEnd);

  /** The index of the body's `{` after a parameter list closed at `close`: directly, after `=>`, or after a return type. */
  function bodyAfter(close: number): number | undefined {
    let i = close + 1;
    if (isPunct(i, ':')) i = afterType(i + 1);
    if (isPunct(i, '=') && isPunct(i + 1, '>')) i += 2;
    return isPunct(i, '{') ? i : undefined;
  }

  /** The first token after a return type: type literals and generic arguments are skipped whole. */
  function afterType(i: number): number {
    let depth = 0;
    for (; i < tokens.length; i++) {
      if (tokens[i].type !== 'punct') continue;
      const ch = text[tokens[i].start];
      if ('<([{'.includes(ch)) {
        // At depth 0 a `{` after a complete type (a name, `>`, `]`, `)`, `}`) is the body, not a type literal.
        if (ch === '{' && depth === 0 && i > 0 && completesType(i - 1)) return i;
        depth++;
      } else if ('>)]}'.includes(ch)) {
        if (ch === '>' && isPunct(i - 1, '=')) {
          if (depth === 0) return i - 1;
          continue;
        }
        depth--;
      } else if (depth === 0 && (ch === ';' || ch === ',')) return i;
    }
    return i;
  }

  function completesType(i: number): boolean {
    const token = tokens[i];
    return token.type === 'word' || token.type === 'string' || '>])}'.includes(text[token.start]);
  }

  function functionName(open: number): string | undefined {
    const callee = word(open - 1);
    if (callee !== undefined && callee !== 'function' && callee !== 'async') return callee;
    // `handler: function (…)`, `handler: async (…) =>`, `handler: (…) =>`, `handler = async (…) =>`.
    let i = callee === undefined ? open - 1 : open - 2;
    if (word(i) === 'async') i--;
    return isPunct(i, ':') || isPunct(i, '=') ? word(i - 1) : undefined;
  }

  function parametersOf(open: number, close: number): Parameter[] {
    const parameters: Parameter[] = [];
    let depth = 0;
    let start = open + 1;
    for (let i = open + 1; i <= close; i++) {
      const punct = tokens[i].type === 'punct' ? text[tokens[i].start] : '';
      if ('([{<'.includes(punct) && punct !== '') depth++;
      else if (i < close && ')]}>'.includes(punct) && punct !== '' && !(punct === '>' && isPunct(i - 1, '='))) depth--;
      if ((depth === 0 && punct === ',') || i === close) {
        if (i > start) {
          const rest = isPunct(start, '.') && isPunct(start + 1, '.') && isPunct(start + 2, '.');
          const first = rest ? start + 3 : start;
          parameters.push({ name: word(first), rest, end: tokens[i - 1].end });
        }
        start = i + 1;
      }
    }
    return parameters;
  }
}

/** Whether the handler's body declares a name `context` (a parameter added next to it would clash). */
function declaresContext(text: string, tokens: readonly Token[], handler: FunctionFrame): boolean {
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.start < handler.bodyStart || token.start >= handler.bodyEnd) continue;
    if (token.type !== 'word' || text.slice(token.start, token.end) !== CONTEXT) continue;
    const before = text.slice(tokens[i - 1].start, tokens[i - 1].end);
    if (['const', 'let', 'var', 'function', 'class'].includes(before)) return true;
  }
  return false;
}
