// SPDX-License-Identifier: Apache-2.0
// The REST API of dojangd (docs/openapi.yaml). Errors are RFC 9457 problem documents with a
// stable `code` (docs/errors.md).

export interface Violation {
  code: string;
  detail: string;
}

export interface Problem {
  status: number;
  code: string;
  title?: string;
  title_ko?: string;
  detail?: string;
  next_step?: { en: string; ko: string };
  violations?: Violation[];
  retryAfter?: number;
  /// The X-Request-Id of the answer: what the help desk asks for.
  requestId?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.code);
  }
}

export interface ApiOptions {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/// Calls the API; answers the JSON body or throws ApiError with the problem document.
export async function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({ status: 0, code: 'NETWORK' });
  }
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const problem: Problem =
      json && typeof json === 'object' && 'code' in json
        ? { ...(json as Problem), status: response.status }
        : { status: response.status, code: response.status >= 500 ? 'SERVER_BUSY' : 'UNKNOWN' };
    const requestId = response.headers.get('X-Request-Id');
    if (requestId) problem.requestId = requestId;
    const retry = response.headers.get('Retry-After');
    if (retry && /^\d+$/.test(retry)) problem.retryAfter = Number(retry);
    throw new ApiError(problem);
  }
  return json as T;
}

export function asProblem(error: unknown): Problem {
  return error instanceof ApiError ? error.problem : { status: 0, code: 'INTERNAL' };
}

export interface ErrorEntry {
  code: string;
  status: number;
  title: { en: string; ko: string };
  next_step: { en: string; ko: string };
}

let catalog: Promise<ErrorEntry[]> | undefined;

/// GET /api/v1/errors, once per page load.
export function errorCatalog(): Promise<ErrorEntry[]> {
  catalog ??= api<{ errors: ErrorEntry[] }>('/api/v1/errors').then((body) => body.errors ?? []);
  return catalog;
}

export interface PortalConfig {
  organisation: string;
  contact: string;
}

let config: Promise<PortalConfig> | undefined;

export function portalConfig(): Promise<PortalConfig> {
  config ??= api<PortalConfig>('/portal/config.json').catch(() => ({
    organisation: 'dojang',
    contact: '',
  }));
  return config;
}

/// PUT of a file with upload progress (fetch has none): resolves with the JSON answer.
export function upload<T>(
  path: string,
  file: Blob,
  contentType: string,
  token: string,
  progress: (fraction: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', path);
    request.setRequestHeader('Content-Type', contentType);
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) progress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      let json: unknown = {};
      try {
        json = request.responseText ? JSON.parse(request.responseText) : {};
      } catch {
        json = {};
      }
      if (request.status >= 200 && request.status < 300) {
        progress(1);
        resolve(json as T);
      } else {
        const problem =
          json && typeof json === 'object' && 'code' in json
            ? { ...(json as Problem), status: request.status }
            : { status: request.status, code: request.status === 413 ? 'DOCUMENT_TOO_LARGE' : 'UNKNOWN' };
        reject(new ApiError(problem));
      }
    });
    request.addEventListener('error', () => reject(new ApiError({ status: 0, code: 'NETWORK' })));
    request.send(file);
  });
}
