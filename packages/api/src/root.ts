import { alertsRouter } from "./routers/alerts";
import { approvalsRouter } from "./routers/approvals";
import { connectionsRouter } from "./routers/connections";
import { dashboardRouter } from "./routers/dashboard";
import { flowsRouter } from "./routers/flows";
import { healthProcedure } from "./routers/health";
import { lineageRouter } from "./routers/lineage";
import { membersRouter } from "./routers/members";
import { runsRouter } from "./routers/runs";
import { templatesRouter } from "./routers/templates";
import { tokensRouter } from "./routers/tokens";
import { webhooksRouter } from "./routers/webhooks";
import { workspacesRouter } from "./routers/workspaces";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  health: healthProcedure,
  workspaces: workspacesRouter,
  flows: flowsRouter,
  connections: connectionsRouter,
  members: membersRouter,
  runs: runsRouter,
  approvals: approvalsRouter,
  lineage: lineageRouter,
  webhooks: webhooksRouter,
  dashboard: dashboardRouter,
  alerts: alertsRouter,
  templates: templatesRouter,
  tokens: tokensRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
