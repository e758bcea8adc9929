export { appRouter, createCaller, type AppRouter } from "./root";
export { createTRPCContext, type ApiDeps, type Context } from "./trpc";
export { readConnectionSecret } from "./services/connections";
