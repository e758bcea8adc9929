/** Talking to a running product the way a script would: sign in for a session cookie, then call tRPC over HTTP. */

export async function signIn(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`Signing in as ${email} answered ${response.status}: ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export async function trpc<T = unknown>(url: string, cookie: string, path: string, input?: unknown, method: "GET" | "POST" = "GET"): Promise<T> {
  const target = method === "GET" ? `${url}/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}` : `${url}/api/trpc/${path}`;
  const response = await fetch(target, {
    method,
    headers: { cookie, "content-type": "application/json", origin: url },
    body: method === "POST" ? JSON.stringify(input) : undefined,
  });
  const body = (await response.json()) as { result?: { data: unknown }; error?: unknown };
  if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
  return body.result.data as T;
}
