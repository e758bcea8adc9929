"use client";

import { Button, cn, Input, Select } from "@flowgate/ui";
import { useState, type DragEvent, type ReactNode } from "react";
import { ChevronDownIcon, PlusIcon, TrashIcon } from "@/components/icons";
import { fieldProblemText, type ConfigPath } from "./config-values";
import { ExpressionEditor, ExpressionPreview, useExpressionError } from "./expression-editor";
import type { ObjectModel, SelectOption } from "./form-model";
import { controlId, pathKey, problemsAt, useNodeForm } from "./node-form-context";
import { fieldExpression } from "./sample-fields";

/*
 * transform.map's field list as a mapping table: each row fills a target field from an expression,
 * with a type to convert to. The sample's fields are chips: a click adds "field ← field", a drag
 * drops the field into a row's expression.
 */

/** The drag type of a sample field chip; text/plain carries its JSONata for drops elsewhere (the expression editor). */
const FIELD_DRAG_TYPE = "application/x-flowgate-field";

interface MappingRow {
  target?: unknown;
  expression?: unknown;
  type?: unknown;
}

/** The row's titles and type options, from the kind's schema (one row of `fields`). */
interface RowModel {
  target: string;
  expression: string;
  type: string;
  typeOptions: readonly SelectOption[];
}

function rowModelOf(item: ObjectModel | undefined): RowModel {
  const field = (key: string) => item?.fields.find((f) => f.key === key);
  const type = field("type");
  return {
    target: field("target")?.title ?? "Target",
    expression: field("expression")?.title ?? "Expression",
    type: type?.title ?? "Type",
    typeOptions: type?.control.type === "select" ? type.control.options : [{ value: "auto", label: "As is" }],
  };
}

export function MappingEditor({ path, value, error, item }: { path: ConfigPath; value: unknown; error?: ReactNode; item?: ObjectModel }) {
  const form = useNodeForm();
  const model = rowModelOf(item);
  const rows: MappingRow[] = Array.isArray(value) ? (value as MappingRow[]) : [];
  const set = (next: MappingRow[]) => form.setValue(path, next);
  const mapped = new Set(rows.map((row) => row.target));
  const addField = (field: string) => set([...rows, { target: field, expression: fieldExpression(field), type: "auto" }]);
  const move = (from: number, to: number) => {
    const next = [...rows];
    const [row] = next.splice(from, 1);
    next.splice(to, 0, row!);
    set(next);
  };

  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-800">Fields</legend>
      <SampleFieldChips fields={form.sampleFields} mapped={mapped} onAdd={addField} disabled={form.readOnly} />
      {rows.length === 0 ? (
        <p className="rounded-control border border-dashed border-slate-300 px-3 py-4 text-center text-sm text-slate-500">
          No fields mapped yet. {form.sampleFields.length > 0 ? "Click a field above to map it, or add one." : "Add one below."}
        </p>
      ) : null}
      <ol className="space-y-2">
        {rows.map((row, index) => (
          <MappingRowEditor
            key={index}
            model={model}
            index={index}
            count={rows.length}
            row={row}
            path={[...path, index]}
            onChange={(key, next) => form.setValue([...path, index, key], next, { typing: key !== "type" })}
            onReplace={(next) => set(rows.map((r, i) => (i === index ? next : r)))}
            onRemove={() => set(rows.filter((_, i) => i !== index))}
            onMove={(to) => move(index, to)}
          />
        ))}
      </ol>
      {error ? <div className="text-sm text-red-700">{error}</div> : null}
      {form.readOnly ? null : (
        <Button size="sm" variant="secondary" icon={<PlusIcon className="size-4" />} onClick={() => set([...rows, { target: "", expression: "", type: "auto" }])}>
          Add field
        </Button>
      )}
    </fieldset>
  );
}

function SampleFieldChips({
  fields,
  mapped,
  onAdd,
  disabled,
}: {
  fields: readonly string[];
  mapped: ReadonlySet<unknown>;
  onAdd(field: string): void;
  disabled: boolean;
}) {
  if (fields.length === 0) {
    return <p className="text-xs text-slate-500">Run a dry run to pick fields from real records.</p>;
  }
  return (
    <div role="group" aria-label="Fields of the sample" className="space-y-1">
      <p className="text-xs text-slate-500">Fields of the sample: click to map one, or drag it into an expression.</p>
      <div className="flex flex-wrap gap-1">
        {fields.map((field) => (
          <button
            key={field}
            type="button"
            draggable={!disabled}
            disabled={disabled}
            aria-label={`Map ${field}`}
            onClick={() => onAdd(field)}
            onDragStart={(event) => {
              event.dataTransfer.setData(FIELD_DRAG_TYPE, field);
              event.dataTransfer.setData("text/plain", fieldExpression(field));
              event.dataTransfer.effectAllowed = "copy";
            }}
            className={cn(
              "cursor-grab rounded-md px-1.5 py-0.5 font-mono text-xs ring-1 ring-inset active:cursor-grabbing",
              mapped.has(field) ? "bg-accent-50 text-accent-800 ring-accent-200" : "bg-white text-slate-700 ring-slate-200 hover:bg-slate-50",
            )}
          >
            {field}
          </button>
        ))}
      </div>
    </div>
  );
}

