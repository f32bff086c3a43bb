import { parseAllDocuments, visit } from 'yaml';

/**
 * Whether a new line inserted at the start of a given line would be code, or text inside a string: "Ignore CODE on
 * this line" writes a comment line there, and inside a multi-line string (a prompt in a template literal, a Python
 * `"""` docstring, a YAML block scalar) that comment would become part of the text the agent sends. The lexers
 * here know only what that question needs: comments, string delimiters and the few constructs that open a string
 * across lines. Where a file holds something they do not follow (a heredoc, a raw string with custom delimiters,
 * a Lua long bracket), the answer is "unknown" from there on, and the caller offers no fix: a guess could edit a
 * prompt.
 */

export type LineContext = 'code' | 'string' | 'unknown';

/** How a file's language writes comments and strings (chosen by extension in ignoreFixes.ts). */
export type StringLanguage =
  'js' | 'jsx' | 'c-like' | 'python' | 'shell-like' | 'toml' | 'yaml' | 'sql' | 'lua' | 'markup';

/** The context at the start of every line of `text` (index: 0-based line), worked out in one pass. */
export function lineContexts(text: string, language: StringLanguage): readonly LineContext[] {
  if (language === 'yaml') return yamlContexts(text);
  if (language === 'markup') return markupContexts(text);
  return new Lexer(text, language).run();
}

interface Delimiter {
  readonly open: string;
  readonly close: string;
  /** A backslash escapes the next character (not in Go's backtick strings, shell's '…', SQL's '…'). */
  readonly escapes: boolean;
}

const DQ: Delimiter = { open: '"', close: '"', escapes: true };
const SQ: Delimiter = { open: "'", close: "'", escapes: true };
const TRIPLE_DQ: Delimiter = { open: '"""', close: '"""', escapes: true };
const TRIPLE_SQ: Delimiter = { open: "'''", close: "'''", escapes: true };

interface Syntax {
  readonly lineComments: readonly string[];
  readonly blockComment?: { readonly open: string; readonly close: string };
  /** Longest first: `"""` before `"`. */
  readonly strings: readonly Delimiter[];
  /** Text that opens a construct these lexers do not follow: from there on every line is 'unknown'. */
  readonly beyond?: RegExp;
}

const C_BLOCK = { open: '/*', close: '*/' };

// Template literals (with `${…}` nesting) are handled by the lexer itself; a regular expression literal is skipped
// by the usual rule (a `/` where a value may start).
const JS: Syntax = { lineComments: ['//'], blockComment: C_BLOCK, strings: [DQ, SQ] };

