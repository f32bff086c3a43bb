/** engine/api: the one module that speaks the HTTP API (API.md): the client, its typed errors, the remote name cache. */
export { checkBaseUrl, createApiClient, DEFAULT_API_URL, isLoopbackHost } from './apiClient';
export type { ApiClient, ApiClientOptions, AttemptReport, RetryPolicy, SecretItem } from './apiClient';
export { ApiConfigError, ApiError, NetworkError, RequestCancelledError } from './apiError';
export { RemoteNameCache } from './remoteNameCache';
export type { ProjectApiKeys } from './remoteNameCache';
