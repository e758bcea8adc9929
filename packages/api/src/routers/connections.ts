import { CONNECTION_KINDS } from "@flowgate/db";
import { z } from "zod";
import * as connections from "../services/connections";
import { scopeOf } from "../scope";
import { roleProcedure, router, workspaceProcedure } from "../trpc";
import { Id, IsoDate, Name } from "./schemas";

const PublicConnection = z.object({
  id: z.string(),
  kind: z.enum(CONNECTION_KINDS),
  name: z.string(),
  settings: z.record(z.string(), z.unknown()),
  hasSecret: z.boolean(),
  updatedAt: IsoDate,
});
const IdOutput = z.object({ id: z.string() });

export const connectionsRouter = router({
  list: workspaceProcedure.output(z.array(PublicConnection)).query(({ ctx }) => connections.listConnections(scopeOf(ctx))),
  create: roleProcedure("editor")
    .input(z.object({ kind: z.enum(CONNECTION_KINDS), name: Name, settings: z.unknown(), secret: z.unknown().optional() }))
    .output(IdOutput)
    .mutation(({ ctx, input }) => connections.createConnection(scopeOf(ctx), input)),
  update: roleProcedure("editor")
    .input(z.object({ connectionId: Id, name: Name.optional(), settings: z.unknown().optional(), secret: z.unknown().optional(), clearSecret: z.boolean().optional() }))
    .output(IdOutput)
    .mutation(({ ctx, input }) => connections.updateConnection(scopeOf(ctx), input)),
  delete: roleProcedure("editor")
    .input(z.object({ connectionId: Id }))
    .output(IdOutput)
    .mutation(({ ctx, input }) => connections.deleteConnection(scopeOf(ctx), input.connectionId)),
  /** Whether the service answers: one GET of an HTTP connection's base address, or a PostgreSQL login and `select 1`. */
  test: roleProcedure("editor")
    .input(z.object({ connectionId: Id }))
    .output(z.object({ ok: z.boolean(), message: z.string() }))
    .mutation(({ ctx, input }) => connections.testConnection(scopeOf(ctx), input.connectionId, { allow: ctx.deps.allowHosts ?? [] })),
});
