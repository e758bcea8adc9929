/** The body limit of a webhook request unless the intake is given another. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The request's body, or null as soon as it is larger than `maxBytes`: a declared Content-Length
 * above the limit is refused before reading anything, and a streamed body is read only until it
 * crosses the limit, so an oversized request never costs more than the limit in memory.
 */
export async function readLimitedBody(request: Request, maxBytes: number): Promise<Buffer | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) return null;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      // Stop reading, but do not cancel: cancelling the stream would close the connection before
      // the 413 answer reaches the sender. The server discards what is still on its way.
      if (total > maxBytes) return null;
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks, total);
}
