CREATE TABLE "change_set_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"item_id" bigint NOT NULL,
	"change_set_id" text NOT NULL,
	"user_id" text,
	"decision" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_set_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"change_set_id" text NOT NULL,
	"key" text NOT NULL,
	"op" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"changed_fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"record" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decision_source" text,
	"comment" text,
	"approvals" integer DEFAULT 0 NOT NULL,
	"decided_at" timestamp with time zone,
	"applied_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "change_sets" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"flow_id" text NOT NULL,
	"run_id" text NOT NULL,
	"node_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"rules" jsonb NOT NULL,
	"deadline_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "change_set_decisions" ADD CONSTRAINT "change_set_decisions_item_id_change_set_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."change_set_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_set_decisions" ADD CONSTRAINT "change_set_decisions_change_set_id_change_sets_id_fk" FOREIGN KEY ("change_set_id") REFERENCES "public"."change_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_set_decisions" ADD CONSTRAINT "change_set_decisions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_set_items" ADD CONSTRAINT "change_set_items_change_set_id_change_sets_id_fk" FOREIGN KEY ("change_set_id") REFERENCES "public"."change_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_set_items" ADD CONSTRAINT "change_set_items_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_sets" ADD CONSTRAINT "change_sets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_sets" ADD CONSTRAINT "change_sets_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_sets" ADD CONSTRAINT "change_sets_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "change_set_decisions_item_user_idx" ON "change_set_decisions" USING btree ("item_id","user_id");--> statement-breakpoint
CREATE INDEX "change_set_decisions_set_idx" ON "change_set_decisions" USING btree ("change_set_id");--> statement-breakpoint
CREATE UNIQUE INDEX "change_set_items_set_key_idx" ON "change_set_items" USING btree ("change_set_id","key");--> statement-breakpoint
CREATE INDEX "change_set_items_set_status_idx" ON "change_set_items" USING btree ("change_set_id","status","id");--> statement-breakpoint
CREATE INDEX "change_set_items_unapplied_idx" ON "change_set_items" USING btree ("change_set_id","id") WHERE "change_set_items"."status" <> 'pending' and "change_set_items"."applied_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "change_sets_run_node_idx" ON "change_sets" USING btree ("run_id","node_id");--> statement-breakpoint
CREATE INDEX "change_sets_workspace_status_idx" ON "change_sets" USING btree ("workspace_id","status","created_at");--> statement-breakpoint
CREATE INDEX "change_sets_deadline_idx" ON "change_sets" USING btree ("deadline_at") WHERE "change_sets"."status" = 'pending';