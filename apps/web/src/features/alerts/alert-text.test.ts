import { describe, expect, it } from "vitest";
import { formatDateTime } from "@/lib/format";
import { alertLink, occurrencesText, parseSettingsForm, resolvedText, settingsForm } from "./alert-text";

const now = new Date("2025-05-12T12:00:00.000Z");
const failed = {
  kind: "run_failed",
  status: "open",
  occurrences: 3,
  firstAt: "2025-05-12T09:00:00.000Z",
  lastAt: "2025-05-12T11:55:00.000Z",
  resolvedAt: null,
  lastRunId: "run-3",
  changeSetId: null,
};

describe("occurrencesText and resolvedText", () => {
  it("groups repeated failures: how many since when", () => {
    expect(occurrencesText(failed, now)).toBe(`Failed 3 times since ${formatDateTime(failed.firstAt)}`);
  });

  it("says when a single failure happened", () => {
    expect(occurrencesText({ ...failed, occurrences: 1 }, now)).toBe("Failed 5 minutes ago");
  });

  it("says since when changes wait", () => {
    expect(occurrencesText({ ...failed, kind: "approvals_waiting", occurrences: 1 }, now)).toBe(`Waiting since ${formatDateTime(failed.firstAt)}`);
  });

  it("says when a resolved alert was resolved, and nothing for an open one", () => {
    expect(resolvedText(failed, now)).toBeNull();
    expect(resolvedText({ ...failed, status: "resolved", resolvedAt: "2025-05-12T10:00:00.000Z" }, now)).toBe("Resolved 2 hours ago");
  });
});

describe("alertLink", () => {
  it("leads to the last failed run", () => {
    expect(alertLink(failed)).toEqual({ href: "/runs/run-3", label: "View the last failed run" });
    expect(alertLink({ ...failed, occurrences: 1 })).toEqual({ href: "/runs/run-3", label: "View the failed run" });
  });

  it("leads to the change set that waits", () => {
    expect(alertLink({ ...failed, kind: "approvals_waiting", changeSetId: "cs-1", lastRunId: "run-1" })).toEqual({ href: "/approvals/cs-1", label: "Review the changes" });
  });

  it("has nowhere to lead when the alert names nothing", () => {
    expect(alertLink({ ...failed, lastRunId: null })).toBeNull();
  });
});

describe("the settings form", () => {
  const form = { onFailure: true, approvalsWaiting: false, hours: "24", webhookUrl: "" };

  it("round-trips stored settings", () => {
    const stored = { onFailure: false, approvalsWaitingHours: 6, webhookUrl: "https://hooks.example.com/T1" };
    expect(parseSettingsForm(settingsForm(stored))).toEqual({ ok: true, value: stored });
    expect(settingsForm({ onFailure: true, approvalsWaitingHours: null, webhookUrl: null })).toEqual(form);
  });

  it("stores no hours while the waiting alert is off, whatever the box holds", () => {
    expect(parseSettingsForm({ ...form, hours: "abc" })).toEqual({ ok: true, value: { onFailure: true, approvalsWaitingHours: null, webhookUrl: null } });
  });

  it("asks for whole hours from 1 to 30 days", () => {
    for (const hours of ["0", "-1", "1.5", "abc", "", "721"]) {
      const result = parseSettingsForm({ ...form, approvalsWaiting: true, hours });
      expect(result.ok, hours).toBe(false);
      if (!result.ok) expect(result.errors.hours).toMatch(/whole number of hours from 1 to 720/);
    }
    expect(parseSettingsForm({ ...form, approvalsWaiting: true, hours: " 720 " })).toMatchObject({ ok: true, value: { approvalsWaitingHours: 720 } });
  });

  it("takes an http(s) webhook address and says what is wrong with anything else", () => {
    expect(parseSettingsForm({ ...form, webhookUrl: " https://hooks.slack.com/services/T/B/X " })).toMatchObject({
      ok: true,
      value: { webhookUrl: "https://hooks.slack.com/services/T/B/X" },
    });
    const wrong = (webhookUrl: string) => {
      const result = parseSettingsForm({ ...form, webhookUrl });
      return result.ok ? null : result.errors.webhookUrl;
    };
    expect(wrong("hooks.slack.com/services/x")).toMatch(/starting with https:\/\//);
    expect(wrong("ftp://example.com/x")).toMatch(/starting with https:\/\//);
    expect(wrong("https://exa mple.com")).toMatch(/not a valid web address/);
    expect(wrong(`https://example.com/${"x".repeat(2000)}`)).toMatch(/longer than 2,000/);
  });
});
