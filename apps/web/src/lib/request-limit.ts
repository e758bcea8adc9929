/**
 * The largest tRPC request the web app reads: a flow file (at most 5 MB) with room to spare. A larger
 * one is answered 413 from its Content-Length before its body is read, in the shape the tRPC client
 * reads (one error per call of a batch), so a 50 MB upload costs nothing and says what is wrong.
 */
export const MAX_TRPC_REQUEST_BYTES = 6 * 1024 * 1024;

export function oversizedRequest(request: Request, endpoint: string): Response | null {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (!(length > MAX_TRPC_REQUEST_BYTES)) return null;
  const url = new URL(request.url);
  const paths = url.pathname.slice(url.pathname.indexOf(endpoint) + endpoint.length).replace(/^\//, "").split(",");
  const error = {
    error: {
      message: `The request is ${Math.ceil(length / 1024 / 1024)} MB; Flowgate takes at most 6 MB (a flow file at most 5 MB). Make the file smaller, or split the flow.`,
      code: -32600,
      data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 },
    },
  };
  const body = url.searchParams.get("batch") === "1" ? paths.map((path) => ({ ...error, error: { ...error.error, data: { ...error.error.data, path } } })) : error;
  return Response.json(body, { status: 413 });
}
