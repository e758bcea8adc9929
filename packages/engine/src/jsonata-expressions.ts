import type { Expressions } from "./contract";
import { compileExpression, compileMapper } from "./expressions/index";

/** The expression port every run gets: JSONata, with the compiled fast path. */
export const jsonataExpressions: Expressions = {
  compile: (source) => compileExpression(source),
  compileMapper: (fields) => compileMapper(fields),
};
