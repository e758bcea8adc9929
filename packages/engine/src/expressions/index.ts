export {
  compileExpression,
  compileMapper,
  checkExpression,
  type CompiledMapper,
  type MapperField,
  type CompiledExpression,
  type CompileOptions,
  type ExpressionCheck,
} from "./compile-expression";
export { ExpressionError } from "./errors";
export { expressionSchema } from "./expression-schema";
