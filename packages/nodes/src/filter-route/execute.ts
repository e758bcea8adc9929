import type { FlowRecord, NodeContext, NodeImplementation, RecordError } from "@flowgate/engine";
import { compileCondition, recordFailure, type CompiledCondition } from "../filter-condition/predicate";
import { ELSE_PORT, routeFilterDefinition, type RouteFilterConfig } from "./definition";

interface CompiledRoute {
  name: string;
  condition: CompiledCondition;
  /** For error messages: which route's condition failed. */
  description: string;
}

interface CompiledRouter {
  routes: CompiledRoute[];
  /** True when no route's condition needs to wait, so a record is routed without a promise. */
  sync: boolean;
}

/** Compiled once per run: a node's context lives exactly as long as its run. */
const compiledByRun = new WeakMap<NodeContext<RouteFilterConfig>, CompiledRouter>();

function routerOf(ctx: NodeContext<RouteFilterConfig>): CompiledRouter {
  let router = compiledByRun.get(ctx);
  if (!router) {
    const routes = ctx.config.routes.map((route) => {
      const condition = compileCondition(route.condition, ctx.expressions);
      return { name: route.name, condition, description: `the route “${route.name}”: ${condition.description}` };
    });
    router = { routes, sync: routes.every((route) => route.condition.sync !== undefined) };
    compiledByRun.set(ctx, router);
  }
  return router;
}

/**
 * Each record leaves through the first route whose condition it meets (or, with `firstMatchOnly`
 * off, through every one it meets), and through `else` when it meets none. Records pass unchanged;
 * one sent down two routes is the same object on both (nodes treat their input as read-only).
 */
export const routeFilter: NodeImplementation<RouteFilterConfig> = {
  definition: routeFilterDefinition,

  async execute(ctx, batch) {
    const { routes, sync } = routerOf(ctx);
    const firstOnly = ctx.config.firstMatchOnly;
    const outputs: FlowRecord[][] = routes.map(() => []);
    const otherwise: FlowRecord[] = [];
    const errors: RecordError[] = [];
    // The routes a record meets, decided before it goes anywhere (reused from record to record).
    const met: number[] = [];
    records: for (let index = 0; index < batch.length; index++) {
      const record = batch[index]!;
      met.length = 0;
      for (let r = 0; r < routes.length; r++) {
        const route = routes[r]!;
        let meets: boolean;
        try {
          meets = sync ? route.condition.sync!(record) : await route.condition.test(record);
        } catch (error) {
          // A record whose route cannot be decided goes nowhere rather than down a wrong route.
          errors.push({ index, message: recordFailure(error, route.description) });
          continue records;
        }
        if (meets) {
          met.push(r);
          if (firstOnly) break;
        }
      }
      if (met.length === 0) otherwise.push(record);
      else for (let m = 0; m < met.length; m++) outputs[met[m]!]!.push(record);
    }
    const ports: Record<string, FlowRecord[]> = { [ELSE_PORT]: otherwise };
    routes.forEach((route, r) => (ports[route.name] = outputs[r]!));
    return errors.length > 0 ? { ports, errors } : { ports };
  },
};
