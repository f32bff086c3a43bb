/**
 * A name that fails the key pattern is often a value pasted where a key belongs (`{{secrets.sk-proj-…}}`, a
 * token as an env key), so it is described, never quoted: its length and what is wrong with it, e.g. "a
 * 51-character name with '-' in it". Diagnostics, hovers, code action titles and the compiled preview say this
 * instead of the name.
 */
export function describeInvalidName(name: string): string {
  if (name.length === 0) return 'an empty name';
  const length = [...name].length;
  const problems: string[] = [];
  if (/^[0-9]/.test(name)) problems.push('starting with a digit');
  const characters = offendingCharacters(name);
  if (characters.length > 0) problems.push(`with ${listed(characters)} in it`);
  return `${/^(8|1[18](\d{3})*$)/.test(String(length)) ? 'an' : 'a'} ${length}-character name${problems.length > 0 ? ` ${problems.join(', ')}` : ''}`;
}

/** The same, as the subject of a sentence: "A 51-character name with '-' in it". */
export function describeInvalidNameCapitalised(name: string): string {
  const description = describeInvalidName(name);
  return description.charAt(0).toUpperCase() + description.slice(1);
}

/** How many kinds of offending character are named; the rest are summed up. */
const NAMED_KINDS = 3;

/**
 * The kinds of character the key pattern does not allow, in order of first appearance: ASCII punctuation by
 * itself (it tells what to change and says nothing a reader could use), everything else by its class.
 */
function offendingCharacters(name: string): string[] {
  const kinds: string[] = [];
  for (const character of name) {
    if (/[A-Za-z0-9_]/.test(character)) continue;
    const kind = /[!-/:-@[-`{-~]/.test(character)
      ? character === "'"
        ? `"'"`
        : `'${character}'`
      : character === ' '
        ? 'a space'
        : /[\s]/.test(character)
          ? 'a blank or line break'
          : /[\p{Cc}\p{Cf}]/u.test(character)
            ? 'a control or format character'
            : 'a non-ASCII character';
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}

function listed(kinds: readonly string[]): string {
  const named = kinds.slice(0, NAMED_KINDS);
  if (kinds.length > NAMED_KINDS) named.push('other characters');
  return named.length === 1 ? named[0]! : `${named.slice(0, -1).join(', ')} and ${named.at(-1)!}`;
}
