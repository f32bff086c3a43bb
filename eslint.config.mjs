import tseslint from 'typescript-eslint';

/** Import boundaries (ARCHITECTURE.md, "Layout"): each front end reaches the engine, never another front end. */
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const frontEnds = {
  client: {
    group: ['**/client/src/**', '**/client/src'],
    message: 'Only the VS Code front end (client/) imports client/.',
  },
  server: {
    group: ['**/server/src/**', '**/server/src'],
    message: 'Only the LSP front end (server/) imports server/.',
  },
  cli: { group: ['**/cli/src/**', '**/cli/src'], message: 'Only the terminal front end (cli/) imports cli/.' },
  localApi: {
    group: ['**/local-api/**', '**/local-api'],
    message: 'local-api/ is a test and demo server: nothing shipped imports it.',
  },
  vscode: { group: ['vscode'], message: "Only client/ imports 'vscode'." },
};

/**
 * Doors (ARCHITECTURE.md, "Layout"): each engine area (core, host, api, sync) has one door, its index.ts, which
 * names what the rest of the code may use. A front end imports `engine/<area>`, never a file inside it.
 */
const insideAnArea = {
  group: ['**/engine/core/*', '**/engine/host/*', '**/engine/api/*', '**/engine/sync/*', '**/engine/tools/*'],
  message: 'Import the engine area through its door (engine/core, engine/host, engine/api, engine/sync, engine/tools).',
};
/** Another engine area, too, goes through the door: `../core`, not a file inside it. */
const insideAnotherArea = (own) => ({
  group: ['core', 'host', 'api', 'sync', 'tools'].filter((area) => area !== own).map((area) => `**/${area}/*`),
  message: 'Import another engine area through its door (../core, ../host, ../api, ../sync, ../tools).',
});

/**
 * Text a person reads in the editor goes through vscode.l10n.t (l10n/bundle.l10n.*.json translate it): a bare
 * string or template with words, as a notification, a status bar message or a quick pick / input box text, is an
 * error. test/client/localisation.test.ts checks that every l10n.t string has its translations.
 */
const UI_TEXT = 'Text a person reads goes through vscode.l10n.t(...) so it can be translated (l10n/).';
const WORDS = '/[a-z]{2,}/';
const UI_CALL = 'CallExpression[callee.property.name=/^(show(Information|Warning|Error)Message|setStatusBarMessage)$/]';
const UI_PROPERTY = 'Property[key.name=/^(title|prompt|placeHolder|label|description|detail|tooltip)$/]';
/** VS Code's string extractor (@vscode/l10n-dev) finds `vscode.l10n.t(…)` and `l10n.t(…)`; `api.l10n.t(…)` it misses. */
const UNEXTRACTED =
  "CallExpression[callee.property.name='t'][callee.object.type='MemberExpression'][callee.object.property.name='l10n'][callee.object.object.name!='vscode']";
const untranslatedText = [
  {
    selector: UNEXTRACTED,
    message: 'The l10n extractor does not see this call: destructure `const { l10n } = api` and call `l10n.t(…)`.',
  },
  { selector: `${UI_CALL} > Literal.arguments[value=${WORDS}]`, message: UI_TEXT },
  { selector: `${UI_CALL} > TemplateLiteral.arguments > TemplateElement[value.raw=${WORDS}]`, message: UI_TEXT },
  { selector: `${UI_PROPERTY} > Literal.value[value=${WORDS}]`, message: UI_TEXT },
  { selector: `${UI_PROPERTY} > TemplateLiteral.value > TemplateElement[value.raw=${WORDS}]`, message: UI_TEXT },
];

/**
 * Writes into a project go through the one safe writer, engine/host/safeWrite.ts (regular files inside the project,
 * no link followed, nothing that blocks, an atomic replace): no other shipped file writes with `fs`. Names no other
 * API shares are errors on any object (a FileHandle's, `vscode.workspace.fs`'s); names other objects also have
 * (`rename`, `rm`, `write`, …) only on an `fs` module; opening for writing is caught by its flags.
 */
const FS_WRITE =
  'Write into a project only through engine/host/safeWrite.ts (writeProjectFile): see its module comment.';
const FS_ONLY_WRITES =
  'writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|copyFile|copyFileSync|truncate|truncateSync|ftruncate|ftruncateSync|symlink|symlinkSync|writev|writevSync|writeSync|renameSync|mkdirSync|mkdtemp|mkdtempSync|rmSync|rmdirSync|unlinkSync|linkSync|cpSync|chmodSync|chownSync|lchownSync|utimesSync';
