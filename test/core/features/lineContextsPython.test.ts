import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { lineContexts, type LineContext } from '../../../engine/core/features/lineContexts';
import { disagreements } from './lineContextsAgreement';

// The Python lexer of lineContexts.ts held against Python's own tokenizer: a line inside a string token that spans
// lines (a `"""` prompt, a continued string) must not be 'code' to the lexer, where "Ignore CODE on this line"
// would write its comment into the text an agent sends; a line the tokenizer puts in code should be 'code'. The
// corpus is the standard library of the machine's python3 (every new machine of this kind has one): some 170
// files and 130,000 lines of real Python.

/** python3 tokenizes each file and prints, per file, the 1-based lines that start inside a string token. */
const TOKENIZE = `
import io, json, sys, sysconfig, tokenize, pathlib
out = {}
for path in sorted(pathlib.Path(sysconfig.get_paths()['stdlib']).glob('*.py')):
    text = path.read_text('utf-8')
    inside = []
    # Python 3.12+ splits an f-string into tokens from FSTRING_START to FSTRING_END (nested ones too).
    opened = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.STRING:
            inside.extend(range(token.start[0] + 1, token.end[0] + 1))
        elif token.type == getattr(tokenize, 'FSTRING_START', None):
            opened.append(token.start[0])
        elif token.type == getattr(tokenize, 'FSTRING_END', None):
            inside.extend(range(opened.pop() + 1, token.end[0] + 1))
    out[str(path)] = inside
json.dump(out, sys.stdout)
`;

function tokenizerContexts(): Map<string, ReadonlySet<number>> {
  const run = spawnSync('python3', ['-c', TOKENIZE], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, `python3 tokenized the standard library: ${run.error?.message ?? run.stderr}`);
  const lines = JSON.parse(run.stdout) as Record<string, number[]>;
  return new Map(Object.entries(lines).map(([file, inside]) => [file, new Set(inside)]));
}

/** Every line of `text` where the lexer's context is not the tokenizer's (and not 'unknown'). */
function tokenizerDisagreements(
  file: string,
  text: string,
  lexed: readonly LineContext[],
  inside: ReadonlySet<number>,
): string[] {
  const expected = text.split('\n').map((_, line): 'code' | 'string' => (inside.has(line + 1) ? 'string' : 'code'));
  return disagreements(file, lexed, expected, 'tokenizer');
}

void test('the Python lexer agrees with Python’s tokenizer on every line of the standard library', () => {
  const files = tokenizerContexts();
  let lines = 0;
  const found: string[] = [];
  for (const [file, inside] of files) {
    const text = fs.readFileSync(file, 'utf8');
    const lexed = lineContexts(text, 'python');
    found.push(...tokenizerDisagreements(file, text, lexed, inside));
    lines += lexed.length;
  }
  assert.ok(files.size > 100 && lines > 50_000, `the corpus is there (${files.size} files, ${lines} lines)`);
  assert.deepEqual(found.slice(0, 20), [], `${found.length} lines disagree`);
});

void test('control: the comparison finds a line the lexer gets wrong', () => {
  // A prompt in a triple-quoted string, and a stand-in lexer that says 'code' everywhere.
  const text = ['PROMPT = """You are the agent.', 'Use {{secrets.KEY}}.', '"""', ''].join('\n');
  const inside = new Set([2, 3]);
  assert.deepEqual(tokenizerDisagreements('control.py', text, lineContexts(text, 'python'), inside), []);
  const everywhereCode = text.split('\n').map((): LineContext => 'code');
  assert.equal(tokenizerDisagreements('control.py', text, everywhereCode, inside).length, 2);
});
