import ignore from 'ignore';

/** One .gitignore file's contents and the folder it sits in, as a path relative to the repository root. */
export interface GitignoreFile {
  /** Folder of the .gitignore relative to the repository root, '' for the root, '/'-separated. */
  readonly dir: string;
  readonly content: string;
}

/**
 * What the host found out about an env file and git; undefined where the question does not apply (no repository).
 * For a template such as .env.example (meant to be committed) `template` is set: there, being ignored is the fault.
 */
export interface EnvGitStatus {
  /** Whether .gitignore (or .git/info/exclude) ignores the file. */
  readonly ignored: boolean;
  /** Whether git's index holds the file (tracked, or staged to be): then ignoring it no longer keeps it out. */
  readonly tracked: boolean;
  /** When the env file is a link inside its project: the file it leads to (relative to the project), the one judged. */
  readonly linkTarget?: string;
  /** A committed template (.env.example and the like): judged for being left out of git, never for its values. */
  readonly template?: true;
}

/**
 * Decides what git would decide for `relativePath` (relative to the repository root), reading the .gitignore
 * files the host found — no git binary needed. Deeper files override shallower ones, as in git; `ignore`
 * handles negation and ignored parent folders within each file.
 */
export function isIgnoredByGit(relativePath: string, gitignores: readonly GitignoreFile[]): boolean {
  const ordered = [...gitignores].sort((a, b) => depth(a.dir) - depth(b.dir));
  let ignored = false;
  for (const file of ordered) {
    const prefix = file.dir === '' ? '' : `${file.dir}/`;
    if (!relativePath.startsWith(prefix)) continue;
    const result = ignore().add(file.content).test(relativePath.slice(prefix.length));
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

/** .env files meant to be committed: templates without real values. */
export function isTemplateEnvFile(fileName: string): boolean {
  return /^\.env\.(example|sample|template|defaults|dist)$/i.test(fileName) || /\.example$/i.test(fileName);
}
