import { connectionsRouter } from "./routers/connections";
import { flowsRouter } from "./routers/flows";
import { healthProcedure } from "./routers/health";
import { membersRouter } from "./routers/members";
import { runsRouter } from "./routers/runs";
import { workspacesRouter } from "./routers/workspaces";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  health: healthProcedure,
  workspaces: workspacesRouter,
  flows: flowsRouter,
  connections: connectionsRouter,
  members: membersRouter,
  runs: runsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
