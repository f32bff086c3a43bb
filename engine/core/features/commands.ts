/** Every command id in one place (client, server answers and package.json's `contributes.commands` use these). */
export const Commands = {
  selectEnvironment: 'struere.selectEnvironment',
  sync: 'struere.sync',
  deploy: 'struere.deploy',
  setApiKey: 'struere.setApiKey',
  clearApiKey: 'struere.clearApiKey',
  refreshRemote: 'struere.refreshRemote',
  showStatus: 'struere.showStatus',
  toggleCloak: 'struere.toggleCloak',
  setSecret: 'struere.setSecret',
  previewPrompt: 'struere.previewPrompt',
  updateEnvExample: 'struere.updateEnvExample',
  /** Writes each AI agent's own rules for env files (the editor's `agents --fix`). */
  keepAgentsOut: 'struere.keepAgentsOut',
  /** The selection (or the whole file) copied with every env value replaced by [SECRET:KEY]. */
  copyRedacted: 'struere.copyRedacted',
  /** Opens the getting-started walkthrough (package.json `contributes.walkthroughs`). */
  openWalkthrough: 'struere.openWalkthrough',
  /** Internal: the hardcoded-secret quick fix; the client asks for the name (engine/core/leakFixes.ts). */
  moveSecretToEnv: 'struere.moveSecretToEnv',
  /** Internal: puts the cursor at [uri, line, character] after a quick fix (engine/core/codeActions.ts). */
  revealPosition: 'struere.revealPosition',
} as const;

export type CommandName = keyof typeof Commands;
export type CommandId = (typeof Commands)[CommandName];

/**
 * Commands only the server's answers invoke (a quick fix's follow-up): registered, but not contributed in
 * package.json, so the Command Palette never offers them (test/client/manifest.test.ts holds package.json to this).
 */
export const INTERNAL_COMMANDS: ReadonlySet<CommandId> = new Set([Commands.moveSecretToEnv, Commands.revealPosition]);
