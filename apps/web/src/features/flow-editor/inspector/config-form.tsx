"use client";

import { Button, cn, Field, Input, Select, Textarea } from "@flowgate/ui";
import { useEffect, useState, type ReactNode } from "react";
import { ChevronDownIcon, PlusIcon, TrashIcon } from "@/components/icons";
import { ConditionBuilder } from "./condition-builder";
import { fieldProblemText, type ConfigPath } from "./config-values";
import { ConnectionPicker } from "./connection-picker";
import { KeyValueEditor, NumberInput, SegmentedControl, TagList, ToggleRow } from "./controls";
import { ExpressionField } from "./expression-editor";
import { FieldNameInput } from "./field-name-input";
import {
  choiceIndexOf,
  initialObject,
  isVisible,
  valueOrDefault,
  type FieldModel,
  type ObjectModel,
} from "./form-model";
import { MappingEditor } from "./mapping-editor";
import { controlId, pathKey, problemsAt, useNodeForm } from "./node-form-context";
import { ScheduleEditor } from "./schedule-editor";

/*
 * The generic form: one control per field of the kind's config schema, as form-model.ts describes
 * them. Each control reads its value from the node's config and writes back through setValue.
 */

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, item] of Object.entries(asRecord(value) ?? {})) record[key] = typeof item === "string" ? item : JSON.stringify(item);
  return record;
}

/** "Headers" → "header", "Query parameters" → "query parameter": one row of a list, for its buttons. */
function singular(title: string): string {
  const lower = title.toLowerCase();
  return lower.endsWith("s") ? lower.slice(0, -1) : lower;
}

/** The messages for a field, worded to sit under it. */
function useFieldErrors(path: ConfigPath, title: string, nested: boolean): string[] {
  const { problems } = useNodeForm();
  return problemsAt(problems, path, nested).map((problem) => fieldProblemText(problem.message, title));
}

/** Several messages for one field: one paragraph (ui's Field puts the error in a <p>), one sentence after another. */
function ErrorList({ messages }: { messages: readonly string[] }): ReactNode {
  return messages.length === 0 ? null : messages.join(" ");
}

/** The fields of an object, the advanced ones folded under "More settings". */
export function ObjectFields({ object, path, value }: { object: ObjectModel; path: ConfigPath; value: unknown }) {
  const record = asRecord(value);
  const visible = object.fields.filter((field) => isVisible(field, record, object.fields));
  const main = visible.filter((field) => !field.advanced);
  const advanced = visible.filter((field) => field.advanced);
  return (
    <div className="space-y-4">
      {main.map((field) => (
        <ConfigField key={field.key} field={field} path={[...path, field.key]} value={record?.[field.key]} />
      ))}
      {advanced.length > 0 ? (
        <details className="group rounded-control border border-line">
          <summary className="flex cursor-pointer list-none items-center justify-between px-3 py-2 text-sm font-medium text-slate-700 hover:text-slate-900">
            More settings
            <ChevronDownIcon aria-hidden className="size-4 text-slate-400 transition-transform group-open:rotate-180" />
          </summary>
          <div className="space-y-4 border-t border-line px-3 py-3">
            {advanced.map((field) => (
              <ConfigField key={field.key} field={field} path={[...path, field.key]} value={record?.[field.key]} />
            ))}
          </div>
        </details>
      ) : null}
    </div>
  );
}

