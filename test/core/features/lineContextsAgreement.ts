import type { LineContext } from '../../../engine/core/features/lineContexts';

/**
 * Every line where a lexer's context is not a real parser's (`expected`, per 0-based line), as "file:line: the
 * parser says …, the lexer …", and a line count that differs. 'unknown' from the lexer always agrees: it offers
 * no fix there.
 */
export function disagreements(
  file: string,
  lexed: readonly LineContext[],
  expected: readonly ('code' | 'string')[],
  parser: string,
): string[] {
  const found: string[] = [];
  if (lexed.length !== expected.length) found.push(`${file}: ${lexed.length} lines lexed, ${expected.length} parsed`);
  expected.forEach((truth, line) => {
    const context = lexed[line];
    if (context !== 'unknown' && context !== truth)
      found.push(`${file}:${line + 1}: the ${parser} says ${truth}, the lexer ${context}`);
  });
  return found;
}
