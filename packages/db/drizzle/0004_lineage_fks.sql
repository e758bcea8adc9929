ALTER TABLE "lineage" DROP CONSTRAINT "lineage_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "lineage" DROP CONSTRAINT "lineage_flow_id_flows_id_fk";