const SHARED_WRITES = 'rename|rm|rmdir|unlink|mkdir|link|cp|write|chmod|chown|lchown|utimes|fchmod|fchown';
const FS_OBJECT = '/^(fs|fsp|fsPromises|promises)$/';
const fsWrites = [
  { selector: `CallExpression[callee.property.name=/^(${FS_ONLY_WRITES})$/]`, message: FS_WRITE },
  {
    selector: `CallExpression[callee.object.name=${FS_OBJECT}][callee.property.name=/^(${SHARED_WRITES})$/]`,
    message: FS_WRITE,
  },
  {
    selector: `CallExpression[callee.object.property.name='promises'][callee.property.name=/^(${SHARED_WRITES})$/]`,
    message: FS_WRITE,
  },
  {
    selector: `ImportDeclaration[source.value=/^(node:)?fs(\\/promises)?$/] > ImportSpecifier[imported.name=/^(${FS_ONLY_WRITES}|${SHARED_WRITES})$/]`,
    message: FS_WRITE,
  },
  { selector: 'MemberExpression[property.name=/^O_(WRONLY|RDWR|CREAT|TRUNC|APPEND)$/]', message: FS_WRITE },
  {
    selector: 'CallExpression[callee.property.name=/^open(Sync)?$/] > Literal.arguments:nth-child(2)[value=/[wa+]/]',
    message: FS_WRITE,
  },
  {
    selector: 'CallExpression[callee.name=/^open(Sync)?$/] > Literal.arguments:nth-child(2)[value=/[wa+]/]',
    message: FS_WRITE,
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'examples/**',
      'test/e2e/artifacts/**',
      '.cache/**',
      'artifacts/**',
      '*.mjs',
      '**/*.js',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['client/src/**/*.ts'],
    rules: restrict(frontEnds.server, frontEnds.cli, frontEnds.localApi, insideAnArea),
  },
  {
    // A thin front end: the entry is an object and commands a table, so no function needs more than this.
    files: ['client/src/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true }],
      'no-restricted-syntax': ['error', ...untranslatedText, ...fsWrites],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    rules: restrict(frontEnds.client, frontEnds.cli, frontEnds.localApi, frontEnds.vscode, insideAnArea),
  },
  {
    files: ['engine/**/*.ts', 'cli/src/**/*.ts', 'server/src/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...fsWrites] },
  },
  {
    // The writer itself; and the sync lock's per-user state files, which live in the user's own lock folder
    // (checked: owned by the user, not group- or world-writable), never in a project.
    files: ['engine/host/safeWrite.ts', 'engine/sync/syncLock.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['cli/src/**/*.ts'],
    rules: restrict(frontEnds.client, frontEnds.server, frontEnds.localApi, frontEnds.vscode, insideAnArea),
  },
  {
    files: ['engine/**/*.ts'],
    rules: restrict(frontEnds.client, frontEnds.server, frontEnds.cli, frontEnds.localApi, frontEnds.vscode),
  },
  ...['host', 'api', 'sync', 'tools'].map((area) => ({
    files: [`engine/${area}/**/*.ts`],
    rules: restrict(
      frontEnds.client,
      frontEnds.server,
      frontEnds.cli,
      frontEnds.localApi,
      frontEnds.vscode,
      insideAnotherArea(area),
    ),
  })),
  {
    // The core is pure: no I/O, no Node modules, nothing from the engine's disk or network layers.
    files: ['engine/core/**/*.ts'],
    rules: restrict(
      frontEnds.client,
      frontEnds.server,
      frontEnds.cli,
      frontEnds.localApi,
      frontEnds.vscode,
      {
        group: [
          'node:*',
          'fs',
          'path',
          'os',
          'child_process',
          'net',
          'http',
          'https',
          'undici',
          'vscode-languageserver',
          'vscode-languageserver/*',
        ],
        message: 'engine/core does no I/O: LSP types come from vscode-languageserver-types.',
      },
      {
        group: [
          '**/host/**',
          '**/host',
          '**/api/**',
          '**/api',
          '**/sync/**',
          '**/sync',
          '**/tools/**',
          '**/tools',
          '**/protocol',
        ],
        message: 'engine/core imports nothing from host/, api/, sync/, tools/ or the protocol.',
      },
    ),
  },
  {
    files: ['local-api/**/*.ts'],
    rules: restrict(frontEnds.client, frontEnds.server, frontEnds.cli, frontEnds.vscode),
  },
  {
    // The typed protocol follows vscode-languageserver's own shape: `namespace X { method; type }`.
    files: ['engine/protocol.ts'],
    rules: { '@typescript-eslint/no-namespace': 'off' },
  },
);
