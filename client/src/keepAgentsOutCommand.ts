import * as vscode from 'vscode';
import { agentSpec, DEFAULT_SETTINGS } from '../../engine/core';
import { readAgentFacts, writeAgentRules } from '../../engine/host';
import type { ProjectRegistry } from './projectRegistry';

/**
 * Struere: Keep AI Agents Out of Env Files — the editor's `struere-secrets agents --fix`: after the user agrees,
 * writes each AI agent's own rules (docs/AGENTS.md) through the engine's safe writer. A rules file with unsaved
 * changes is refused rather than overwritten; a malformed .claude/settings.json is reported and left alone.
 */
export async function keepAgentsOut(projects: ProjectRegistry): Promise<void> {
  if (projects.all.length === 0) {
    const manifests = await vscode.workspace.findFiles('**/struere.json', '**/node_modules/**');
    projects.update(manifests.map((manifest) => vscode.Uri.joinPath(manifest, '..').toString()));
  }
  const projectUri = await projects.pick(vscode.l10n.t('Keep AI agents out of the env files of which project?'));
  if (projectUri === undefined) return;
  const root = vscode.Uri.parse(projectUri);
  if (root.scheme !== 'file') {
    void vscode.window.showErrorMessage(vscode.l10n.t("Struere: the project is not on this machine's disk."));
    return;
  }
  const facts = await readAgentFacts(root.fsPath, DEFAULT_SETTINGS.maxFileBytes);
  const files = facts.found
    .map(agentSpec)
    .flatMap((agent) => (agent.mechanism.kind === 'none' ? [] : [agent.mechanism.file]));
  if (files.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Struere: no AI agent with rules in project files was found in this project.'),
    );
    return;
  }
  const dirty = files.filter((file) => isDirty(vscode.Uri.joinPath(root, ...file.split('/'))));
  if (dirty.length > 0) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Struere: save or revert {0} first: it has unsaved changes.', dirty.join(', ')),
    );
    return;
  }
  const write = vscode.l10n.t('Write the rules');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t("Keep AI agents out of env files with each agent's own rules, in {0}?", files.join(', ')),
    { modal: true },
    write,
  );
  if (answer !== write) return;
  const outcomes = await writeAgentRules(facts, root.fsPath, DEFAULT_SETTINGS.maxFileBytes);
  for (const outcome of outcomes)
    if (outcome.kind === 'malformed' || outcome.kind === 'refused')
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Struere: {0} was not changed: {1}', outcome.file, outcome.reason),
      );
  const written = outcomes.filter((outcome) => outcome.kind === 'created' || outcome.kind === 'updated');
  void vscode.window.showInformationMessage(
    written.length > 0
      ? vscode.l10n.t('Struere: AI agent rules written to {0}.', written.map((outcome) => outcome.file).join(', '))
      : vscode.l10n.t("Struere: the agents' rules already keep the env files out."),
  );
}

function isDirty(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some(
    (document) => document.isDirty && document.uri.toString() === uri.toString(),
  );
}
