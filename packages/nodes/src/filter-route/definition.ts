import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";
import { ConditionSchema } from "../filter-condition/definition";

/** The output records that meet no route leave through. */
export const ELSE_PORT = "else";

/** Port names the engine or this kind already use. */
const RESERVED_NAMES = new Set([ELSE_PORT, "error"]);

export const RouteNameSchema = z
  .string()
  .trim()
  .min(1, "Give the route a name, e.g. “in-stock”")
  .max(40, "Keep the route's name under 40 characters")
  .regex(
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    "may only hold lowercase letters, digits and single dashes between them (e.g. “low-stock”), because it names the route's output",
  )
  .refine((name) => !RESERVED_NAMES.has(name), {
    message: "is a name Flowgate uses itself (“else” and “error” are outputs every router has); choose another",
  });

export const RouteSchema = z.object({
  /** The id of this route's output port, shown on the canvas. */
  name: RouteNameSchema.describe("Names the route's output on the canvas, e.g. in-stock.").meta({ title: "Route name", placeholder: "in-stock" }),
  condition: ConditionSchema,
});
export type Route = z.infer<typeof RouteSchema>;

export const RouteFilterConfigSchema = z
  .object({
    routes: z.array(RouteSchema).min(1, "Add at least one route").meta({ title: "Routes", itemTitle: "Route" }),
    /** true: a record leaves through the first route it meets; false: through every route it meets. */
    firstMatchOnly: z
      .boolean()
      .default(true)
      .describe("On: a record leaves through the first route it meets. Off: through every route it meets.")
      .meta({ title: "First matching route only" }),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.routes.forEach((route, i) => {
      if (seen.has(route.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["routes", i, "name"],
          message: `“${route.name}” is the name of an earlier route too; each route needs its own name, since it names an output`,
        });
      }
      seen.add(route.name);
    });
  });
export type RouteFilterConfig = z.infer<typeof RouteFilterConfigSchema>;

/**
 * A router's outputs: one per route, in order, then `else`. The definition's `outputs` lists only
 * `else` (what every router has); the validator asks `outputsFor` with the node's parsed config.
 */
export function routePorts(config: Pick<RouteFilterConfig, "routes">): string[] {
  return [...config.routes.map((route) => route.name), ELSE_PORT];
}

export const routeFilterDefinition = {
  id: "filter.route",
  version: 1,
  label: "Route",
  description: "Sends each record down the first route whose condition it meets, or down “else”.",
  category: "filter",
  icon: "split",
  configSchema: RouteFilterConfigSchema,
  inputs: ["in"],
  outputs: [ELSE_PORT],
  outputsFor: routePorts,
} as const satisfies NodeDefinition;