/** One field of the config, at `path`, showing `value` (the stored one; defaults are filled in here). */
export function ConfigField({ field, path, value }: { field: FieldModel; path: ConfigPath; value: unknown }) {
  const form = useNodeForm();
  const { control } = field;
  const id = controlId(form.nodeId, path);
  const set = (next: unknown) => form.setValue(path, next);
  const type = (next: unknown) => form.setValue(path, next, { typing: true });
  const shown = valueOrDefault(field, value);
  const optional = !field.required && field.defaultValue === undefined;
  const aside = optional ? "Optional" : undefined;
  const nested = ["text", "number", "select", "toggle", "keyValue", "tags", "field", "expression", "connection", "json"].includes(control.type);
  const errors = useFieldErrors(path, field.title, nested);
  const error = errors.length > 0 ? <ErrorList messages={errors} /> : undefined;
  const wrap = (content: ReactNode) => (
    <div data-config-path={pathKey(path)} className="scroll-mt-4">
      {content}
    </div>
  );

  switch (control.type) {
    case "text": {
      const text = typeof shown === "string" ? shown : shown === undefined ? "" : String(shown);
      const onText = (next: string) => type(next === "" && !field.required ? undefined : next);
      return wrap(
        <Field id={id} label={field.title} hint={field.description} error={error} aside={aside}>
          {control.multiline ? (
            <Textarea value={text} onChange={(e) => onText(e.target.value)} placeholder={field.placeholder} disabled={form.readOnly} spellCheck={false} className="font-mono" />
          ) : (
            <Input
              type={control.secret ? "password" : "text"}
              autoComplete={control.secret ? "new-password" : "off"}
              value={text}
              onChange={(e) => onText(e.target.value)}
              placeholder={field.placeholder}
              disabled={form.readOnly}
              spellCheck={false}
            />
          )}
        </Field>,
      );
    }
    case "field":
      return wrap(
        <Field id={id} label={field.title} hint={field.description} error={error} aside={aside}>
          <FieldNameInput value={typeof shown === "string" ? shown : ""} onChange={(next) => type(next === "" && !field.required ? undefined : next)} placeholder={field.placeholder} />
        </Field>,
      );
    case "number":
      return wrap(
        <Field id={id} label={field.title} hint={field.description} error={error} aside={aside}>
          <NumberInput
            value={typeof shown === "number" ? shown : undefined}
            onChange={type}
            integer={control.integer}
            min={control.min}
            max={control.max}
            placeholder={field.placeholder}
            disabled={form.readOnly}
          />
        </Field>,
      );
    case "select":
      return wrap(
        <Field id={id} label={field.title} hint={field.description} error={error} aside={aside}>
          <Select value={shown === undefined ? "" : String(shown)} onChange={(e) => set(e.target.value === "" ? undefined : e.target.value)} disabled={form.readOnly}>
            {shown === undefined || optional ? <option value="">{optional ? "—" : "Choose…"}</option> : null}
            {control.options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </Field>,
      );
    case "toggle":
      return wrap(
        <ToggleRow id={id} label={field.title} hint={field.description} error={error} checked={shown === true} onChange={set} disabled={form.readOnly} />,
      );
    case "keyValue":
      return wrap(
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">{field.title}</legend>
          {field.description ? <p className="-mt-1 text-sm text-slate-500">{field.description}</p> : null}
          <KeyValueEditor label={field.title} itemName={singular(field.title)} record={stringRecord(shown)} onChange={type} disabled={form.readOnly} />
          {error ? <div className="text-sm text-red-700">{error}</div> : null}
        </fieldset>,
      );
    case "tags": {
      const values = Array.isArray(shown) ? shown.map(String) : [];
      return wrap(
        <Field id={id} label={field.title} hint={field.description} error={error} aside={aside}>
          <TagList
            label={field.title}
            values={values}
            onChange={(next) => set(next.length === 0 && optional ? undefined : next)}
            suggestions={control.fields ? form.sampleFields : []}
            placeholder={field.placeholder ?? (control.fields ? "Type a field name and press Enter" : "Type and press Enter")}
            disabled={form.readOnly}
          />
        </Field>,
      );
    }
    case "expression":
      return wrap(
        <ExpressionField
          label={field.title}
          description={field.description}
          value={typeof shown === "string" ? shown : ""}
          onChange={type}
          problems={errors}
          sample={form.sample}
          fields={form.sampleFields}
          readOnly={form.readOnly}
          placeholder={field.placeholder}
        />,
      );
    case "connection":
      return wrap(
        <ConnectionPicker
          id={id}
          label={field.title}
          hint={field.description}
          error={error}
          required={field.required}
          value={typeof shown === "string" ? shown : undefined}
          onChange={set}
        />,
      );
    case "group":
      if (path.length === 0) return <ObjectFields object={control.object} path={path} value={shown} />;
      return wrap(
        <fieldset className="space-y-3 rounded-control border border-line px-3 pt-1 pb-3">
          <legend className="px-1 text-sm font-medium text-slate-800">{field.title}</legend>
          {field.description ? <p className="text-sm text-slate-500">{field.description}</p> : null}
          {error ? <div className="text-sm text-red-700">{error}</div> : null}
          <ObjectFields object={control.object} path={path} value={shown} />
        </fieldset>,
      );
    case "list":
      return wrap(<ObjectList field={field} item={control.item} itemTitle={control.itemTitle} path={path} value={shown} error={error} />);
    case "variant": {
      const record = asRecord(shown);
      const current = record?.[control.discriminator];
      const branch = control.branches.find((b) => b.value === current);
      return wrap(
        <div className="space-y-3">
          <div className="space-y-1.5">
            <p id={`${id}-label`} className="text-sm font-medium text-slate-800">
              {field.title}
            </p>
            <SegmentedControl
              label={field.title}
              options={control.branches.map((b) => ({ value: b.value, label: b.title }))}
              value={typeof current === "string" ? current : undefined}
              disabled={form.readOnly}
              onChange={(next) => {
                const chosen = control.branches.find((b) => b.value === next);
                if (!chosen || next === current) return;
                set({ [control.discriminator]: chosen.value, ...initialObject({ fields: chosen.fields }) });
              }}
            />
            {field.description ? <p className="text-sm text-slate-500">{field.description}</p> : null}
            {error ? <div className="text-sm text-red-700">{error}</div> : null}
          </div>
          {branch ? <ObjectFields object={{ fields: branch.fields }} path={path} value={record} /> : null}
        </div>,
      );
    }
    case "choice": {
      const index = choiceIndexOf(control.branches, shown);
      const branch = control.branches[index]!;
      return wrap(
        <div className="space-y-2">
          <p className="text-sm font-medium text-slate-800">{field.title}</p>
          <SegmentedControl
            label={field.title}
            options={control.branches.map((b, i) => ({ value: String(i), label: b.title }))}
            value={String(index)}
            disabled={form.readOnly}
            onChange={(next) => {
              const chosen = control.branches[Number(next)];
              if (chosen && Number(next) !== index) set(structuredClone(chosen.initial));
            }}
          />
          {field.description ? <p className="text-sm text-slate-500">{field.description}</p> : null}
          {error ? <div className="text-sm text-red-700">{error}</div> : null}
          {branch.field?.control.type === "group" ? (
            <ObjectFields object={branch.field.control.object} path={path} value={shown} />
          ) : branch.field ? (
            <ConfigField field={branch.field} path={path} value={shown} />
          ) : null}
        </div>,
      );
    }
    case "custom":
      if (control.widget === "mapping") return wrap(<MappingEditor path={path} value={shown} error={error} item={control.item} />);
      if (control.widget === "condition") return wrap(<ConditionBuilder path={path} value={shown} title={field.title} />);
      return wrap(<ScheduleEditor path={path} value={shown} />);
    case "json":
      return wrap(<JsonField id={id} field={field} value={shown} onChange={type} error={error} />);
  }
}

/** A list of objects (routes, column mappings): one card per item, with add, remove and reorder. */
function ObjectList({
  field,
  item,
  itemTitle,
  path,
  value,
  error,
}: {
  field: FieldModel;
  item: ObjectModel;
  itemTitle: string;
  path: ConfigPath;
  value: unknown;
  error: ReactNode;
}) {
  const form = useNodeForm();
  const items = Array.isArray(value) ? value : [];
  const set = (next: unknown[]) => form.setValue(path, next);
  const name = itemTitle.toLowerCase();
  const move = (from: number, to: number) => {
    const next = [...items];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved);
    set(next);
  };
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">{field.title}</legend>
      {field.description ? <p className="text-sm text-slate-500">{field.description}</p> : null}
      {items.length === 0 ? <p className="text-sm text-slate-500">No {singular(field.title)}s yet.</p> : null}
      {items.map((entry, index) => (
        <div key={index} role="group" aria-label={`${itemTitle} ${index + 1}`} className="space-y-3 rounded-control border border-line bg-slate-50/60 p-3">
          <div className="flex items-center justify-between gap-2">
            <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
              {itemTitle} {index + 1}
            </p>
            {form.readOnly ? null : (
              <div className="flex items-center gap-0.5">
                <Button variant="ghost" size="icon" aria-label={`Move ${name} ${index + 1} up`} disabled={index === 0} onClick={() => move(index, index - 1)}>
                  <ChevronDownIcon className="size-4 rotate-180" />
                </Button>
                <Button variant="ghost" size="icon" aria-label={`Move ${name} ${index + 1} down`} disabled={index === items.length - 1} onClick={() => move(index, index + 1)}>
                  <ChevronDownIcon className="size-4" />
                </Button>
                <Button variant="ghost" size="icon" aria-label={`Remove ${name} ${index + 1}`} onClick={() => set(items.filter((_, i) => i !== index))}>
                  <TrashIcon className="size-4" />
                </Button>
              </div>
            )}
          </div>
          <ObjectFields object={item} path={[...path, index]} value={entry} />
        </div>
      ))}
      {error ? <div className="text-sm text-red-700">{error}</div> : null}
      {form.readOnly ? null : (
        <Button size="sm" variant="secondary" icon={<PlusIcon className="size-4" />} onClick={() => set([...items, initialObject(item)])}>
          Add {name}
        </Button>
      )}
    </fieldset>
  );
}

/** The last resort for a value no control fits: its JSON, checked as it is typed. */
function JsonField({
  id,
  field,
  value,
  onChange,
  error,
}: {
  id: string;
  field: FieldModel;
  value: unknown;
  onChange(value: unknown): void;
  error: ReactNode;
}) {
  const form = useNodeForm();
  const format = (v: unknown) => (v === undefined ? "" : JSON.stringify(v, null, 2));
  const [text, setText] = useState(() => format(value));
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => {
    setText((current) => {
      try {
        if (current.trim() !== "" && JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {
        // The text being typed is not JSON yet: an outside change replaces it.
      }
      return format(value);
    });
  }, [value]);
  return (
    <Field id={id} label={field.title} hint={field.description ?? "As JSON."} error={parseError ?? error} aside={!field.required ? "Optional" : undefined}>
      <Textarea
        value={text}
        disabled={form.readOnly}
        spellCheck={false}
        className={cn("font-mono text-xs")}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (next.trim() === "") {
            setParseError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(next));
            setParseError(null);
          } catch (err) {
            setParseError(`This is not valid JSON yet: ${err instanceof Error ? err.message : String(err)}`);
          }
        }}
      />
    </Field>
  );
}
