import type * as vscode from 'vscode';
import { Commands, lineEndAt, lineStartAt, type ParsedEnv, parseEnv } from '../../engine/core';
import { isCloakEnabled } from './clientSettings';

/**
 * Value cloaking: the values of `.env` editors are hidden behind a decoration, so a screen share, a recording or
 * someone behind you never sees them. On by default (`struere.cloak.enabled`); Struere: Toggle Secret Values
 * shows or hides the values of one file; a value shows while the cursor sits on its line after you clicked or
 * moved there (like a password field that shows on focus), so editing is not blind.
 *
 * The pure part (which offsets to hide) comes first and is unit-tested. VS Code itself comes in as a parameter
 * (`import type` only) so that this module loads outside the editor.
 */

export interface CloakRange {
  /** UTF-16 offsets into the document text, end exclusive. */
  readonly start: number;
  readonly end: number;
}

/** What a hidden value shows instead: fixed, so neither the value nor its length shows. */
export const CLOAK_MASK = '••••••';

/**
 * The innermost scope the dotenv grammar gives every value character (syntaxes/dotenv.tmLanguage.json), coloured
 * transparent by the manifest's `configurationDefaults`. No other grammar emits it, so the rule touches nothing else.
 */
export const CLOAK_SCOPE = 'struere.cloaked-value.dotenv';

/**
 * The value spans of an .env text to hide, in order, never empty:
 * - every entry's value as the shared parser (dotenv's semantics) sees it — inside its quotes when quoted, so
 *   `KEY="••••••"` still shows it is quoted, over several lines for multiline values;
 * - the value part of a line the parser calls malformed but that holds `=` (`MY KEY=sk_live_…` is still a secret);
 * - the value of a commented-out assignment (`# OLD_TOKEN=…`), where old values tend to survive.
 * Keys, `export`, separators, trailing comments and prose comments stay visible.
 */
export function cloakRanges(text: string): CloakRange[] {
  const parsed = parseEnv(text);
  const ranges: CloakRange[] = [];
  for (const entry of parsed.entries) pushValue(text, entry.valueStart, entry.valueEnd, ranges);
  for (const problem of parsed.problems) {
    if (problem.code !== 'malformed-line') continue;
    const equals = text.indexOf('=', problem.start);
    if (equals !== -1 && equals < problem.end)
      pushValue(text, skipBlanks(text, equals + 1, problem.end), problem.end, ranges);
  }
  for (const range of commentedAssignments(text, parsed)) pushValue(text, range.start, range.end, ranges);
  return ranges.sort((a, b) => a.start - b.start);
}

/** Adds [start, end) trimmed, or its inside when it is wrapped in one kind of quote; nothing when empty. */
function pushValue(text: string, start: number, end: number, out: CloakRange[]): void {
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  const first = text[start];
  if (end - start >= 2 && (first === '"' || first === "'" || first === '`') && text[end - 1] === first) {
    start++;
    end--;
  }
  if (end > start) out.push({ start, end });
}

function skipBlanks(text: string, pos: number, end: number): number {
  while (pos < end && (text[pos] === ' ' || text[pos] === '\t')) pos++;
  return pos;
}

/* A whole-line comment whose text is an assignment: `# KEY=value`, `#export KEY = value`. `=` only: `# Note: x`
   is prose, although dotenv would read `Note: x` as an entry. */
const COMMENTED_ASSIGNMENT = /^[ \t]*#+[ \t]*(?:export[ \t]+)?[A-Za-z_][\w.-]*[ \t]*=[ \t]*([^\r\n]*)$/dgm;

function commentedAssignments(text: string, parsed: ParsedEnv): CloakRange[] {
  if (!text.includes('#')) return [];
  // Lines inside an entry's span (a multiline quoted value) are value, not comments.
  const spans = parsed.entries.map((entry) => ({ start: entry.entryStart, end: entry.valueEnd }));
  const ranges: CloakRange[] = [];
  let span = 0;
  COMMENTED_ASSIGNMENT.lastIndex = 0;
  for (let match = COMMENTED_ASSIGNMENT.exec(text); match !== null; match = COMMENTED_ASSIGNMENT.exec(text)) {
    while (span < spans.length && spans[span].end <= match.index) span++;
    if (span < spans.length && spans[span].start <= match.index) continue;
    const [start, end] = match.indices![1]!;
    ranges.push({ start, end });
  }
  return ranges;
}

/**
 * The ranges to hide given the cursors (offsets): a range stays visible while a cursor is on one of its lines,
 * so the value being edited shows and every other one stays hidden.
 */
export function rangesToHide(text: string, ranges: readonly CloakRange[], cursors: readonly number[]): CloakRange[] {
  if (cursors.length === 0) return [...ranges];
  const lines = cursors.map((offset) => ({ start: lineStartAt(text, offset), end: lineEndAt(text, offset) }));
  return ranges.filter((range) => !lines.some((line) => line.start <= range.end && range.start <= line.end));
}

