import { sql } from "drizzle-orm";
import { z } from "zod";
import { publicProcedure } from "../trpc";

export const healthProcedure = publicProcedure.output(z.object({ ok: z.boolean(), database: z.boolean() })).query(async ({ ctx }) => {
  try {
    await ctx.deps.db.execute(sql`select 1`);
    return { ok: true, database: true };
  } catch {
    return { ok: false, database: false };
  }
});
