/** `multipart/form-data` bodies (RFC 7578) for the intake's tests. */
export interface TestPart {
  readonly name: string;
  readonly type?: string;
  readonly filename?: string;
  readonly body: string | Uint8Array;
}

export function multipartBody(
  parts: readonly TestPart[],
  boundary = "----passerelle-7MA4YWxkTrZu0gW",
): {
  body: Buffer;
  contentType: string;
} {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? "" : `; filename="${p.filename}"`}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type === undefined ? "" : `Content-Type: ${p.type}\r\n`}\r\n`,
        "latin1",
      ),
    );
    chunks.push(typeof p.body === "string" ? Buffer.from(p.body, "utf8") : Buffer.from(p.body));
    chunks.push(Buffer.from("\r\n", "latin1"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, "latin1"));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