/**
 * What the grammar hides but the parser does not call a value: after a quote that never closes, the grammar's
 * string runs to the end of the file (TextMate cannot look ahead for the closing quote), while dotenv reads the
 * following lines as entries. Their keys and comments would stay transparent; these ranges get the explicit
 * colour instead. `ranges` are the document's cloakRanges.
 */
export function grammarOnlyRanges(text: string, ranges: readonly CloakRange[]): CloakRange[] {
  const unterminated = parseEnv(text).problems.find((problem) => problem.code === 'unterminated-quote');
  if (!unterminated) return [];
  const out: CloakRange[] = [];
  let at = unterminated.start;
  for (const range of ranges) {
    if (range.end <= at) continue;
    if (range.start > at) out.push({ start: at, end: range.start });
    at = Math.max(at, range.end);
  }
  if (at < text.length) out.push({ start: at, end: text.length });
  return out;
}

/**
 * `text` with every value replaced by the mask, line structure and every key's position unchanged (a multiline
 * value keeps its line breaks, each of its lines masked): what the masked view of an .env file serves, so that
 * a reference list or a peek that draws a line's text draws `KEY=••••••`.
 */
export function maskValues(text: string): string {
  let out = '';
  let at = 0;
  for (const range of cloakRanges(text)) {
    out += text.slice(at, range.start);
    out += text.slice(range.start, range.end).replace(/[^\r\n]+/g, CLOAK_MASK);
    at = range.end;
  }
  return out + text.slice(at);
}

// ---------------------------------------------------------------------------------------------------------

type VsCode = typeof vscode;

/**
 * The editor side, in two layers.
 *
 * 1. Before any extension code runs: the dotenv grammar gives every value character the innermost scope
 *    `struere.cloaked-value.dotenv` (CLOAK_SCOPE), and the manifest's `configurationDefaults` colour that scope
 *    transparent through `editor.tokenColorCustomizations`. The renderer applies it while it tokenizes, so an
 *    editor, a diff, a peek or a hover that shows an .env model paints no value from its first frame. A user's
 *    own `textMateRules` replaces ours (arrays are not merged): see cloakRule.ts, which detects that and offers
 *    to add the rule back.
 * 2. Decorations, applied synchronously in the events that announce an editor (no await, no debounce, no server
 *    round trip): a value that stays hidden is taken out of layout (`display: none`, injected through
 *    `textDecoration`, which VS Code writes into the CSS rule as is) behind a fixed `before` mask, so not even
 *    its length shows once the decoration lands; a value that is revealed — the cursor's line after the user
 *    placed the cursor there, every value of a file toggled to shown, every value when `struere.cloak.enabled`
 *    is false — gets an explicit colour that beats the transparent token colour. Decorations are per editor and
 *    arrive after VS Code's first paint (several frames on a first open and on a tab switch), which is why layer 1 exists: in those frames a revealed value is still transparent (a
 *    harmless delay), a hidden one already is.
 */
export class ValueCloak implements vscode.Disposable {
  private readonly decoration: vscode.TextEditorDecorationType;
  /** Revealed values: an explicit colour over the grammar's transparent one. */
  private readonly revealDecoration: vscode.TextEditorDecorationType;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  /** Per document (URI): shown or hidden by the toggle, overriding the setting until the document closes. */
  private readonly overrides = new Map<string, boolean>();
  /** Editors where the user placed the cursor (click or keys): only there does the cursor line reveal a value. */
  private readonly userCursor = new WeakSet<vscode.TextEditor>();
  /** Parsed once per document version: selection events re-apply often. */
  private readonly rangeCache = new WeakMap<
    vscode.TextDocument,
    { version: number; ranges: CloakRange[]; grammarOnly: CloakRange[] }
  >();

