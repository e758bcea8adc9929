export {
  compileExpression,
  checkExpression,
  type CompiledExpression,
  type CompileOptions,
  type ExpressionCheck,
} from "./compile-expression";
export { ExpressionError } from "./errors";
export { expressionSchema } from "./expression-schema";
