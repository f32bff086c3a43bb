import * as path from 'node:path';
import type { Range } from 'vscode-languageserver-types';
import {
  baselineLines,
  DEFAULT_SETTINGS,
  redactionDictionary,
  type BaselineFinding,
  type EnvFileState,
  type SecretSpan,
} from '../../engine/core';
import { pathToUri, readTextFile, sha256Hex } from '../../engine/host';
import { keyOfDiagnostic, type ReportedDiagnostic as CliDiagnostic } from '../../engine/tools';

/**
 * `check`'s findings as the baseline knows them (engine/core/baseline/baseline.ts): each file with findings is read
 * once, under the same size limit as the scan, and its lines are digested with the values of the env files loaded
 * and the secret ranges of its findings masked. `root` is what the diagnostics' paths are relative to.
 */
export async function baselineFingerprints(
  diagnostics: readonly CliDiagnostic[],
  root: string,
  model: { readonly envFiles: readonly EnvFileState[]; secretRanges(file: string): readonly Range[] },
  baselineFolder: string,
): Promise<Map<CliDiagnostic, BaselineFinding>> {
  const dictionary = redactionDictionary(model.envFiles);
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
    const spans = secretSpansByLine(model.secretRanges(absolute));
    const lineText = baselineLines(pathToUri(absolute), text, dictionary);
    const digests = new Map<number, string>();
    for (const diagnostic of found) {
      const line = diagnostic.line - 1;
      let digest = digests.get(line);
      if (digest === undefined) {
        digest = sha256Hex(lineText(line, spans.get(line) ?? []));
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

/**
 * The secret ranges of a file, per 0-based line (a range running past its line covers the rest of it). They come
 * from the model, not the findings reported: a credential whose finding an inline ignore silenced is masked too.
 */
function secretSpansByLine(ranges: readonly Range[]): Map<number, SecretSpan[]> {
  const spans = new Map<number, SecretSpan[]>();
  for (const { start, end } of ranges) {
    const span: SecretSpan = {
      start: start.character,
      end: end.line === start.line ? end.character : Number.MAX_SAFE_INTEGER,
    };
    const list = spans.get(start.line);
    if (list) list.push(span);
    else spans.set(start.line, [span]);
  }
  return spans;
}
