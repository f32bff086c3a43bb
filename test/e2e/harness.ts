// The real-editor harness: the packaged extension in code-server (VS Code's own workbench and a Node extension
// host) driven through Debian's Chromium with playwright-core. Everything a scenario asserts is something a
// person sees: status bar text, Problems rows, squiggles, notifications, quick picks, hovers.
// How code-server runs on these machines: shared/REAL-EDITOR.md. Provisioning: provision.sh beside this file.
//
// Waiting is always on what appears on screen (Playwright locators) or on a line a child process prints,
// each bounded by a timeout; there are no fixed sleeps.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { errorText } from '../../engine/core/base/errorText';
import { writeStubLanguagePack } from './languagePack';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ARTIFACTS = path.join(__dirname, 'artifacts');
export const EXAMPLE = path.join(ROOT, 'examples', 'support-agent');

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long one on-screen expectation may take on a busy 2-core machine (language server start included). */
export const UI_TIMEOUT = 45_000;
const PROCESS_START_TIMEOUT = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Preparation: provisioned editor + the packaged extension, shared by all test files of one run.

export interface Editor {
  node: string;
  codeServer: string;
  chromium: string;
}

export interface PackagedExtension {
  vsix: string;
  /** The installed extension folder (`publisher.name-version`), copied into each session's extensions dir. */
  installedFolder: string;
}

interface PreparedState {
  editor?: Editor;
  extension?: PackagedExtension;
  /** Why the extension could not be built or packaged; every scenario that needs it fails with this. */
  extensionError?: string;
}

/** Set by run.ts: a JSON file with the PreparedState, so the per-file test processes do not repeat the work. */
const STATE_ENV = 'STRUERE_E2E_STATE';
let state: PreparedState | undefined;
let ownRunDir: string | undefined;

function loadState(): PreparedState {
  if (state) return state;
  const file = process.env[STATE_ENV];
  state = file ? (JSON.parse(fs.readFileSync(file, 'utf8')) as PreparedState) : {};
  return state;
}

/** A temp folder for this process's own preparation (when a test file runs without run.ts). */
function runDir(): string {
  if (!ownRunDir) {
    ownRunDir = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-e2e-run-'));
    const dir = ownRunDir;
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return ownRunDir;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }) {
  const result = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error) throw new Error(`${cmd} ${args.join(' ')}: ${result.error.message}\n${output}`);
  return { status: result.status, stdout: result.stdout ?? '', output };
}

