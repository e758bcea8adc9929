import { z } from "zod";
import { checkExpression } from "./compile-expression";

/**
 * A JSONata expression field for a node kind's configSchema: a string that must parse, so a syntax
 * error is reported at save time, with its position, on the field that holds it.
 */
export function expressionSchema(options?: { description?: string }) {
  // The widget hint tells the inspector to render an expression editor (highlighting, preview) for this field.
  const schema = z
    .string()
    .superRefine((source, ctx) => {
      const check = checkExpression(source);
      if (!check.ok) {
        ctx.addIssue({ code: "custom", message: check.message, params: { position: check.position } });
      }
    })
    .meta({ widget: "expression" });
  return options?.description === undefined ? schema : schema.describe(options.description);
}
