import type * as vscode from 'vscode';
import { errorText } from '../../engine/core';
import { CLOAK_SCOPE } from './valueCloak';
import { isCloakEnabled } from './clientSettings';

/**
 * The token colour rule that keeps .env values invisible from the first paint is a `configurationDefaults` entry of
 * `editor.tokenColorCustomizations` (package.json). How VS Code combines it with other values (read in VS Code's
 * source, `ConfigurationModel.mergeContents` and `ColorThemeData.setCustomTokenColors`, and checked in code-server):
 * - objects merge key by key across default → user → workspace, arrays are replaced whole: a user's own top-level
 *   `textMateRules` (in either scope; the setting is window-scoped, so folder settings do not apply) drops ours, while `comments`, `strings`, … leave it alone;
 * - a `"[Theme Name]": { "textMateRules": [...] }` block is merged as an object and its rules are appended after the
 *   top-level ones, so it keeps ours (unless it re-colours our scope on purpose);
 * - `configurationDefaults` of two extensions for this non-`type: object` setting replace each other whole, so
 *   another extension's default can drop ours too.
 * This module detects a dropped rule and offers to add it where it was dropped.
 */

export const CLOAK_RULE = {
  name: 'Struere: .env values stay invisible until revealed (struere.cloak.enabled)',
  scope: CLOAK_SCOPE,
  settings: { foreground: '#00000000' },
} as const;

/** The parts of `WorkspaceConfiguration.inspect()` this check reads. */
export interface TokenColorsInspection {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
}

export type CloakRuleScope = 'default' | 'global' | 'workspace';

type VsCodeL10n = Pick<typeof vscode.l10n, 't'>;

export type CloakRuleStatus = { applied: true } | { applied: false; droppedBy: CloakRuleScope };

/** Whether the effective top-level `textMateRules` still holds a transparent rule for CLOAK_SCOPE, and if not, who dropped it. */
export function cloakRuleStatus(inspection: TokenColorsInspection): CloakRuleStatus {
  const layers: [CloakRuleScope, unknown][] = [
    ['workspace', inspection.workspaceValue],
    ['global', inspection.globalValue],
    ['default', inspection.defaultValue],
  ];
  // The most specific layer that sets textMateRules decides the effective array.
  const deciding = layers.find(([, value]) => rulesOf(value) !== undefined);
  if (deciding && rulesOf(deciding[1])!.some(isCloakRule)) return { applied: true };
  return { applied: false, droppedBy: deciding?.[0] ?? 'default' };
}

function rulesOf(value: unknown): unknown[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const rules = (value as { textMateRules?: unknown }).textMateRules;
  return Array.isArray(rules) ? rules : undefined;
}

function isCloakRule(rule: unknown): boolean {
  if (typeof rule !== 'object' || rule === null) return false;
  const { scope, settings } = rule as { scope?: unknown; settings?: { foreground?: unknown } };
  const scopes = typeof scope === 'string' ? scope.split(',').map((s) => s.trim()) : Array.isArray(scope) ? scope : [];
  const foreground = settings?.foreground;
  return (
    scopes.includes(CLOAK_SCOPE) &&
    typeof foreground === 'string' &&
    /^#(?:[0-9a-f]{3}0|[0-9a-f]{6}00)$/i.test(foreground)
  );
}

/** `value` (one layer's whole setting) with our rule appended to its textMateRules. */
export function withCloakRule(value: unknown): Record<string, unknown> {
  const object = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return { ...object, textMateRules: [...(rulesOf(object) ?? []), CLOAK_RULE] };
}

function describeScope(scope: CloakRuleScope, l10n: VsCodeL10n): string {
  if (scope === 'global') return l10n.t('your User settings');
  if (scope === 'workspace') return l10n.t('this workspace’s settings');
  return l10n.t('another extension’s defaults');
}

/**
 * Checks at start and whenever the setting changes; warns once per window and cause, while cloaking is on. "Add the
 * rule" appends it to the array that dropped ours (the default layer cannot be written: the user's settings then).
 */
export class CloakRuleCheck implements vscode.Disposable {
  private readonly warned = new Set<CloakRuleScope>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly vscodeApi: typeof vscode) {
    this.subscription = vscodeApi.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('editor.tokenColorCustomizations') || event.affectsConfiguration('struere.cloak'))
        this.check();
    });
    this.check();
  }

  private check(): void {
    const { workspace, window, ConfigurationTarget, l10n } = this.vscodeApi;
    if (!isCloakEnabled(workspace)) return;
    const editorConfig = workspace.getConfiguration('editor');
    const inspection: TokenColorsInspection = editorConfig.inspect<unknown>('tokenColorCustomizations') ?? {};
    const status = cloakRuleStatus(inspection);
    if (status.applied || this.warned.has(status.droppedBy)) return;
    this.warned.add(status.droppedBy);
    const inWorkspace = status.droppedBy === 'workspace';
    const target = inWorkspace ? ConfigurationTarget.Workspace : ConfigurationTarget.Global;
    const current = inWorkspace ? inspection.workspaceValue : inspection.globalValue;
    const add = l10n.t('Add the Rule');
    void window
      .showWarningMessage(
        l10n.t(
          "Struere: editor.tokenColorCustomizations.textMateRules in {0} replaces the rule that keeps .env values invisible before the cloak's decorations land; a value can show for a few frames when an .env file is opened. Add the rule (scope {1}) to that list?",
          describeScope(status.droppedBy, l10n),
          CLOAK_SCOPE,
        ),
        add,
      )
      .then(async (choice) => {
        if (choice === add) await editorConfig.update('tokenColorCustomizations', withCloakRule(current), target);
      })
      .then(undefined, (error: unknown) =>
        window.showErrorMessage(l10n.t('Struere: could not add the token colour rule: {0}', errorText(error))),
      );
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
