import { isCredentialLike } from '../leaks/credentials';
import { isValidKey } from '../model/environments';
import { isTemplateEnvFile } from '../model/gitignore';
import type { EnvFileState } from '../model/workspaceIndex';

/**
 * Which comment lines of an env file may be copied into the committed template (`.env.example`). A comment is
 * copied only when it holds no value of any env file of the project and nothing shaped like an assignment, where
 * a value could sit unrecognised (`# OLD_TOKEN: ghp_…`, `## export OLD = …`, `# url: https://user:pw@host`), nor
 * a word that looks like a credential (a rotated token noted in passing, which no env file holds any more).
 * A commented-out entry `# KEY=value` of a valid key is the one exception: it becomes `# KEY=`, the name alone.
 */

/** Values this long or longer are looked for in comments (a `1` or `yes` in prose is no leak). */
export const MIN_COMMENT_VALUE_LENGTH = 4;

/** `# KEY=…` (any number of `#`, `export` allowed): a commented-out entry. */
const COMMENTED_ENTRY = /^\s*#+\s*(?:export\s+)?([\w.-]+)\s*=/;
/** A name followed by `=` or `:` and more text: the shape of an assignment, anywhere in the comment. */
const ASSIGNMENT_SHAPE = /[\w.-]\s*[:=]\s*\S/;

/** Every value of the project's env files worth looking for (templates hold placeholders, not values). */
export function commentValues(envFiles: Iterable<EnvFileState>): string[] {
  const values = new Set<string>();
  for (const file of envFiles) {
    if (isTemplateEnvFile(file.fileName)) continue;
    for (const entry of file.parsed.entries)
      if (entry.value.length >= MIN_COMMENT_VALUE_LENGTH) values.add(entry.value);
  }
  return [...values];
}

/** The comment line as the template may hold it, or undefined when it must be left out. */
export function templateComment(comment: string, values: readonly string[]): string | undefined {
  const entry = COMMENTED_ENTRY.exec(comment);
  if (entry) return isValidKey(entry[1]!) ? `# ${entry[1]}=` : undefined;
  if (ASSIGNMENT_SHAPE.test(comment)) return undefined;
  if (values.some((value) => comment.includes(value))) return undefined;
  return comment.split(/\s+/).some(isCredentialLike) ? undefined : comment;
}
