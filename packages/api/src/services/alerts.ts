import { TRPCError } from "@trpc/server";
import type { Scope } from "./scope";

// The API engineer implements these (contract: routers/alerts.ts).
const todo = (): never => {
  throw new TRPCError({ code: "NOT_IMPLEMENTED", message: "Alerts are being built." });
};
export async function listAlerts(_scope: Scope, _input: { status?: "open" | "resolved"; flowId?: string; cursor?: string; limit: number }): Promise<never> {
  return todo();
}
export async function unreadCount(_scope: Scope): Promise<{ count: number }> {
  return todo();
}
export async function markRead(_scope: Scope, _input: { ids?: string[] }): Promise<{ marked: number }> {
  return todo();
}
export async function getSettings(_scope: Scope, _flowId: string): Promise<never> {
  return todo();
}
export async function updateSettings(_scope: Scope, _input: { flowId: string; onFailure: boolean; approvalsWaitingHours: number | null; webhookUrl: string | null }): Promise<never> {
  return todo();
}
