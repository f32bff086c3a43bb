import {
  isDiagnosticCode,
  type SeverityName,
  type SeverityOverrides,
  type DiagnosticCode,
} from '../rules/diagnosticRules';
import { isEnvironment, type Environment } from './environments';
import { isRecord } from '../base/guards';

/**
 * The server's settings, typed once and defaulted once. Whatever arrives from a client (any editor, any shape)
 * goes through `sanitizeSettings`, so the rest of the code never checks types again. `struere.remote.ttlSeconds`
 * is not among them: the client fetches and ages remote name lists; the server receives them with their state.
 */
export interface ServerSettings {
  readonly environment: Environment;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly maxFileBytes: number;
  readonly severity: SeverityOverrides;
}

/**
 * The default of every `struere.*` setting the code reads, by its name under the `struere` section: the only place
 * a default is written. The server (below), the client (client/src/clientSettings.ts) and the CLI read them from
 * here, and test/client/manifest.test.ts holds every `default` in package.json to this table. One exception by
 * design: `apiUrl`'s default belongs to the API client (`DEFAULT_API_URL`, engine/api/apiClient.ts).
 */
export const SETTING_DEFAULTS = {
  environment: 'development' as Environment,
  'files.include': ['**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts,md,mdx,txt,prompt}'],
  'files.exclude': ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/build/**', '**/.struere/**'],
  'files.maxSizeKB': 5120,
  severity: {} as SeverityOverrides,
  'remote.ttlSeconds': 600,
  syncOnSave: false,
  'cloak.enabled': true,
} as const;

export const DEFAULT_SETTINGS: ServerSettings = {
  environment: SETTING_DEFAULTS.environment,
  include: SETTING_DEFAULTS['files.include'],
  exclude: SETTING_DEFAULTS['files.exclude'],
  maxFileBytes: SETTING_DEFAULTS['files.maxSizeKB'] * 1024,
  severity: SETTING_DEFAULTS.severity,
};

const SEVERITY_NAMES: readonly SeverityName[] = ['error', 'warning', 'information', 'hint', 'off'];

/** Accepts the `struere` section as VS Code sends it (nested objects) and keeps only well-formed parts. */
export function sanitizeSettings(raw: unknown): ServerSettings {
  const section = isRecord(raw) ? raw : {};
  const files = isRecord(section.files) ? section.files : {};
  return {
    environment: isEnvironment(section.environment) ? section.environment : DEFAULT_SETTINGS.environment,
    include: stringArray(files.include) ?? DEFAULT_SETTINGS.include,
    exclude: stringArray(files.exclude) ?? DEFAULT_SETTINGS.exclude,
    maxFileBytes:
      positiveNumber(files.maxSizeKB) !== undefined
        ? Math.round(positiveNumber(files.maxSizeKB)! * 1024)
        : DEFAULT_SETTINGS.maxFileBytes,
    severity: severityOverrides(section.severity),
  };
}

function severityOverrides(raw: unknown): SeverityOverrides {
  if (!isRecord(raw)) return {};
  const result: Partial<Record<DiagnosticCode, SeverityName>> = {};
  for (const [code, severity] of Object.entries(raw)) {
    if (isDiagnosticCode(code) && SEVERITY_NAMES.includes(severity as SeverityName))
      result[code] = severity as SeverityName;
  }
  return result;
}

function stringArray(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const strings = value.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
  return strings.length === value.length ? strings : undefined;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
