// IN PROGRESS (approvals API engineer): the bodies below.
import type { Scope } from "./scope";

export async function listChangeSets(scope: Scope, input: { status?: "pending" | "decided"; cursor?: string; limit: number }): Promise<never> {
  throw new Error("not implemented yet");
}
export async function pendingCount(scope: Scope): Promise<{ changeSets: number; items: number }> {
  throw new Error("not implemented yet");
}
export async function getChangeSet(scope: Scope, changeSetId: string): Promise<never> {
  throw new Error("not implemented yet");
}
export async function listItems(scope: Scope, input: unknown): Promise<never> {
  throw new Error("not implemented yet");
}
export async function decide(scope: Scope, input: unknown): Promise<never> {
  throw new Error("not implemented yet");
}
