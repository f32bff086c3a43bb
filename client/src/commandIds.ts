/** Every command id in one place; package.json's `contributes.commands` lists the same ids. */
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
  /** Internal: puts the cursor at [uri, line, character] after a quick fix (server/src/core/codeActions.ts). */
  revealPosition: 'struere.revealPosition',
} as const;
