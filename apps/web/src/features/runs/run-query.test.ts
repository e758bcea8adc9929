import { describe, expect, it } from "vitest";
import { isFiltered, listInputOf, newerPage, olderPage, PAGE_SIZE, parseRunsQuery, rangeStart, runsQueryString, withFilter, type RunsQuery } from "./run-query";

const parse = (search: string) => parseRunsQuery(new URLSearchParams(search));

describe("runs filters ↔ address", () => {
  it("shows every run, newest first, with nothing in the address", () => {
    expect(parse("")).toEqual({});
    expect(runsQueryString({})).toBe("");
    expect(isFiltered({})).toBe(false);
  });

  it("round-trips every filter and the page", () => {
    const query: RunsQuery = { flowId: "f-1", status: "failed", trigger: "schedule", range: "24h", search: "prices", cursor: "abc" };
    const search = runsQueryString(query);
    expect(search).toBe("flow=f-1&status=failed&trigger=schedule&range=24h&q=prices&before=abc");
    expect(parse(search)).toEqual(query);
  });

  it("leaves out what it does not know, so a bad link still opens a list", () => {
    expect(parse("status=exploded&trigger=carrier-pigeon&range=1y&q=%20%20&flow=")).toEqual({});
    expect(parse(`q=${"x".repeat(300)}`).search).toHaveLength(200);
    expect(parse(`before=${"c".repeat(600)}`).cursor).toBeUndefined();
  });

  it("trims the search", () => {
    expect(parse("q=%20mugs%20").search).toBe("mugs");
    expect(runsQueryString({ search: "  mugs " })).toBe("q=mugs");
  });

  it("counts filters, not the page, as filtering", () => {
    expect(isFiltered({ cursor: "abc" })).toBe(false);
    expect(isFiltered({ range: "7d" })).toBe(true);
    expect(isFiltered({ search: "  " })).toBe(false);
  });

  it("goes back to the newest page when a filter changes", () => {
    const query: RunsQuery = { status: "failed", cursor: "abc" };
    expect(withFilter(query, "trigger", "webhook")).toEqual({ status: "failed", trigger: "webhook" });
    expect(withFilter(query, "status", "")).toEqual({});
  });
});

describe("runs.list input", () => {
  const now = Date.parse("2025-03-10T12:34:56.789Z");

  it("asks for a page of the newest runs by default", () => {
    expect(listInputOf({}, now)).toEqual({ limit: PAGE_SIZE });
  });

  it("turns a time range into its start, on a whole minute so the list stays the same for a minute", () => {
    expect(rangeStart("1h", now)).toBe("2025-03-10T11:34:00.000Z");
    expect(rangeStart("7d", now)).toBe("2025-03-03T12:34:00.000Z");
    expect(rangeStart("24h", now + 3000)).toBe(rangeStart("24h", now));
  });

  it("passes every filter and the cursor", () => {
    expect(listInputOf({ flowId: "f", status: "running", trigger: "manual", range: "30d", search: " id-1 ", cursor: "c" }, now)).toEqual({
      limit: PAGE_SIZE,
      flowId: "f",
      status: "running",
      trigger: "manual",
      from: "2025-02-08T12:34:00.000Z",
      search: "id-1",
      cursor: "c",
    });
  });
});

describe("paging", () => {
  it("remembers the pages on the way to older runs, and walks back through them", () => {
    let page = olderPage([], undefined, "c1");
    expect(page).toEqual({ trail: [undefined], cursor: "c1" });
    page = olderPage(page.trail, page.cursor, "c2");
    expect(page).toEqual({ trail: [undefined, "c1"], cursor: "c2" });
    const back = newerPage(page.trail);
    expect(back).toEqual({ trail: [undefined], cursor: "c1" });
    expect(newerPage(back.trail)).toEqual({ trail: [], cursor: undefined });
  });

  it("goes to the newest page from a shared address (no trail)", () => {
    expect(newerPage([])).toEqual({ trail: [], cursor: undefined });
  });
});
