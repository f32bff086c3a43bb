/**
 * The platform's environments and where each one's secrets come from locally.
 * eval is a mirror of development: it has no file and no API key of its own (API.md).
 */
export const ENVIRONMENTS = ['development', 'production', 'eval'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Environments that own a local file and can be written through the API. */
export type WritableEnvironment = Exclude<Environment, 'eval'>;

/** The environments a file or a key writes: eval only ever mirrors development. */
export const WRITABLE_ENVIRONMENTS: readonly WritableEnvironment[] = ['development', 'production'];

export const ENV_FILE_NAMES: Readonly<Record<WritableEnvironment, string>> = {
  development: '.env.development',
  production: '.env.production',
};

/** The environment whose local file backs `environment` (eval reads .env.development). */
export function writableEnvironmentOf(environment: Environment): WritableEnvironment {
  return environment === 'production' ? 'production' : 'development';
}

/** The environments a local file feeds: .env.development → development and eval. */
export function environmentsFedBy(environment: WritableEnvironment): readonly Environment[] {
  return environment === 'development' ? ['development', 'eval'] : ['production'];
}

export function isEnvironment(value: unknown): value is Environment {
  return typeof value === 'string' && (ENVIRONMENTS as readonly string[]).includes(value);
}

/** The key pattern of the platform (API.md); dotenv itself accepts more (`.` and `-`). */
export const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** API keys carry their environment in their prefix (API.md). */
export const API_KEY_PREFIX: Readonly<Record<WritableEnvironment, string>> = {
  development: 'sk_dev_',
  production: 'sk_prod_',
};

export function environmentOfApiKey(apiKey: string): WritableEnvironment | undefined {
  if (apiKey.startsWith(API_KEY_PREFIX.development)) return 'development';
  if (apiKey.startsWith(API_KEY_PREFIX.production)) return 'production';
  return undefined;
}

/** A valid name close to an invalid one: `my-key` → `MY_KEY`, `1st.token` → `_1ST_TOKEN`. */
export function suggestValidName(name: string): string {
  let candidate = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  if (candidate === '' || /^[0-9]/.test(candidate)) candidate = `_${candidate}`;
  return candidate;
}
