import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A language pack of our own, written at test time: CI reaches only the npm registry and Debian, so the
 * marketplace's packs cannot be downloaded. VS Code's server resolves a display language other than English only
 * when an installed extension contributes `localizations` for it (without one it falls back to `en`, and
 * `vscode.env.language` with it); this pack contributes German with an empty translation of VS Code itself. So
 * the workbench's own texts stay English and only the extensions' German (package.nls.de.json,
 * l10n/bundle.l10n.de.json) shows: what the scenario reads is ours.
 */
export function writeStubLanguagePack(extensionsDir: string, userDataDir: string, languageId: string): void {
  const id = `struere-e2e.stub-language-pack-${languageId}`;
  const folder = path.join(extensionsDir, `${id}-1.0.0`);
  fs.mkdirSync(path.join(folder, 'translations'), { recursive: true });
  const manifest = {
    name: `stub-language-pack-${languageId}`,
    displayName: `Stub language pack (${languageId}) for the Struere e2e tests`,
    publisher: 'struere-e2e',
    version: '1.0.0',
    engines: { vscode: '*' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [
        {
          languageId,
          languageName: languageId,
          localizedLanguageName: languageId,
          translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
        },
      ],
    },
  };
  fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify(manifest, null, 2));
  const translations = path.join(folder, 'translations', 'main.i18n.json');
  fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  // The server reads the installed packs from this index at startup (VS Code writes it when a pack is installed
  // through the UI or --install-extension; an unpacked folder is only scanned, so the index is written here).
  const index = {
    [languageId]: {
      hash: `stub-${languageId}-1`,
      extensions: [{ extensionIdentifier: { id }, version: '1.0.0' }],
      translations: { vscode: translations },
      label: languageId,
    },
  };
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(index));
}
