/**
 * The core identifies files by URI strings as the editor sends them. Hosts build URIs with `vscode-uri`
 * (`URI.file(path).toString()`), which encodes exactly as VS Code does, so string prefixes are folder checks.
 */
export function parentUri(uri: string): string {
  const slash = uri.lastIndexOf('/');
  return slash < 0 ? uri : uri.slice(0, slash);
}

export function baseName(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}

export function joinUri(folderUri: string, name: string): string {
  return `${folderUri}/${encodeURIComponent(name)}`;
}

/** True when `uri` lies inside `folderUri` (at any depth). */
export function isInside(uri: string, folderUri: string): boolean {
  return uri.length > folderUri.length && uri.startsWith(folderUri) && uri.charCodeAt(folderUri.length) === 47; /* / */
}

/** `uri` relative to `folderUri`, '/'-separated and decoded; undefined when it is not inside. */
export function relativePath(folderUri: string, uri: string): string | undefined {
  if (!isInside(uri, folderUri)) return undefined;
  return uri
    .slice(folderUri.length + 1)
    .split('/')
    .map(decodeURIComponent)
    .join('/');
}
