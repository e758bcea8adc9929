/** Query parameters whose values are treated as secrets when a URL is shown to a person. */
const SECRET_PARAMS = /^(api[-_]?key|apikey|key|token|access[-_]?token|auth|client[-_]?secret|password|secret|signature|sig)$/i;

/**
 * A URL fit for an error message or a log: no user or password, and secret-looking query values
 * (plus any parameter named in `secretParams`) replaced by `***`.
 */
export function redactUrl(url: string | URL, secretParams: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    // Not a URL we can parse: show the start only, without anything that looks like credentials.
    return String(url).replace(/\/\/[^/@]*@/, "//").slice(0, 200);
  }
  parsed.username = "";
  parsed.password = "";
  const extra = new Set(secretParams.map((p) => p.toLowerCase()));
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.test(name) || extra.has(name.toLowerCase())) parsed.searchParams.set(name, "***");
  }
  return parsed.href;
}
