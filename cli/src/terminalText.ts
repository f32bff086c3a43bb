import { escapeName } from '../../engine/core';

/**
 * Repository content (project names, file names, keys, messages quoting them) reaches the terminal only through
 * here. C0/C1 control characters and bidirectional overrides could clear the screen, retitle the window or
 * reorder what the user reads; they are written as `\uXXXX`, which is also a valid escape inside JSON strings,
 * so JSON output stays parseable and means the same. Line breaks between output lines and tabs are kept; U+2028
 * and U+2029, which JSON.stringify leaves raw inside strings and some readers take for line breaks, are escaped.
 */

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeOne = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Whole output text: everything unsafe escaped, line breaks kept. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/**
 * A GitHub runner takes any output line that begins `::` (after leading spaces) for a workflow command. Text that
 * is the repository's own content by design (a compiled prompt in `preview`) keeps its lines, but one that would
 * begin a command is printed with a leading backslash, so the reader sees it and the runner does not run it.
 */
export function neutralizeWorkflowCommands(text: string): string {
  // Spaces within the line only: `\s` would run across an empty line and put the backslash before it instead.
  return text.replace(/^([^\S\n\r\u2028\u2029]*)::/gm, '\\$1::');
}

/** One name (a file, a project): line breaks escaped too, so a name cannot forge an output line (engine/core). */
export { escapeName };
