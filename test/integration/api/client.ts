/** A small typed HTTP client for the API tests (Node's fetch, no mocks). */
export interface ApiResponse {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Headers;
  readonly body: Buffer;
  /** The body as JSON (problem documents included); undefined when it is not JSON. */
  readonly json: unknown;
}

export async function call(
  url: string,
  init: {
    method?: string;
    token?: string;
    json?: unknown;
    body?: string | Uint8Array;
    contentType?: string;
  } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let body: string | Uint8Array | undefined = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers["content-type"] = "application/json";
  }
  if (init.contentType !== undefined) headers["content-type"] = init.contentType;
  const res = await fetch(url, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  const contentType = res.headers.get("content-type") ?? "";
  let json: unknown;
  if (/json/.test(contentType) && !/jsonl/.test(contentType)) {
    try {
      json = JSON.parse(buf.toString("utf8"));
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, contentType, headers: res.headers, body: buf, json };
}

/** The problem document's `code` and error paths, for assertions. */
export function problemOf(r: ApiResponse): { code: string; paths: string[]; status: number } {
  const p = r.json as { code?: string; errors?: { path: string }[]; status?: number } | undefined;
  return { code: p?.code ?? "(none)", paths: (p?.errors ?? []).map((e) => e.path), status: p?.status ?? 0 };
}
