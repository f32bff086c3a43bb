import type { Environment } from '../model/environments';
import { missingSecretLiteral, SET_SECRET_MASK, type CompileResult } from './compiler';

export interface PreviewHeading {
  /** How the file is named to the reader (project-relative path). */
  readonly file: string;
  readonly environment: Environment;
  /** Where "set" comes from, e.g. ".env.development ∪ remote development list (unknown: no API key)". */
  readonly setMeans?: string;
}

/** The text both front ends show: a header naming the environment and the missing keys, then each prompt. */
export function formatPromptPreview(result: CompileResult, heading: PreviewHeading): string {
  const lines = [
    `Compiled prompt of ${heading.file} for ${heading.environment}`,
    `Set secrets show as ${SET_SECRET_MASK} (values are never shown); unset ones compile to ${missingSecretLiteral('KEY')}, as on the platform.`,
  ];
  if (heading.setMeans !== undefined) lines.push(`Set in ${heading.environment} means: ${heading.setMeans}.`);
  lines.push(
    result.missing.length === 0
      ? `Missing in ${heading.environment}: none`
      : `Missing in ${heading.environment}: ${result.missing.join(', ')}`,
  );
  if (result.prompts.length === 0) {
    lines.push('', 'No systemPrompt string in this file (agent files hold prompts as systemPrompt: `…`).');
    return lines.join('\n');
  }
  for (const prompt of result.prompts) {
    const title =
      result.origin === 'whole-file'
        ? 'whole file'
        : `systemPrompt${prompt.name !== undefined ? ` of ${prompt.name}` : ''}, line ${prompt.startLine + 1}`;
    lines.push('', `── ${title} ──`, prompt.compiled);
  }
  return lines.join('\n');
}
