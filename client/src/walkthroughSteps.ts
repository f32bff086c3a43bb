/**
 * The getting-started walkthrough (package.json `contributes.walkthroughs`): each step is checked by a context key
 * the client sets when the real event happens (walkthroughProgress.ts). No `vscode` import here, so the manifest
 * test can hold package.json to these names.
 */
export const WALKTHROUGH_ID = 'gettingStarted';

export const WalkthroughContext = {
  /** The language server indexed at least one project (a folder with struere.json). */
  projectIndexed: 'struere.walkthrough.projectIndexed',
  /** An environment was picked through the status bar switch (or Select Environment). */
  environmentPicked: 'struere.walkthrough.environmentPicked',
  /** Set API Key stored a key. */
  apiKeyStored: 'struere.walkthrough.apiKeyStored',
  /** A missing-secret diagnostic went away while the selected environment stayed the same: the key was set. */
  missingSecretFixed: 'struere.walkthrough.missingSecretFixed',
  /** A sync to development succeeded. */
  synced: 'struere.walkthrough.synced',
  /** A deploy to production succeeded. */
  deployed: 'struere.walkthrough.deployed',
} as const;

export type WalkthroughContextKey = (typeof WalkthroughContext)[keyof typeof WalkthroughContext];

/** missing-secret diagnostics by `uri \u0000 key \u0000 environment`, each with the environment it was reported for. */
export type MissingSecrets = ReadonlyMap<string, string>;

/**
 * A missing secret counts as fixed when its diagnostic (file, key, environment) disappears while that environment
 * is still the selected one: switching to an environment where the key happens to be set is not a fix.
 */
export function missingSecretFixed(before: MissingSecrets, now: MissingSecrets, selected: string): boolean {
  for (const [entry, reportedFor] of before) if (!now.has(entry) && reportedFor === selected) return true;
  return false;
}