  constructor(private readonly vscodeApi: VsCode) {
    const { window, workspace, l10n } = vscodeApi;
    this.decoration = window.createTextEditorDecorationType({
      textDecoration: 'none; display: none',
      opacity: '0',
      before: { contentText: CLOAK_MASK, color: new vscodeApi.ThemeColor('editorCodeLens.foreground') },
      rangeBehavior: vscodeApi.DecorationRangeBehavior.ClosedClosed,
    });
    this.revealDecoration = window.createTextEditorDecorationType({
      color: new vscodeApi.ThemeColor('editor.foreground'),
      rangeBehavior: vscodeApi.DecorationRangeBehavior.ClosedClosed,
    });
    this.status = window.createStatusBarItem('struere.cloak', vscodeApi.StatusBarAlignment.Right, 100);
    this.status.name = l10n.t('Struere Secret Values');
    this.status.command = Commands.toggleCloak;
    this.disposables.push(
      this.decoration,
      this.revealDecoration,
      this.status,
      window.onDidChangeVisibleTextEditors((editors) => editors.forEach((editor) => this.apply(editor))),
      window.onDidChangeActiveTextEditor((editor) => {
        if (editor) this.apply(editor);
        this.renderStatus();
      }),
      window.onDidChangeTextEditorSelection((event) => {
        const kind = event.kind;
        if (
          kind === vscodeApi.TextEditorSelectionChangeKind.Keyboard ||
          kind === vscodeApi.TextEditorSelectionChangeKind.Mouse
        )
          this.userCursor.add(event.textEditor);
        this.apply(event.textEditor);
      }),
      workspace.onDidChangeTextDocument((event) => this.applyToDocument(event.document)),
      // A language change (to or from dotenv) reopens the document.
      workspace.onDidOpenTextDocument((document) => this.applyToDocument(document)),
      workspace.onDidCloseTextDocument((document) => this.overrides.delete(document.uri.toString())),
      workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration('struere.cloak')) return;
        window.visibleTextEditors.forEach((editor) => this.apply(editor));
        this.renderStatus();
      }),
    );
    // Editors restored before activation: hide their values now.
    window.visibleTextEditors.forEach((editor) => this.apply(editor));
    this.renderStatus();
    this.loadGrammarEarly();
  }

  /**
   * The renderer loads a grammar when the first model of its language is created, and paints that model untokenized
   * (in the default colour, values included) until the grammar has loaded. An empty untitled dotenv document, never
   * shown, makes it load now, before the user opens an .env file.
   */
  private loadGrammarEarly(): void {
    if (this.vscodeApi.workspace.textDocuments.some(isDotenv)) return;
    this.vscodeApi.workspace.openTextDocument({ language: 'dotenv', content: '' }).then(
      () => undefined,
      (error: unknown) => console.error(`Struere: could not preload the dotenv grammar: ${String(error)}`),
    );
  }

  /** Whether values of `document` are hidden now: the toggle's choice for it, else the setting. */
  isCloaked(document: vscode.TextDocument): boolean {
    return this.isCloakedUri(document.uri);
  }

  isCloakedUri(uri: vscode.Uri): boolean {
    const override = this.overrides.get(uri.toString());
    if (override !== undefined) return override;
    return isCloakEnabled(this.vscodeApi.workspace, uri);
  }

  /** Struere: Toggle Secret Values (registered with the other commands, client/src/commands.ts). */
  toggle(): void {
    const { window, l10n } = this.vscodeApi;
    const editor = window.activeTextEditor;
    if (!editor || !isDotenv(editor.document)) {
      void window.showInformationMessage(
        l10n.t('Struere: Toggle Secret Values works on an .env file: open one first.'),
      );
      return;
    }
    const document = editor.document;
    const cloaked = !this.isCloaked(document);
    this.overrides.set(document.uri.toString(), cloaked);
    this.applyToDocument(document);
    this.renderStatus();
  }

  private applyToDocument(document: vscode.TextDocument): void {
    for (const editor of this.vscodeApi.window.visibleTextEditors) if (editor.document === document) this.apply(editor);
  }

  private apply(editor: vscode.TextEditor): void {
    const document = editor.document;
    if (!isDotenv(document)) return;
    const text = document.getText();
    let cached = this.rangeCache.get(document);
    if (cached?.version !== document.version) {
      const ranges = cloakRanges(text);
      cached = { version: document.version, ranges, grammarOnly: grammarOnlyRanges(text, ranges) };
      this.rangeCache.set(document, cached);
    }
    let hidden: CloakRange[] = [];
    if (this.isCloaked(document)) {
      const cursors = this.userCursor.has(editor)
        ? editor.selections.map((selection) => document.offsetAt(selection.active))
        : [];
      hidden = cursors.length === 0 ? cached.ranges : rangesToHide(text, cached.ranges, cursors);
    }
    const hiddenSet = new Set(hidden);
    const revealed = [...cached.ranges.filter((range) => !hiddenSet.has(range)), ...cached.grammarOnly];
    const toRange = (range: CloakRange) =>
      new this.vscodeApi.Range(document.positionAt(range.start), document.positionAt(range.end));
    editor.setDecorations(this.decoration, hidden.map(toRange));
    editor.setDecorations(this.revealDecoration, revealed.map(toRange));
  }

  private renderStatus(): void {
    const editor = this.vscodeApi.window.activeTextEditor;
    if (!editor || !isDotenv(editor.document)) {
      this.status.hide();
      return;
    }
    const cloaked = this.isCloaked(editor.document);
    const { l10n } = this.vscodeApi;
    this.status.text = cloaked ? `$(eye-closed) ${l10n.t('Values hidden')}` : `$(eye) ${l10n.t('Values shown')}`;
    this.status.tooltip = cloaked
      ? l10n.t(
          'Struere: the values of this .env file are hidden (a value shows while your cursor is on its line). Click to show them.',
        )
      : l10n.t('Struere: the values of this .env file are shown. Click to hide them.');
    this.status.show();
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function isDotenv(document: vscode.TextDocument): boolean {
  return document.languageId === 'dotenv';
}
