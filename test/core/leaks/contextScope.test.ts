import assert from 'node:assert/strict';
import { test } from 'node:test';
import ts from 'typescript';
import { contextAccessAt } from '../../../engine/core/leaks/contextScope';

/** The answer at the `|` marker. */
function accessAt(marked: string) {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, access: contextAccessAt(text, offset) };
}

/** The text with the literal at `|…"` replaced by NAME.secrets.TOKEN and the parameter edit applied. */
function fixed(marked: string): string | undefined {
  const { text, access } = accessAt(marked);
  if (access.kind === 'none') return undefined;
  const offset = marked.indexOf('|');
  const literalStart = offset - 1;
  const literalEnd = text.indexOf('"', offset) + 1;
  let out = text.slice(0, literalStart) + `${access.name}.secrets.TOKEN` + text.slice(literalEnd);
  if (access.kind === 'add-parameter') out = out.slice(0, access.offset) + access.newText + out.slice(access.offset);
  return out;
}

/** TypeScript's errors for each tool file, against the platform's handler signature, in strict mode (one program). */
function typeErrors(sources: readonly string[]): string[][] {
  const platform = [
    'interface ToolContext { secrets: Record<string, string | undefined> }',
    'declare function defineTool<A>(tool: {',
    '  name: string;',
    '  handler(args: A, context: ToolContext, struere: unknown, fetch: unknown): unknown;',
    '}): unknown;',
  ].join('\n');
  const files = new Map(sources.map((source, i) => [`/tool${i}.ts`, source]));
  files.set('/platform.d.ts', platform);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, version) : read(name, version);
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return sources.map((_, i) =>
    ts
      .getPreEmitDiagnostics(program, program.getSourceFile(`/tool${i}.ts`))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  );
}

const TOOLS = {
  noParameters: 'export const t = defineTool({\n  name: "t",\n  async handler() {\n    return "|tok";\n  },\n});\n',
  oneParameter:
    'export const t = defineTool({\n  name: "t",\n  async handler(args: { q: string }) {\n    return [args.q].map((q) => q + "|tok");\n  },\n});\n',
  arrowWithReturnType:
    'export const t = defineTool({\n  name: "t",\n  handler: async (args): Promise<{ a: unknown }> => {\n    return { a: "|tok" };\n  },\n});\n',
  contextInScope:
    'export const t = defineTool({\n  name: "t",\n  async handler(args, context) {\n    return "|tok";\n  },\n});\n',
  renamedContext:
    'export const t = defineTool({\n  name: "t",\n  async handler(args, ctx) {\n    if (args) { return "|tok"; }\n  },\n});\n',
};

test('the handler: the parameters it lacks are added, context in scope is used by its own name', () => {
  assert.deepEqual(
    Object.values(TOOLS).map((marked) => {
      const { access } = accessAt(marked);
      return access.kind === 'add-parameter'
        ? `add ${access.newText}`
        : `${access.kind} ${'name' in access ? access.name : ''}`;
    }),
    ['add _args, context', 'add , context', 'add , context', 'in-scope context', 'in-scope ctx'],
  );
});

test('the fixed code type-checks against the handler signature; the literal replaced alone does not', () => {
  const marked = TOOLS.noParameters;
  // Control: the old fix (the literal replaced, no parameter added) fails exactly as the issue saw it.
  const oldFix = marked.replace('|', '').replace('"tok"', 'context.secrets.TOKEN');
  const names = Object.keys(TOOLS);
  const sources = Object.values(TOOLS).map((tool, i) => fixed(tool) ?? assert.fail(names[i]));
  const errors = typeErrors([...sources, oldFix]);
  assert.deepEqual(errors, [...names.map(() => []), ["Cannot find name 'context'."]]);
});

test('no context fix where no handler reaches: module level, a destructured or rest context, a declared context', () => {
  for (const marked of [
    'const token = "|tok";\nexport const t = defineTool({ name: "t", async handler(args, context) { return token; } });\n',
    'export const t = defineTool({ name: "t", async handler(args, { secrets }) { return "|tok"; } });\n',
    'export const t = defineTool({ name: "t", async handler(...all) { return "|tok"; } });\n',
    'export const t = defineTool({ name: "t", async handler(args) { const context = 1; return "|tok"; } });\n',
    'export const t = defineTool({ name: "t", handler: async (args) => "|tok" });\n',
    'function helper() { return "|tok"; }\n',
  ])
    assert.deepEqual(accessAt(marked).access, { kind: 'none' }, marked);
  // Control: any enclosing function with a `context` parameter brings it into scope, handler or not.
  assert.deepEqual(accessAt('function helper(context: unknown) { if (x) { return "|tok"; } }').access, {
    kind: 'in-scope',
    name: 'context',
  });
});
