import * as path from 'node:path';
import {
  baselineLineText,
  DEFAULT_SETTINGS,
  redactionDictionary,
  type BaselineFinding,
  type EnvFileState,
  type SecretSpan,
} from '../../engine/core';
import { readTextFile, sha256Hex } from '../../engine/host';
import { keyOfDiagnostic, type CliDiagnostic } from './diagnosticsReport';

/** The codes whose range is a secret: masked in every finding's line before it is digested. */
const SECRET_CODES: ReadonlySet<string> = new Set(['leaked-value', 'hardcoded-secret']);

/**
 * `check`'s findings as the baseline knows them (engine/core/baseline/baseline.ts): each file with findings is read
 * once, under the same size limit as the scan, and its lines are digested with the values of the env files loaded
 * and the secret ranges of its findings masked. `root` is what the diagnostics' paths are relative to.
 */
export async function baselineFingerprints(
  diagnostics: readonly CliDiagnostic[],
  root: string,
  envFiles: readonly EnvFileState[],
  baselineFolder: string,
): Promise<Map<CliDiagnostic, BaselineFinding>> {
  const dictionary = redactionDictionary(envFiles);
  const byFile = new Map<string, CliDiagnostic[]>();
  for (const diagnostic of diagnostics) {
    const list = byFile.get(diagnostic.file);
    if (list) list.push(diagnostic);
    else byFile.set(diagnostic.file, [diagnostic]);
  }
  const fingerprints = new Map<CliDiagnostic, BaselineFinding>();
  for (const [file, found] of byFile) {
    const absolute = path.resolve(root, file);
    const read = await readTextFile(absolute, DEFAULT_SETTINGS.maxFileBytes, false);
    // A file that cannot be read now (its finding says why) is known by code, path and key alone.
    const text = read.kind === 'text' ? read.text : '';
    const relative = path.relative(baselineFolder, absolute).split(path.sep).join('/');
    const spans = secretSpansByLine(found);
    const digests = new Map<number, string>();
    for (const diagnostic of found) {
      const line = diagnostic.line - 1;
      let digest = digests.get(line);
      if (digest === undefined) {
        digest = sha256Hex(baselineLineText(absolute, text, line, dictionary, spans.get(line) ?? []));
        digests.set(line, digest);
      }
      fingerprints.set(diagnostic, {
        code: diagnostic.code,
        path: relative,
        key: keyOfDiagnostic(diagnostic),
        line: digest,
      });
    }
  }
  return fingerprints;
}

/** The secret ranges of a file's findings, per 0-based line (a range running past its line covers the rest of it). */
function secretSpansByLine(diagnostics: readonly CliDiagnostic[]): Map<number, SecretSpan[]> {
  const spans = new Map<number, SecretSpan[]>();
  for (const d of diagnostics) {
    if (!SECRET_CODES.has(d.code)) continue;
    const key = keyOfDiagnostic(d);
    const span: SecretSpan = {
      start: d.column - 1,
      end: d.endLine === d.line ? d.endColumn - 1 : Number.MAX_SAFE_INTEGER,
      ...(d.code === 'leaked-value' && key !== '' ? { key } : {}),
    };
    const list = spans.get(d.line - 1);
    if (list) list.push(span);
    else spans.set(d.line - 1, [span]);
  }
  return spans;
}