function MappingRowEditor({
  model,
  index,
  count,
  row,
  path,
  onChange,
  onReplace,
  onRemove,
  onMove,
}: {
  model: RowModel;
  index: number;
  count: number;
  row: MappingRow;
  path: ConfigPath;
  onChange(key: keyof MappingRow, value: unknown): void;
  /** The whole row in one edit (a field dropped on it fills target and expression at once). */
  onReplace(row: MappingRow): void;
  onRemove(): void;
  onMove(to: number): void;
}) {
  const form = useNodeForm();
  const [dropping, setDropping] = useState(false);
  const target = typeof row.target === "string" ? row.target : "";
  const expression = typeof row.expression === "string" ? row.expression : "";
  const type = typeof row.type === "string" ? row.type : "auto";
  const problems = (key: string, title: string) => problemsAt(form.problems, [...path, key], true).map((p) => fieldProblemText(p.message, title));
  const targetErrors = problems("target", model.target);
  const syntaxError = useExpressionError(expression);
  const expressionErrors = syntaxError ? [syntaxError] : [...problems("expression", model.expression), ...problems("type", model.type)];
  const rowErrors = problemsAt(form.problems, path, false).map((p) => fieldProblemText(p.message, `Field ${index + 1}`));
  const targetId = controlId(form.nodeId, path, "target");
  const errorId = controlId(form.nodeId, path, "errors");
  const name = target || `field ${index + 1}`;

  // A chip dropped on the row (not into the editor, which inserts it where it lands) fills the expression.
  const onDrop = (event: DragEvent) => {
    setDropping(false);
    const field = event.dataTransfer.getData(FIELD_DRAG_TYPE);
    if (!field || event.defaultPrevented) return;
    event.preventDefault();
    onReplace({ ...row, target: target || field, expression: fieldExpression(field) });
  };

  return (
    <li
      role="group"
      aria-label={`Mapping ${index + 1}`}
      data-config-path={pathKey(path)}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes(FIELD_DRAG_TYPE) || form.readOnly) return;
        event.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
      className={cn("space-y-2 rounded-control border bg-white p-2.5", dropping ? "border-accent-400 ring-3 ring-accent-500/20" : "border-line")}
    >
      <div className="flex items-center gap-1.5" data-config-path={pathKey([...path, "target"])}>
        <Input
          id={targetId}
          aria-label={model.target}
          aria-invalid={targetErrors.length > 0 || undefined}
          aria-describedby={targetErrors.length + expressionErrors.length > 0 ? errorId : undefined}
          value={target}
          onChange={(e) => onChange("target", e.target.value)}
          placeholder="Target field"
          disabled={form.readOnly}
          spellCheck={false}
          className="min-w-0 flex-1 font-mono"
        />
        <Select
          aria-label={model.type}
          value={type}
          onChange={(e) => onChange("type", e.target.value)}
          disabled={form.readOnly}
          className="w-28 shrink-0"
          options={model.typeOptions}
        />
        {form.readOnly ? null : (
          <div className="flex shrink-0 items-center">
            <Button variant="ghost" size="icon" aria-label={`Move ${name} up`} disabled={index === 0} onClick={() => onMove(index - 1)}>
              <ChevronDownIcon className="size-4 rotate-180" />
            </Button>
            <Button variant="ghost" size="icon" aria-label={`Move ${name} down`} disabled={index === count - 1} onClick={() => onMove(index + 1)}>
              <ChevronDownIcon className="size-4" />
            </Button>
            <Button variant="ghost" size="icon" aria-label={`Remove ${name}`} onClick={onRemove}>
              <TrashIcon className="size-4" />
            </Button>
          </div>
        )}
      </div>
      <div className="flex items-center gap-1.5" data-config-path={pathKey([...path, "expression"])}>
        <span aria-hidden className="text-slate-400" title="filled from">
          ←
        </span>
        <ExpressionEditor
          className="flex-1"
          value={expression}
          onChange={(next) => onChange("expression", next)}
          ariaLabel={model.expression}
          describedBy={expressionErrors.length > 0 ? errorId : undefined}
          invalid={expressionErrors.length > 0}
          readOnly={form.readOnly}
          placeholder="e.g. price * 1.23"
          fields={form.sampleFields}
        />
      </div>
      {targetErrors.length + expressionErrors.length + rowErrors.length > 0 ? (
        <div id={errorId} className="space-y-0.5 text-sm text-red-700">
          {[...targetErrors, ...expressionErrors, ...rowErrors].map((message, i) => (
            <p key={i}>{message}</p>
          ))}
        </div>
      ) : null}
      <ExpressionPreview value={expression} sample={form.sample} quietWithoutSample />
    </li>
  );
}
