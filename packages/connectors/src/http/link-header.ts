/** The URL of the `Link` header entry with this rel (RFC 8288), resolved against `base`. */
export function findLink(header: string | string[] | undefined, rel: string, base: string | URL): string | null {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const value of values) {
    // Entries are separated by commas outside <…>; URLs may contain commas, so match entry by entry.
    const entry = /<([^>]*)>((?:\s*;\s*[^;,]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g;
    for (let match = entry.exec(value); match; match = entry.exec(value)) {
      const params = match[2] ?? "";
      const relMatch = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(params);
      const rels = (relMatch?.[1] ?? relMatch?.[2] ?? "").toLowerCase().split(/\s+/);
      if (rels.includes(rel.toLowerCase())) {
        try {
          return new URL(match[1] ?? "", base).href;
        } catch {
          return null;
        }
      }
    }
  }
  return null;
}