const SYNTAX: Record<Exclude<StringLanguage, 'yaml' | 'markup'>, Syntax> = {
  js: JS,
  // JSX text is text, where a quote opens nothing (`<p>Don't</p>`): from the first element on, lines are unknown.
  jsx: JS,
  // `'` is a char literal or a Rust lifetime: only a closed char literal ('x', '\n') is skipped. Raw strings
  // (Rust r#"…"#, C++ R"(…)", C# @"…" and $"""…""") are beyond.
  'c-like': {
    lineComments: ['//'],
    blockComment: C_BLOCK,
    strings: [TRIPLE_DQ, DQ, { open: '`', close: '`', escapes: false }],
    beyond: /\br#*"|\bR"[^(\s]*\(|@"|\$+"""/y,
  },
  python: { lineComments: ['#'], strings: [TRIPLE_DQ, TRIPLE_SQ, DQ, SQ] },
  // Heredocs (`<<EOF`, `<<~EOF`, `<<-'EOF'`) are beyond.
  'shell-like': {
    lineComments: ['#'],
    strings: [DQ, { open: "'", close: "'", escapes: false }],
    beyond: /<<[-~]?\s*['"]?[A-Za-z_]/y,
  },
  toml: {
    lineComments: ['#'],
    strings: [TRIPLE_DQ, { open: "'''", close: "'''", escapes: false }, DQ, { open: "'", close: "'", escapes: false }],
  },
  sql: { lineComments: ['--'], blockComment: C_BLOCK, strings: [{ open: "'", close: "'", escapes: false }, DQ] },
  // Long brackets ([[…]], [==[…]==], --[[…]]) are beyond.
  lua: { lineComments: ['--'], strings: [DQ, SQ], beyond: /(?:--)?\[=*\[/y },
};

const IDENTIFIER_PART = /[\p{ID_Continue}$\u200c\u200d]/u;
const KEYWORDS_BEFORE_VALUE: ReadonlySet<string> = new Set([
  'await',
  'case',
  'delete',
  'do',
  'else',
  'in',
  'instanceof',
  'new',
  'of',
  'return',
  'throw',
  'typeof',
  'void',
  'yield',
]);

/** Where the lexer stands: in code (with the template literals it is nested in), in a string or comment, or lost. */
type State =
  | { readonly kind: 'code' }
  | { readonly kind: 'string'; readonly delimiter: Delimiter }
  | { readonly kind: 'template' }
  | { readonly kind: 'block-comment' }
  | { readonly kind: 'unknown' };

class Lexer {
  private readonly syntax: Syntax;
  private state: State = { kind: 'code' };
  /** Open template literals' `${` brace depths, innermost last: a `}` at depth 0 returns into the template. */
  private readonly templates: number[] = [];
  private braces = 0;
  /** Whether a `/` here would start a regular expression (js): after an operator or at the start. */
  private valueMayStart = true;
  private readonly isJs: boolean;

  constructor(
    private readonly text: string,
    private readonly language: Exclude<StringLanguage, 'yaml' | 'markup'>,
  ) {
    this.syntax = SYNTAX[language];
    this.isJs = language === 'js' || language === 'jsx';
  }

  run(): LineContext[] {
    const contexts: LineContext[] = [this.context()];
    let at = 0;
    while (at < this.text.length) {
      const next = this.step(at);
      for (let i = at; i < next; i++) if (this.text.charCodeAt(i) === 10) contexts.push(this.context());
      at = next;
    }
    return contexts;
  }

  /**
   * The context at a line start reached in the current state. A line break inside a step (a string's, a comment's)
   * is counted by `run` after the step: steps never cross a line break that changes the state, except strings and
   * block comments, which stay what they were.
   */
  private context(): LineContext {
    switch (this.state.kind) {
      case 'code':
      case 'block-comment':
        return 'code';
      case 'string':
      case 'template':
        return 'string';
      case 'unknown':
        return 'unknown';
    }
  }

  /** Consumes one token from `at` and returns where the next begins. */
  private step(at: number): number {
    switch (this.state.kind) {
      case 'unknown':
        return this.text.length;
      case 'string':
        return this.inString(at, this.state.delimiter);
      case 'template':
        return this.inTemplate(at);
      case 'block-comment':
        return this.inBlockComment(at);
      case 'code':
        return this.inCode(at);
    }
  }

  private inCode(at: number): number {
    const { text, syntax } = this;
    const char = text[at]!;
    if (char === '\n') return at + 1;
    if (syntax.beyond) {
      syntax.beyond.lastIndex = at;
      if (syntax.beyond.test(text)) {
        this.state = { kind: 'unknown' };
        return text.length;
      }
    }
    for (const opener of syntax.lineComments) if (text.startsWith(opener, at)) return this.lineEnd(at);
    if (syntax.blockComment && text.startsWith(syntax.blockComment.open, at)) {
      this.state = { kind: 'block-comment' };
      return at + syntax.blockComment.open.length;
    }
    if (this.isJs) {
      if (this.language === 'jsx' && this.startsElement(at)) {
        this.state = { kind: 'unknown' };
        return text.length;
      }
      const js = this.jsToken(at);
      if (js !== undefined) return js;
    }
    if (this.language === 'c-like' && char === "'") return this.charLiteral(at);
    for (const delimiter of syntax.strings)
      if (text.startsWith(delimiter.open, at)) {
        this.state = { kind: 'string', delimiter };
        return at + delimiter.open.length;
      }
    if (this.isJs && !/\s/.test(char))
      this.valueMayStart = /[(,=:[!&|?{};+\-*%<>~^]/.test(char) || this.endsKeywordBeforeValue(at);
    return at + 1;
  }

  /** `<div`, `<Foo`, `<>` where a value may start: a JSX element (a generic arrow `<T,>` is taken for one too). */
  private startsElement(at: number): boolean {
    return this.text[at] === '<' && this.valueMayStart && /[A-Za-z>]/.test(this.text[at + 1] ?? '');
  }

  /**
   * Whether `at` ends a keyword after which a value starts, so that a `/` next opens a regular expression
   * (`return /re/`, minified `return/re/`, `of /["']/`), and not a property of that name (`x.in / 2`).
   */
  private endsKeywordBeforeValue(at: number): boolean {
    if (IDENTIFIER_PART.test(this.text[at + 1] ?? '')) return false;
    let start = at;
    while (start > 0 && IDENTIFIER_PART.test(this.text[start - 1]!)) start--;
    return this.text[start - 1] !== '.' && KEYWORDS_BEFORE_VALUE.has(this.text.slice(start, at + 1));
  }

  /** Template literals, their `${…}` nesting, and regular expression literals (skipped whole). */
  private jsToken(at: number): number | undefined {
    const char = this.text[at]!;
    if (char === '`') {
      this.state = { kind: 'template' };
      return at + 1;
    }
    if (char === '{') this.braces++;
    if (char === '}') {
      if (this.templates.length > 0 && this.braces === this.templates[this.templates.length - 1]) {
        this.templates.pop();
        this.state = { kind: 'template' };
        return at + 1;
      }
      this.braces--;
    }
    if (char === '/' && this.valueMayStart) return this.regexEnd(at);
    return undefined;
  }

  /** A regular expression literal ends at its unescaped `/` outside a class; a line break ends it anyway. */
  private regexEnd(at: number): number {
    let inClass = false;
    for (let i = at + 1; i < this.text.length; i++) {
      const char = this.text[i];
      if (char === '\n') return i;
      if (char === '\\') i++;
      else if (char === '[') inClass = true;
      else if (char === ']') inClass = false;
      else if (char === '/' && !inClass) {
        this.valueMayStart = false;
        return i + 1;
      }
    }
    return this.text.length;
  }

  private inTemplate(at: number): number {
    for (let i = at; i < this.text.length; i++) {
      const char = this.text[i];
      if (char === '\\') {
        const escaped = this.escapedLineBreakEnd(i);
        if (escaped !== undefined) return escaped;
        i++;
      } else if (char === '`') {
        this.state = { kind: 'code' };
        this.valueMayStart = false;
        return i + 1;
      } else if (char === '$' && this.text[i + 1] === '{') {
        this.templates.push(this.braces);
        this.state = { kind: 'code' };
        this.valueMayStart = true;
        return i + 2;
      } else if (char === '\n') return i + 1;
    }
    return this.text.length;
  }

  private inString(at: number, delimiter: Delimiter): number {
    for (let i = at; i < this.text.length; i++) {
      if (delimiter.escapes && this.text[i] === '\\') {
        const escaped = this.escapedLineBreakEnd(i);
        if (escaped !== undefined) return escaped;
        i++;
      } else if (this.text.startsWith(delimiter.close, i)) {
        this.state = { kind: 'code' };
        this.valueMayStart = false;
        return i + delimiter.close.length;
      } else if (this.text[i] === '\n') return i + 1;
    }
    return this.text.length;
  }

  /**
   * After a backslash at `at` that escapes a line break (a string continued on the next line): where the next line
   * starts, so that line's start is counted while the string is still open.
   */
  private escapedLineBreakEnd(at: number): number | undefined {
    if (this.text[at + 1] === '\n') return at + 2;
    if (this.text[at + 1] === '\r' && this.text[at + 2] === '\n') return at + 3;
    return undefined;
  }

  private inBlockComment(at: number): number {
    const close = this.syntax.blockComment!.close;
    const end = this.text.indexOf(close, at);
    const lineBreak = this.text.indexOf('\n', at);
    if (lineBreak !== -1 && (end === -1 || lineBreak < end)) return lineBreak + 1;
    if (end === -1) return this.text.length;
    this.state = { kind: 'code' };
    return end + close.length;
  }

  /** 'x', '\n', '\u{1F600}': skipped whole; any other `'` (a Rust lifetime) is code. */
  private charLiteral(at: number): number {
    const match = /'(?:\\(?:u\{[0-9A-Fa-f]+\}|.)|[^\\'\n])'/y;
    match.lastIndex = at;
    return match.test(this.text) ? match.lastIndex : at + 1;
  }

  private lineEnd(at: number): number {
    const end = this.text.indexOf('\n', at);
    return end === -1 ? this.text.length : end;
  }
}

/**
 * YAML, by its parser (the `yaml` package) rather than by rules of thumb: a line that starts inside a scalar (a
 * block scalar's lines, a plain or quoted scalar continued from the line before, a key spanning lines) is
 * 'string', where a comment would be text or end the scalar; any other line is 'code'. Keys holding quotes, colons
 * or `#` and indicators spaced out (`key:  |`) defeat a line-based guess; the parser reads them as the editor's
 * YAML does. A file the parser reports errors in is 'unknown' throughout: no guess where the two may disagree.
 */
function yamlContexts(text: string): readonly LineContext[] {
  // The same buffer asks again as the cursor moves between findings: a large file is parsed once per version.
  if (lastYaml?.text !== text) lastYaml = { text, contexts: parsedYamlContexts(text) };
  return lastYaml.contexts;
}

let lastYaml: { readonly text: string; readonly contexts: readonly LineContext[] } | undefined;

function parsedYamlContexts(text: string): LineContext[] {
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const parseable = text.length <= MAX_YAML_CHARS && nestingBound(text) <= MAX_YAML_NESTING;
  const scalars = parseable ? yamlScalars(text) : undefined;
  if (scalars === undefined) return lineStarts.map(() => 'unknown');
  let next = 0;
  return lineStarts.map((lineStart) => {
    while (next < scalars.length && scalars[next]![1] <= lineStart) next++;
    // Scalars do not overlap: the first one not yet ended is the only one that can hold the line start.
    const scalar = scalars[next];
    return scalar !== undefined && scalar[0] < lineStart ? 'string' : 'code';
  });
}

/**
 * The deepest YAML nesting the parser is let near. Its composer recurses per level, and when the stack runs out
 * next to a regular expression's first use, V8 aborts the process ("RegExpCompiler Allocation failed") instead of
 * throwing: 50,000 nested `[` in one file took the language server down that way. Real files nest a few levels.
 */
const MAX_YAML_NESTING = 200;

/**
 * The largest YAML text parsed for line contexts: about 0.3 s of parsing on this kind of machine (a 1.6 MB file took
 * 0.8–1.7 s, the language server's whole turn). An agent's YAML is a few KB; beyond this no fix is offered.
 */
const MAX_YAML_CHARS = 512 * 1024;

/**
 * An upper bound of the nesting in a YAML text, in one pass and without parsing: every `[` or `{` still open
 * (quotes and comments not told apart, so the bound only errs high), plus the widest line prefix of indentation
 * and `- ` / `? ` indicators, since a block level takes at least one column.
 */
function nestingBound(text: string): number {
  let open = 0;
  let deepestFlow = 0;
  let widestPrefix = 0;
  let lineStart = true;
  let prefix = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 10) {
      lineStart = true;
      prefix = 0;
      continue;
    }
    if (lineStart) {
      // Space, tab, `-` and `?` (and the `:` of a complex key) can only open block levels at a line's start.
      if (char === 32 || char === 9 || char === 45 || char === 63 || char === 58) {
        widestPrefix = Math.max(widestPrefix, ++prefix);
        continue;
      }
      lineStart = false;
    }
    if (char === 91 || char === 123) deepestFlow = Math.max(deepestFlow, ++open);
    else if ((char === 93 || char === 125) && open > 0) open--;
  }
  return deepestFlow + widestPrefix;
}

/** Every scalar's [start, end) in `text`, in order; undefined where the parser reports errors (or gives up). */
function yamlScalars(text: string): [number, number][] | undefined {
  try {
    // Keys are not checked for duplicates: that check compares each key with every other one of its mapping, and
    // made a 10,000-key file take 1.5 s (20,000 aliases: 3.8 s); a duplicate key does not move a line's context.
    const documents = parseAllDocuments(text, { uniqueKeys: false });
    if (!Array.isArray(documents) || documents.some((document) => document.errors.length > 0)) return undefined;
    const scalars: [number, number][] = [];
    for (const document of documents)
      visit(document, {
        Scalar: (_key, node) => {
          if (node.range) scalars.push([node.range[0], node.range[1]]);
        },
      });
    return scalars.sort((a, b) => a[0] - b[0]);
  } catch {
    // A hostile file can nest deeper than the stack allows: no answer rather than a failed code action.
    return undefined;
  }
}

/**
 * Markup: a line inside a fenced code block (``` or ~~~) shows an HTML comment as text; one inside an open
 * `<!-- … -->` would end that comment early with its own `-->`, and show the rest.
 */
function markupContexts(text: string): LineContext[] {
  const contexts: LineContext[] = [];
  let fence: string | undefined;
  let inComment = false;
  for (const line of text.split('\n')) {
    contexts.push(fence === undefined && !inComment ? 'code' : 'string');
    if (fence === undefined) inComment = commentOpenAfter(line, inComment);
    if (inComment) continue;
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker === undefined) continue;
    if (fence === undefined) fence = marker;
    else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
  }
  return contexts;
}

/** Whether an HTML comment is open at the end of `line`, given whether one was open at its start. */
function commentOpenAfter(line: string, open: boolean): boolean {
  let at = 0;
  for (;;) {
    const next = line.indexOf(open ? '-->' : '<!--', at);
    if (next === -1) return open;
    at = next + (open ? 3 : 4);
    open = !open;
  }
}
