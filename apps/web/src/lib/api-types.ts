import type { AppRouter } from "@flowgate/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type WorkspaceRole = RouterOutputs["workspaces"]["current"]["role"];
export type FlowListItem = RouterOutputs["flows"]["list"][number];
export type FlowDetail = RouterOutputs["flows"]["get"];
export type Connection = RouterOutputs["connections"]["list"][number];
export type MembersList = RouterOutputs["members"]["list"];
export type ChangeSetSummary = RouterOutputs["approvals"]["list"]["items"][number];
export type ChangeSetDetail = RouterOutputs["approvals"]["get"];
export type ChangeSetItem = RouterOutputs["approvals"]["items"]["items"][number];
export type ChangeItemFilter = NonNullable<RouterInputs["approvals"]["items"]["filter"]>;
