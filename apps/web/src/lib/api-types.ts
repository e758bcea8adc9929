import type { AppRouter } from "@flowgate/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type WorkspaceRole = RouterOutputs["workspaces"]["current"]["role"];
export type FlowListItem = RouterOutputs["flows"]["list"][number];
export type FlowDetail = RouterOutputs["flows"]["get"];
export type Connection = RouterOutputs["connections"]["list"][number];
export type MembersList = RouterOutputs["members"]["list"];
