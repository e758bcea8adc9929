CREATE TABLE "flow_schedules" (
	"flow_id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"flow_version_id" text NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"last_slot_at" timestamp with time zone,
	"missed_policy" text DEFAULT 'once' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "scheduled_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "backfilled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "flow_schedules" ADD CONSTRAINT "flow_schedules_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_schedules" ADD CONSTRAINT "flow_schedules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_schedules" ADD CONSTRAINT "flow_schedules_flow_version_id_flow_versions_id_fk" FOREIGN KEY ("flow_version_id") REFERENCES "public"."flow_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flow_schedules_next_run_idx" ON "flow_schedules" USING btree ("next_run_at");--> statement-breakpoint
CREATE UNIQUE INDEX "runs_flow_scheduled_for_idx" ON "runs" USING btree ("flow_id","scheduled_for") WHERE "runs"."scheduled_for" is not null;