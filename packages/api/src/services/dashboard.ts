import { TRPCError } from "@trpc/server";
import type { Scope } from "./scope";

// The API engineer implements this (contract: routers/dashboard.ts).
export async function summary(_scope: Scope, _range: "24h" | "7d"): Promise<never> {
  throw new TRPCError({ code: "NOT_IMPLEMENTED", message: "The dashboard is being built." });
}