/** Runs provision.sh (idempotent; fast when everything is in place) and returns the paths it settled on. */
export function prepareEditor(): Editor {
  const s = loadState();
  if (s.editor) return s.editor;
  const r = run('bash', [path.join(__dirname, 'provision.sh')], { timeoutMs: 15 * 60_000 });
  if (r.status !== 0) throw new Error(`test/e2e/provision.sh failed (exit ${r.status}):\n${r.output.slice(-4000)}`);
  const vars = Object.fromEntries(
    r.stdout
      .split('\n')
      .map((line) => /^(E2E_\w+)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  s.editor = { node: vars.E2E_NODE, codeServer: vars.E2E_CODE_SERVER, chromium: vars.E2E_CHROMIUM };
  for (const [k, v] of Object.entries(s.editor)) if (!v) throw new Error(`provision.sh did not report ${k}`);
  return s.editor;
}

/**
 * Builds (`node esbuild.mjs --production`), packages (`vsce package --no-dependencies`) and installs the
 * extension with code-server's own `--install-extension` into a template extensions dir. Failures are kept
 * and rethrown verbatim to every scenario that needs the extension, so the report names the real cause.
 */
export function prepareExtension(): PackagedExtension {
  const s = loadState();
  if (s.extension) return s.extension;
  if (s.extensionError) throw new Error(s.extensionError);
  try {
    s.extension = buildAndPackage(prepareEditor(), runDir());
    return s.extension;
  } catch (error) {
    s.extensionError = errorText(error);
    throw error;
  }
}

export function buildAndPackage(editor: Editor, dir: string): PackagedExtension {
  const build = run(process.execPath, ['esbuild.mjs', '--production'], { timeoutMs: 5 * 60_000 });
  if (build.status !== 0)
    throw new Error(
      `build failed: node esbuild.mjs --production (exit ${build.status}):\n${build.output.slice(-4000)}`,
    );

  const vsix = path.join(dir, 'struere.vsix');
  const pack = run(
    'npx',
    ['--no-install', 'vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', vsix],
    { timeoutMs: 5 * 60_000 },
  );
  if (pack.status !== 0 || !fs.existsSync(vsix)) {
    throw new Error(
      `packaging failed: npx vsce package --no-dependencies (exit ${pack.status}):\n${pack.output.slice(-4000)}`,
    );
  }

  const extensionsDir = path.join(dir, 'extensions-template');
  const xdg = path.join(dir, 'xdg');
  const install = run(
    editor.node,
    [
      path.join(editor.codeServer, 'out', 'node', 'entry.js'),
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      path.join(dir, 'install-user-data'),
      '--install-extension',
      vsix,
    ],
    { env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg }, timeoutMs: 3 * 60_000 },
  );
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  const folder = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  if (install.status !== 0 || !fs.existsSync(path.join(folder, 'package.json'))) {
    throw new Error(
      `code-server --install-extension ${vsix} failed (exit ${install.status}):\n${install.output.slice(-4000)}`,
    );
  }
  return { vsix, installedFolder: folder };
}

/** Writes the prepared state for child test processes; used by run.ts. */
export function writeStateFile(file: string, prepared: PreparedState): void {
  fs.writeFileSync(file, JSON.stringify(prepared));
}

export function preparedState(): PreparedState {
  return loadState();
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes: started detached (own process group) so teardown ends them and their children by group id.

interface Started {
  proc: ChildProcess;
  log: string[];
}

function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Started {
  const proc = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  proc.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  proc.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  return { proc, log };
}

/** Resolves with the first match of `pattern` in the process's output; rejects on exit or after `timeoutMs`. */
function waitForOutput(
  started: Started,
  pattern: RegExp,
  what: string,
  timeoutMs = PROCESS_START_TIMEOUT,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(started.log.join(''));
      if (m) {
        done();
        resolve(m);
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`${what} exited (code ${code}) before it was ready:\n${started.log.join('').slice(-3000)}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what} was not ready within ${timeoutMs} ms:\n${started.log.join('').slice(-3000)}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      started.proc.stdout?.off('data', check);
      started.proc.stderr?.off('data', check);
      started.proc.off('exit', onExit);
    };
    started.proc.stdout?.on('data', check);
    started.proc.stderr?.on('data', check);
    started.proc.on('exit', onExit);
    check();
  });
}

/** SIGTERM to the process group, SIGKILL if it is still there after a bounded wait. */
async function stopProcess(started: Started, timeoutMs = 5_000): Promise<void> {
  const { proc } = started;
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-proc.pid!, sig);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    signal('SIGKILL');
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The local API server (dist/local-api.js, built from local-api/): speaks docs/API.md on 127.0.0.1.

export class LocalApi {
  private constructor(
    private readonly started: Started,
    readonly url: string,
  ) {}

  static async start(logDir: string): Promise<LocalApi> {
    const entry = path.join(ROOT, 'dist', 'local-api.js');
    if (!fs.existsSync(entry)) {
      throw new Error(
        'dist/local-api.js is missing after the build: the local API server (local-api/main.ts) is not there yet',
      );
    }
    const started = startProcess(process.execPath, [entry, '--port', '0'], process.env, logDir);
    const m = await waitForOutput(
      started,
      /struere local API listening on (http:\/\/127\.0\.0\.1:\d+)/,
      'local API server',
    );
    return new LocalApi(started, m[1]);
  }

  /** `GET /_local/state`: the secret names the server holds, per environment. */
  async namesByEnvironment(): Promise<Record<string, string[]>> {
    const body = await httpGet(`${this.url}/_local/state`);
    return namesPerEnvironment(JSON.parse(body) as unknown);
  }

  /** `POST /_local/faults` (local-api/faults.ts): e.g. `{ dropNext: { count: 2 } }`, `{ reset: true }`. */
  async configureFaults(faults: Record<string, unknown>): Promise<void> {
    await httpPost(`${this.url}/_local/faults`, JSON.stringify(faults));
  }

  get output(): string {
    return this.started.log.join('');
  }

  stop(): Promise<void> {
    return stopProcess(this.started);
  }
}

/** `{"environments":{"development":["A"],"production":[],"eval":["A"]}}` → the names, sorted, per environment. */
export function namesPerEnvironment(body: unknown): Record<string, string[]> {
  const environments = (body as { environments?: Record<string, unknown> } | null)?.environments;
  const out: Record<string, string[]> = {};
  for (const env of ['development', 'production', 'eval']) {
    const names = environments?.[env];
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      throw new Error(`GET /_local/state: unexpected shape ${JSON.stringify(body)}`);
    }
    out[env] = [...names].sort();
  }
  return out;
}

function httpPost(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', timeout: 10_000, headers: { 'content-type': 'application/json' } });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`POST ${url}: ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`POST ${url}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: ${res.statusCode} ${body}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timed out`)));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// One editor session: fresh workspace copy, user data, extensions dir, code-server and browser.

export interface SessionOptions {
  /** Artifact prefix, e.g. `1-missing-secret` → artifacts/1-missing-secret.png. */
  name: string;
  /** `disabled` (main suite): trust off, everything runs. `untrusted`: trust on, the folder never trusted. */
  trust?: 'disabled' | 'untrusted';
  /** Install the packaged extension (default true). */
  extension?: boolean;
  /** Start the local API server and point `struere.apiUrl` at it (default false). */
  localApi?: boolean;
  /** Extra settings: `user` in the user's settings.json, `workspace` in the folder's own `.vscode/settings.json`. */
  settings?: { user?: Record<string, unknown>; workspace?: Record<string, unknown> };
  /** Display language (`--locale`), with a stub language pack for it (languagePack.ts). Default: English. */
  locale?: string;
  /** Writes more extensions (unpacked folders) into the session's extensions folder, e.g. a test's driver. */
  extraExtensions?: (extensionsDir: string) => void;
}

export class Session {
  readonly problemsPanel: Locator;
  readonly notifications: Locator;
  readonly quickInput: Locator;
  readonly dialog: Locator;
  readonly activeEditor: Locator;

  constructor(
    readonly page: Page,
    readonly workspace: string,
    readonly api: LocalApi | undefined,
    private readonly name: string,
  ) {
    this.problemsPanel = page.locator('.markers-panel');
    this.notifications = page.locator('.notifications-toasts .notification-toast');
    this.quickInput = page.locator('.quick-input-widget');
    this.dialog = page.locator('.monaco-dialog-box');
    this.activeEditor = page.locator('.editor-group-container.active .monaco-editor').first();
  }

  file(rel: string): string {
    return path.join(this.workspace, rel);
  }

  /** Saves `artifacts/<name>[-suffix].png`. */
  async screenshot(suffix = ''): Promise<string> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${this.name}${suffix ? `-${suffix}` : ''}.png`);
    // Finite CSS animations (a notification sliding in) are fast-forwarded, so the picture shows the end state.
    await this.page.screenshot({ path: file, animations: 'disabled' });
    return file;
  }

  explorerRow(label: string): Locator {
    return this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${label}"]`);
  }

  /** The active tab of the active editor group, when it shows `name`. */
  activeTab(name: string): Locator {
    return this.page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: name });
  }

  /**
   * Opens a file with quick open (Ctrl+P, its path, Enter once its row is the focused one): keys cannot be taken by a
   * tooltip the way a click on an Explorer row can. The path is typed in full because quick open's file search
   * leaves out what git ignores (the example's `.env.*` files) and finds a file by name only once it is in the
   * editor history; a typed absolute path is looked up directly.
   */
  async openFile(rel: string): Promise<void> {
    const base = path.posix.basename(rel);
    const dir = path.posix.dirname(rel);
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+P');
    const input = this.quickInput.locator('input.input');
    await input.waitFor({ timeout: UI_TIMEOUT });
    await input.fill(this.file(rel));
    const row = this.quickPickRow(base).filter({
      has: this.page.locator('.label-description', {
        hasText: new RegExp(`^\\s*${escapeRegExp(dir === '.' ? '' : dir)}\\s*$`),
      }),
    });
    const rootRow = this.quickPickRow(base).filter({ hasNot: this.page.locator('.label-description') });
    await this.acceptQuickPick(dir === '.' ? row.or(rootRow) : row, `quick open: ${rel}`);
    await this.quickInput.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    await this.activeTab(base).waitFor({ timeout: UI_TIMEOUT });
    await this.activeEditor.locator('.view-lines').waitFor({ timeout: UI_TIMEOUT });
  }

  /** Puts the keyboard focus in the active editor by clicking into its text, then moves to the end. */
  async focusEditorEnd(): Promise<void> {
    await this.dismissHovers();
    await this.activeEditor.locator('.view-lines').click();
    await this.page
      .locator('.editor-group-container.active .monaco-editor.focused')
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    await this.page.keyboard.press('Control+End');
    await this.moveMouseAway();
  }

  /**
   * Parks the pointer where nothing shows a hover (the empty stretch of the activity bar), so that no tooltip
   * covers what a screenshot shows or what the next click aims at.
   */
  async moveMouseAway(): Promise<void> {
    const point = (await this.page.evaluate('window.__struereE2E.neutralPoint()')) as { x: number; y: number } | null;
    if (!point) throw new Error('no spot in the workbench where the pointer can rest without a hover');
    await this.page.mouse.move(point.x, point.y);
  }

  /**
   * The pointer parked, then waits until no hover is painted: a tooltip left from where the pointer was (an
   * Explorer row, a tab, a reference) stays while the pointer is over it and takes a click meant for what it covers.
   */
  async dismissHovers(): Promise<void> {
    await this.moveMouseAway();
    await this.page
      .waitForFunction('window.__struereE2E.hoverShown() === false', undefined, { timeout: UI_TIMEOUT, polling: 'raf' })
      .catch((error: unknown) => {
        throw new Error(`a hover stayed on screen with the pointer parked away from it: ${String(error)}`);
      });
  }

  /** Clicks `target` with no hover left to take the click, then parks the pointer so none grows from it. */
  async click(target: Locator): Promise<void> {
    await this.dismissHovers();
    await target.click({ timeout: UI_TIMEOUT });
    await this.moveMouseAway();
  }

  /** A rendered line of the active editor containing `text`. */
  editorLine(text: string): Locator {
    return this.activeEditor.locator('.view-line', { hasText: text }).first();
  }

  /** Clicks just after `text` on its line (the cursor lands at the end of it). */
  async clickAfter(text: string): Promise<void> {
    await this.clickText(text, 'end');
  }

  /** Clicks the middle of `text` on its line (the cursor lands inside it). */
  async clickOn(text: string): Promise<void> {
    await this.clickText(text, 'middle');
  }

  /**
   * Clicks on `text` in the active editor with no hover over it, until the caret is on its line: lines drawn
   * above it afterwards (code lenses arrive after the text) can move the text between measuring and clicking,
   * and the caret then shows that the click went to another line. The pointer is parked afterwards.
   */
  private async clickText(text: string, at: 'middle' | 'end'): Promise<void> {
    await this.editorLine(text).waitFor({ timeout: UI_TIMEOUT });
    await this.dismissHovers();
    const deadline = Date.now() + UI_TIMEOUT;
    for (;;) {
      const box = await this.textBox(text);
      await this.page.mouse.click(box.x + (at === 'end' ? box.width : box.width / 2), box.y + box.height / 2);
      // The click is handled when the mouse event returns; the caret is drawn in the next animation frame.
      await this.page.evaluate(RENDERED);
      if (await this.page.evaluate(`window.__struereE2E.caretOnLineOf(${JSON.stringify(text)})`)) break;
      if (Date.now() > deadline) throw new Error(`clicks on ${textNamed(text)} did not put the caret on its line`);
    }
    await this.moveMouseAway();
  }

  /**
   * The cursor on `text`, then a click on the lightbulb that shows on its line once fixes are ready: the quick fix
   * menu opens with the fixes the lightbulb announced. Not Ctrl+.: it asks every provider again, and VS Code drops
   * that request unanswered when the file's diagnostics change meanwhile (TypeScript's arrive whenever its project
   * has loaded, and its provider answers only then): the menu then never opens.
   */
  async openQuickFixMenu(text: string): Promise<void> {
    // Under load the bulb can be drawn again between being found and clicked (a new code action round for the
    // cursor), and the click meets nothing. The bulb is then found and clicked once more, and the log says so, so
    // that a bulb that stops opening the menu shows up.
    if (await this.clickLightbulb(text, UI_TIMEOUT / 3)) return;
    console.error(`[e2e] the lightbulb on the line of ${textNamed(text)} opened no menu; clicking it again`);
    if (!(await this.clickLightbulb(text, UI_TIMEOUT)))
      throw new Error(`the lightbulb on the line of ${textNamed(text)} opened no quick fix menu, twice`);
  }

  /** One click on the lightbulb of `text`'s line; whether the quick fix menu opened within `timeoutMs`. */
  private async clickLightbulb(text: string, timeoutMs: number): Promise<boolean> {
    await this.clickOn(text);
    const bulb = await this.page
      .waitForFunction(`window.__struereE2E.lightbulbOnLineOf(${JSON.stringify(text)})`, undefined, {
        timeout: UI_TIMEOUT,
        polling: 'raf',
      })
      .catch((error: unknown) => {
        throw new Error(`no lightbulb on the line of ${textNamed(text)}: ${String(error)}`);
      });
    const point = (await bulb.jsonValue()) as { x: number; y: number };
    await this.dismissHovers();
    await this.page.mouse.click(point.x, point.y);
    await this.moveMouseAway();
    return this.page
      .locator('.action-widget .monaco-list-row')
      .first()
      .waitFor({ timeout: timeoutMs })
      .then(
        () => true,
        () => false,
      );
  }

  /** In the open quick fix menu, the action whose row shows `title`: focused with the arrow keys, then Enter. */
  async applyCodeAction(title: string): Promise<void> {
    const menu = this.page.locator('.action-widget');
    const row = menu.locator('.monaco-list-row').filter({ hasText: title }).first();
    await this.selectListRow(menu, row, `the quick fix menu: ${title}`);
    await this.page.keyboard.press('Enter');
  }

  /**
   * The text a person sees on each rendered line of the active editor, top to bottom: what is hidden with
   * `display: none` is left out, what a decoration draws (`::before`, a mask) is in.
   */
  async drawnLines(): Promise<string[]> {
    return (await this.page.evaluate('window.__struereE2E.drawnLines()')) as string[];
  }

  /**
   * Waits (checked on each animation frame) until the active editor draws every one of `includes` and none of
   * `excludes`; the failure names what was drawn.
   */
  async waitForDrawn(expect: { includes?: string[]; excludes?: string[] }, timeoutMs = UI_TIMEOUT): Promise<void> {
    const includes = expect.includes ?? [];
    const excludes = expect.excludes ?? [];
    await this.page
      .waitForFunction(
        ([inc, exc]) => {
          const text = (globalThis as unknown as { __struereE2E: { drawnLines(): string[] } }).__struereE2E
            .drawnLines()
            .join('\n');
          return inc.every((t) => text.includes(t)) && !exc.some((t) => text.includes(t));
        },
        [includes, excludes] as const,
        { timeout: timeoutMs, polling: 'raf' },
      )
      .catch(async (error: unknown) => {
        const drawn = (await this.drawnLines().catch(() => [])).join('\n');
        throw new Error(
          `the editor did not draw ${JSON.stringify(includes)} without ${JSON.stringify(excludes)} within ${timeoutMs} ms (${String(error)}); drawn:\n${drawn}`,
        );
      });
  }

  /** Where `text` is drawn in the active editor. */
  private async textBox(text: string): Promise<Box> {
    const box = (await this.page.evaluate(`window.__struereE2E.textBox(${JSON.stringify(text)})`)) as Box | null;
    if (!box) throw new Error(`${textNamed(text)} is not drawn in the active editor`);
    return box;
  }

  /** Hovers the middle of `text` on its line in the active editor. */
  async hoverText(text: string): Promise<void> {
    const line = this.editorLine(text);
    await line.waitFor({ timeout: UI_TIMEOUT });
    const box = await this.textBox(text);
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  }

  /**
   * Waits until a `severity` squiggle is drawn under `text` in the active editor (or, with `present` false,
   * until the text is drawn without one). Checked in the page on each animation frame.
   */
  async waitForSquiggle(
    text: string,
    severity: 'warning' | 'error',
    present = true,
    timeoutMs = UI_TIMEOUT,
  ): Promise<void> {
    await this.page
      .waitForFunction(
        `window.__struereE2E.squiggleUnder(${JSON.stringify(text)}, ${JSON.stringify(severity)}) === ${present}`,
        undefined,
        {
          timeout: timeoutMs,
        },
      )
      .catch((error: unknown) => {
        throw new Error(
          `${present ? 'no' : 'still a'} ${severity} squiggle under ${textNamed(text)} after ${timeoutMs} ms (${String(error)})`,
        );
      });
  }

  /** The colour the editor paints `token` with, on the first rendered line containing `lineText`. */
  async tokenColor(lineText: string, token: string): Promise<string> {
    await this.editorLine(lineText).waitFor({ timeout: UI_TIMEOUT });
    const color = (await this.page.evaluate(
      `window.__struereE2E.tokenColor(${JSON.stringify(lineText)}, ${JSON.stringify(token)})`,
    )) as string | null;
    if (!color) throw new Error(`no single token "${token}" on the line "${lineText}"`);
    return color;
  }

  async showProblems(): Promise<void> {
    if (!(await this.problemsPanel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await this.problemsPanel.waitFor({ timeout: UI_TIMEOUT });
  }

  /** Problems rows (one per marker; file rows excluded) whose text contains every one of `texts`. */
  problemRow(...texts: string[]): Locator {
    let rows = this.problemsPanel.locator(
      '.monaco-list-row:has(.marker-message-details, .marker-source, .marker-code)',
    );
    for (const t of texts) rows = rows.filter({ hasText: t });
    return rows;
  }

  /** The text of every marker row in the Problems panel (for messages in failed assertions). */
  async problemTexts(): Promise<string[]> {
    return this.problemsPanel.locator('.monaco-list-row').allInnerTexts();
  }

  statusBarItem(text: string): Locator {
    return this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: text });
  }

  /** The extension's environment item: a key icon and the environment's name (`$(key) development`). */
  environmentItem(environment?: string): Locator {
    const item = this.page
      .locator('#workbench\\.parts\\.statusbar .statusbar-item')
      .filter({ has: this.page.locator('.codicon-key') });
    return environment ? item.filter({ hasText: new RegExp(`^\\s*${environment}\\s*$`) }) : item;
  }

  /** A quick input left open (a picker a step did not use) is closed, so the next key opens a fresh one. */
  private async closeQuickInput(): Promise<void> {
    if (!(await this.quickInput.isVisible())) return;
    await this.page.keyboard.press('Escape');
    await this.quickInput.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }

  /** F1, the command's palette title, Enter once the command's row is the focused one. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.quickInput.locator('input.input');
    await input.waitFor({ timeout: UI_TIMEOUT });
    await input.fill(`>${title}`);
    await this.acceptQuickPick(this.quickPickRow(title), `the command palette: ${title}`);
  }

  /** A row of the open quick pick whose label is exactly `label` (descriptions may follow it). */
  quickPickRow(label: string): Locator {
    return this.quickInput
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
  }

  /** Picks the row labelled `label` in the open quick pick (keyboard: focused, then Enter). */
  async pickQuick(label: string): Promise<void> {
    await this.acceptQuickPick(this.quickPickRow(label), `the quick pick: ${label}`);
  }

  /**
   * Moves the quick pick's focus to `row` with the arrow keys and presses Enter, each key once the list shows the
   * effect of the one before; keys go to the quick input's own field, so nothing on screen can take them.
   */
  async acceptQuickPick(row: Locator, what: string): Promise<void> {
    await this.selectListRow(this.quickInput.locator('.quick-input-list'), row.first(), what);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Focuses `row` in `list` (a quick pick or an action menu) with ArrowDown. The list is read again before every
   * key: it may still show what it showed before the text typed into its field was applied (a quick pick filters
   * after the keystroke, quick open's results arrive later), so a key is pressed only while another row is focused,
   * and the next only once the focus has moved or `row` has it.
   */
  async selectListRow(list: Locator, row: Locator, what: string): Promise<void> {
    try {
      await row.waitFor({ timeout: UI_TIMEOUT });
    } catch (error) {
      const offered = await list.locator('.monaco-list-row').allInnerTexts();
      throw new Error(`${what}: no such row (offered: ${offered.join(' | ') || 'nothing'}): ${String(error)}`);
    }
    const focused = list.locator('.monaco-list-row.focused');
    const rowFocused = row.and(focused);
    for (let presses = 0; ; presses++) {
      // A list focuses a row of its own once it has drawn its rows.
      await focused.first().waitFor({ timeout: UI_TIMEOUT });
      if ((await rowFocused.count()) > 0) return;
      // ArrowDown wraps around: once round the list is enough.
      if (presses > (await list.locator('.monaco-list-row').count()))
        throw new Error(`${what}: the row never took the focus (focused: ${await focused.allInnerTexts()})`);
      const before = await focused.first().getAttribute('data-index');
      await this.page.keyboard.press('ArrowDown');
      await list
        .locator(`.monaco-list-row.focused:not([data-index="${before}"])`)
        .or(rowFocused)
        .first()
        .waitFor({ timeout: UI_TIMEOUT });
    }
  }

  notification(...texts: Array<string | RegExp>): Locator {
    let n = this.notifications;
    for (const t of texts) n = n.filter({ hasText: t });
    return n;
  }

  /** Types `secret` into the open (password) input box and presses Enter. */
  async enterPassword(secret: string): Promise<void> {
    const input = this.quickInput.locator('input[type="password"]');
    await input.waitFor({ timeout: UI_TIMEOUT });
    await input.fill(secret);
    await input.press('Enter');
  }

  /**
   * Sets an API key the way a person does: palette, environment pick, scope pick (`All projects` or
   * `Project <folder>`), password box; waits for the confirmation.
   */
  async setApiKey(environment: 'development' | 'production', key: string, scope = 'All projects'): Promise<void> {
    await this.runCommand('Struere: Set API Key');
    await this.pickQuick(environment);
    await this.pickQuick(scope);
    await this.enterPassword(key);
    await this.notification(`API key for ${environment} saved`).first().waitFor({ timeout: UI_TIMEOUT });
  }

  /** Closes every notification toast so the next one can be told apart. */
  async clearNotifications(): Promise<void> {
    const count = await this.notifications.count();
    if (count === 0) return;
    await this.runCommand('Notifications: Clear All Notifications');
    await this.notifications.first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Resolves after two animation frames: whatever the page scheduled to draw when it was called has been drawn. */
const RENDERED = 'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function userSettings(opts: SessionOptions, apiUrl: string | undefined): Record<string, unknown> {
  return {
    'security.workspace.trust.enabled': opts.trust === 'untrusted',
    // A quiet workbench: no welcome page, no chat side bar, no update or gallery chatter.
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.openRepositoryInParentFolders': 'never',
    // Desktop VS Code's default (the web workbench saves after a delay): saving is the person's Ctrl+S.
    'files.autoSave': 'off',
    ...(apiUrl ? { 'struere.apiUrl': apiUrl } : {}),
    ...opts.settings?.user,
  };
}

/**
 * Runs `body` in a fresh editor session and tears everything down afterwards, also on failure (then a
 * `<name>-failure.png` screenshot and the code-server / extension logs are kept in artifacts/).
 */
export async function withEditor(opts: SessionOptions, body: (session: Session) => Promise<void>): Promise<void> {
  const editor = prepareEditor();
  const extension = opts.extension === false ? undefined : prepareExtension();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-e2e-'));
  const cleanups: Array<() => Promise<void> | void> = [() => fs.rmSync(tmp, { recursive: true, force: true })];
  let session: Session | undefined;
  let codeServer: Started | undefined;
  let api: LocalApi | undefined;
  try {
    const workspace = path.join(tmp, 'support-agent');
    fs.cpSync(EXAMPLE, workspace, { recursive: true });
    // A repository of its own, so the example's .gitignore means what it says (the .env files are ignored).
    run('git', ['init', '-q'], { cwd: workspace, timeoutMs: 30_000 });
    if (opts.settings?.workspace) {
      fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(opts.settings.workspace));
    }

    if (opts.localApi) {
      api = await LocalApi.start(tmp);
      const started = api;
      cleanups.push(() => started.stop());
    }

    const userData = path.join(tmp, 'user-data');
    const settings = JSON.stringify(userSettings(opts, api?.url), null, 2);
    // User settings, and the server's Machine settings: `struere.apiUrl` is machine-scoped, which in a
    // remote window (code-server is one) is read from the remote side.
    for (const scope of ['User', 'Machine']) {
      fs.mkdirSync(path.join(userData, scope), { recursive: true });
      fs.writeFileSync(path.join(userData, scope, 'settings.json'), settings);
    }

    const extensionsDir = path.join(tmp, 'extensions');
    fs.mkdirSync(extensionsDir, { recursive: true });
    if (extension) {
      fs.cpSync(extension.installedFolder, path.join(extensionsDir, path.basename(extension.installedFolder)), {
        recursive: true,
      });
    }
    if (opts.locale) writeStubLanguagePack(extensionsDir, userData, opts.locale);
    opts.extraExtensions?.(extensionsDir);

    const xdg = path.join(tmp, 'xdg');
    codeServer = startProcess(
      editor.node,
      [
        path.join(editor.codeServer, 'out', 'node', 'entry.js'),
        '--auth',
        'none',
        '--bind-addr',
        '127.0.0.1:0',
        '--user-data-dir',
        userData,
        '--extensions-dir',
        extensionsDir,
        '--disable-telemetry',
        '--disable-update-check',
        ...(opts.locale ? ['--locale', opts.locale] : []),
        workspace,
      ],
      {
        ...process.env,
        XDG_CONFIG_HOME: xdg,
        XDG_DATA_HOME: xdg,
        // The sync journal of each scenario's throw-away workspace stays in its temp folder, not the user's.
        XDG_STATE_HOME: xdg,
        PATH: `${path.dirname(editor.node)}:${process.env.PATH ?? ''}`,
      },
      tmp,
    );
    const cs = codeServer;
    cleanups.push(() => stopProcess(cs));
    const url = (
      await waitForOutput(codeServer, /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/, 'code-server')
    )[1];

    const browser: Browser = await chromium.launch({
      executablePath: editor.chromium,
      args: CHROMIUM_FLAGS,
      headless: true,
    });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript({ path: path.join(__dirname, 'in-page.js') });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    session = new Session(page, workspace, api, opts.name);
    // The workbench is up when the Explorer lists the project's struere.json.
    await session.explorerRow('struere.json').waitFor({ timeout: UI_TIMEOUT * 2 });

    await body(session);
  } catch (error) {
    if (session) await session.screenshot('failure').catch(() => undefined);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const logs = [
      codeServer ? `--- code-server ---\n${codeServer.log.join('')}` : '',
      api ? `--- local API ---\n${api.output}` : '',
      collectLogs(path.join(tmp, 'user-data', 'logs')),
    ].join('\n');
    fs.writeFileSync(path.join(ARTIFACTS, `${opts.name}-failure.log`), logs);
    throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`[e2e] teardown: ${errorText(error)}`);
      }
    }
  }
}

/** Extension host and language server logs of the session (for failure reports). */
function collectLogs(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/exthost|struere|remoteagent|renderer/i.test(p) && entry.name.endsWith('.log')) {
        out.push(`--- ${path.relative(dir, p)} ---\n${fs.readFileSync(p, 'utf8').slice(-20_000)}`);
      }
    }
  };
  walk(dir);
  return out.join('\n');
}

/** Values of an .env file (by a deliberately simple reading: enough to check that none of them is shown). */
export function envValues(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=/.test(l))
    .map((l) =>
      l
        .slice(l.indexOf('=') + 1)
        .replace(/\s+#.*$/, '')
        .trim()
        .replace(/^(['"])(.*)\1$/, '$2'),
    )
    .filter((v) => v.length >= 4);
}

/** Key names of an .env file. */
export function envKeys(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(l)?.[1])
    .filter((k): k is string => k !== undefined)
    .sort();
}

/**
 * A text the harness looks for, as its messages name it: by its length, never by its characters. The text may be a
 * credential fixture (scenario 18 clicks on a token), and a failure's message lands in the test output, where no
 * value may appear; the scenario's own step log says which text it was after.
 */
function textNamed(text: string): string {
  return `the ${text.length}-character text looked for`;
}
