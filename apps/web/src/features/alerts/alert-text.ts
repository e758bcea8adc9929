import { z } from "zod";
import { formatDateTime, formatRelative } from "@/lib/format";

/*
 * How an alert reads (what happened, how often, where to look) and the per-flow alert settings form.
 * Pure, so it is tested without a browser.
 */

interface AlertLike {
  kind: string;
  status: string;
  occurrences: number;
  firstAt: string;
  lastAt: string;
  resolvedAt: string | null;
  lastRunId: string | null;
  changeSetId: string | null;
}

/** "Failed 3 times since May 3, 2:00 PM", "Failed 5 minutes ago", "Waiting since …". */
export function occurrencesText(alert: AlertLike, now: Date = new Date()): string {
  if (alert.kind === "approvals_waiting") return `Waiting since ${formatDateTime(alert.firstAt)}`;
  if (alert.occurrences <= 1) return `Failed ${formatRelative(alert.lastAt, now)}`;
  return `Failed ${alert.occurrences.toLocaleString("en")} times since ${formatDateTime(alert.firstAt)}`;
}

/** "Resolved 2 hours ago" for a resolved alert; null for an open one. */
export function resolvedText(alert: AlertLike, now: Date = new Date()): string | null {
  return alert.status === "resolved" && alert.resolvedAt ? `Resolved ${formatRelative(alert.resolvedAt, now)}` : null;
}

/** Where to look: the last failed run, or the change set that waits; null when the alert names neither. */
export function alertLink(alert: AlertLike): { href: string; label: string } | null {
  if (alert.kind === "approvals_waiting" && alert.changeSetId) return { href: `/approvals/${alert.changeSetId}`, label: "Review the changes" };
  if (alert.lastRunId) return { href: `/runs/${alert.lastRunId}`, label: alert.occurrences > 1 ? "View the last failed run" : "View the failed run" };
  return null;
}

export interface AlertSettings {
  onFailure: boolean;
  approvalsWaitingHours: number | null;
  webhookUrl: string | null;
}

/** The settings dialog's fields as typed: a checkbox and text for the hours, text for the URL. */
export interface AlertSettingsForm {
  onFailure: boolean;
  approvalsWaiting: boolean;
  hours: string;
  webhookUrl: string;
}

export const MAX_WAITING_HOURS = 24 * 30;
const DEFAULT_WAITING_HOURS = "24";

export function settingsForm(settings: AlertSettings): AlertSettingsForm {
  return {
    onFailure: settings.onFailure,
    approvalsWaiting: settings.approvalsWaitingHours !== null,
    hours: String(settings.approvalsWaitingHours ?? DEFAULT_WAITING_HOURS),
    webhookUrl: settings.webhookUrl ?? "",
  };
}

// As the API checks it (AlertSettingsSchema), so what passes here is stored.
const WebhookUrl = z.url({ protocol: /^https?$/ });

/**
 * The settings to store, or what is wrong with each field in words a person can act on. The server
 * checks the same bounds; this only says so before the round trip.
 */
export function parseSettingsForm(form: AlertSettingsForm): { ok: true; value: AlertSettings } | { ok: false; errors: { hours?: string; webhookUrl?: string } } {
  const errors: { hours?: string; webhookUrl?: string } = {};
  let hours: number | null = null;
  if (form.approvalsWaiting) {
    const text = form.hours.trim();
    hours = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_WAITING_HOURS) {
      errors.hours = `Enter a whole number of hours from 1 to ${MAX_WAITING_HOURS} (30 days).`;
    }
  }
  const url = form.webhookUrl.trim();
  if (url !== "") {
    if (!/^https?:\/\//i.test(url)) errors.webhookUrl = "Enter the whole address, starting with https:// (copy it from your chat tool's incoming webhook settings).";
    else if (url.length > 2000) errors.webhookUrl = "This address is longer than 2,000 characters; check that you copied only the webhook URL.";
    else if (!WebhookUrl.safeParse(url).success) errors.webhookUrl = "This is not a valid web address. Copy the incoming webhook URL from your chat tool again.";
  }
  if (errors.hours || errors.webhookUrl) return { ok: false, errors };
  return { ok: true, value: { onFailure: form.onFailure, approvalsWaitingHours: hours, webhookUrl: url === "" ? null : url } };
}
