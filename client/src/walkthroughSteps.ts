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
