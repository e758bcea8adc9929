"use client";

import { Button, cn, Input, Switch, useFieldControl } from "@flowgate/ui";
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { PlusIcon, TrashIcon } from "@/components/icons";

/*
 * The inspector's own small controls, built on @flowgate/ui: a segmented choice, a number box that
 * tolerates half-typed numbers, a chip list, and a key-value list.
 */

export interface SegmentOption {
  value: string;
  label: string;
}

/** A row of radio buttons that looks like a segmented switch; arrow keys move the choice. */
export function SegmentedControl({
  label,
  options,
  value,
  onChange,
  disabled,
  className,
}: {
  label: string;
  options: readonly SegmentOption[];
  value: string | undefined;
  onChange(value: string): void;
  disabled?: boolean;
  className?: string;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const current = Math.max(
    options.findIndex((option) => option.value === value),
    0,
  );
  const move = (event: KeyboardEvent, index: number) => {
    const step = event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : event.key === "ArrowLeft" || event.key === "ArrowUp" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = (index + step + options.length) % options.length;
    onChange(options[next]!.value);
    refs.current[next]?.focus();
  };
  return (
    <div role="radiogroup" aria-label={label} className={cn("inline-flex flex-wrap gap-0.5 rounded-control bg-slate-100 p-0.5", className)}>
      {options.map((option, index) => {
        const checked = option.value === value;
        return (
          <button
            key={option.value}
            ref={(el) => {
              refs.current[index] = el;
            }}
            type="button"
            role="radio"
            aria-checked={checked}
            tabIndex={index === current ? 0 : -1}
            disabled={disabled}
            onClick={() => onChange(option.value)}
            onKeyDown={(event) => move(event, index)}
            className={cn(
              "rounded-[0.375rem] px-2.5 py-1 text-sm font-medium transition-colors disabled:cursor-not-allowed",
              checked ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900",
            )}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}

/**
 * A number typed as text: "1." or "-" on the way to a number stay in the box without being stored;
 * the stored number changes only when the text reads as one. Empty stores `undefined`.
 */
export function NumberInput({
  value,
  onChange,
  integer,
  min,
  max,
  disabled,
  placeholder,
  ...rest
}: {
  value: number | undefined;
  onChange(value: number | undefined): void;
  integer: boolean;
  min?: number;
  max?: number;
  disabled?: boolean;
  placeholder?: string;
  id?: string;
  "aria-label"?: string;
}) {
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => {
    // An outside change (undo, another field) shows; the text being typed that means the same number stays.
    setText((current) => (parseNumber(current) === value ? current : value === undefined ? "" : String(value)));
  }, [value]);
  return (
    <Input
      {...rest}
      type="text"
      inputMode={integer ? "numeric" : "decimal"}
      value={text}
      disabled={disabled}
      placeholder={placeholder}
      aria-valuemin={min}
      aria-valuemax={max}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        const parsed = parseNumber(next);
        if (next.trim() === "") onChange(undefined);
        else if (parsed !== undefined) onChange(parsed);
      }}
      onBlur={() => setText(value === undefined ? "" : String(value))}
    />
  );
}

function parseNumber(text: string): number | undefined {
  const trimmed = text.trim().replace(",", ".");
  if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : undefined;
}

/**
 * A list of short texts as chips: type and press Enter (or a comma) to add, Backspace in the empty
 * box removes the last. `suggestions` (fields of the sample) are offered as one-click additions.
 */
export function TagList({
  label,
  values,
  onChange,
  suggestions = [],
  placeholder,
  disabled,
}: {
  label: string;
  values: readonly string[];
  onChange(values: string[]): void;
  suggestions?: readonly string[];
  placeholder?: string;
  disabled?: boolean;
}) {
  const control = useFieldControl({});
  const listId = useId();
  const [text, setText] = useState("");
  const add = (raw: string) => {
    const items = raw
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== "" && !values.includes(item));
    if (items.length > 0) onChange([...values, ...new Set(items)]);
    setText("");
  };
  const offered = suggestions.filter((suggestion) => !values.includes(suggestion)).slice(0, 12);
  return (
    <div className="space-y-1.5">
      <div
        className={cn(
          "flex min-h-9 flex-wrap items-center gap-1.5 rounded-control border border-slate-300 bg-white px-2 py-1 shadow-xs",
          "focus-within:border-accent-500 focus-within:ring-3 focus-within:ring-accent-500/20",
          control["aria-invalid"] && "border-red-400",
          disabled && "bg-slate-50",
        )}
      >
        {values.map((value, index) => (
          <span key={`${value}-${index}`} className="inline-flex items-center gap-1 rounded-md bg-accent-50 py-0.5 pr-0.5 pl-2 text-sm text-accent-800 ring-1 ring-accent-200 ring-inset">
            {value}
            {disabled ? null : (
              <button
                type="button"
                aria-label={`Remove ${value} from ${label}`}
                onClick={() => onChange(values.filter((_, i) => i !== index))}
                className="rounded px-1 text-accent-600 hover:bg-accent-100 hover:text-accent-900"
              >
                ×
              </button>
            )}
          </span>
        ))}
        {disabled ? null : (
          <input
            id={control.id}
            aria-describedby={control["aria-describedby"]}
            aria-invalid={control["aria-invalid"]}
            list={suggestions.length > 0 ? listId : undefined}
            value={text}
            placeholder={values.length === 0 ? placeholder : undefined}
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => {
              const next = event.target.value;
              if (next.endsWith(",")) add(next);
              else setText(next);
            }}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault();
                add(text);
              } else if (event.key === "Backspace" && text === "" && values.length > 0) {
                onChange(values.slice(0, -1));
              }
            }}
            onBlur={() => add(text)}
            className="h-7 min-w-24 flex-1 border-0 bg-transparent p-0 text-sm text-slate-900 placeholder:text-slate-400 focus:ring-0 focus:outline-none"
          />
        )}
      </div>
      {suggestions.length > 0 ? (
        <datalist id={listId}>
          {suggestions.map((suggestion) => (
            <option key={suggestion} value={suggestion} />
          ))}
        </datalist>
      ) : null}
      {offered.length > 0 && !disabled ? (
        <div className="flex flex-wrap items-center gap-1">
          <span className="text-xs text-slate-500">From the sample:</span>
          {offered.map((suggestion) => (
            <button
              key={suggestion}
              type="button"
              aria-label={`Add ${suggestion} to ${label}`}
              onClick={() => onChange([...values, suggestion])}
              className="rounded-md px-1.5 py-0.5 font-mono text-xs text-slate-600 ring-1 ring-slate-200 ring-inset hover:bg-slate-50 hover:text-slate-900"
            >
              + {suggestion}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

interface Row {
  key: string;
  value: string;
}

function rowsOf(record: Readonly<Record<string, string>>): Row[] {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

function recordOf(rows: readonly Row[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const row of rows) if (row.key.trim() !== "") record[row.key.trim()] = row.value;
  return record;
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

const SECRET_HEADER = /authorization|api[-_]?key|token|secret|password|cookie/i;

/**
 * Names and values (headers, query parameters). Rows are kept here while a name is empty or typed
 * twice, and the record stored is what the rows say: the last of two equal names wins, unnamed rows
 * are left out. Values of secret-looking names are masked.
 */
export function KeyValueEditor({
  label,
  record,
  onChange,
  disabled,
  itemName,
}: {
  label: string;
  record: Readonly<Record<string, string>>;
  onChange(record: Record<string, string>): void;
  disabled?: boolean;
  /** What one row is, for the buttons: "header", "query parameter". */
  itemName: string;
}) {
  const [rows, setRows] = useState<Row[]>(() => rowsOf(record));
  useEffect(() => {
    setRows((current) => (sameRecord(recordOf(current), record) ? current : rowsOf(record)));
  }, [record]);
  const update = (next: Row[]) => {
    setRows(next);
    const nextRecord = recordOf(next);
    if (!sameRecord(nextRecord, record)) onChange(nextRecord);
  };
  return (
    <div className="space-y-2">
      {rows.map((row, index) => (
        <div key={index} className="flex items-center gap-2">
          <Input
            aria-label={`${label} ${index + 1} name`}
            value={row.key}
            disabled={disabled}
            onChange={(event) => update(rows.map((r, i) => (i === index ? { ...r, key: event.target.value } : r)))}
            placeholder="Name"
            className="flex-1 font-mono"
            spellCheck={false}
          />
          <Input
            aria-label={`${label} ${index + 1} value`}
            type={SECRET_HEADER.test(row.key) ? "password" : "text"}
            autoComplete="off"
            value={row.value}
            disabled={disabled}
            onChange={(event) => update(rows.map((r, i) => (i === index ? { ...r, value: event.target.value } : r)))}
            placeholder="Value"
            className="flex-[1.5] font-mono"
            spellCheck={false}
          />
          {disabled ? null : (
            <Button variant="ghost" size="icon" aria-label={`Remove ${itemName} ${index + 1}`} onClick={() => update(rows.filter((_, i) => i !== index))}>
              <TrashIcon className="size-4" />
            </Button>
          )}
        </div>
      ))}
      {disabled ? null : (
        <Button size="sm" variant="ghost" icon={<PlusIcon className="size-4" />} onClick={() => setRows([...rows, { key: "", value: "" }])}>
          Add {itemName}
        </Button>
      )}
    </div>
  );
}

/** A label and its help on the left, the switch on the right: how a yes/no setting reads best. */
export function ToggleRow({
  id,
  label,
  hint,
  error,
  checked,
  onChange,
  disabled,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  checked: boolean;
  onChange(checked: boolean): void;
  disabled?: boolean;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className="space-y-1">
      <div className="flex items-start justify-between gap-4">
        <div className="min-w-0">
          <label htmlFor={id} className="block text-sm font-medium text-slate-800">
            {label}
          </label>
          {hint ? (
            <p id={hintId} className="mt-0.5 text-sm text-slate-500">
              {hint}
            </p>
          ) : null}
        </div>
        <Switch
          id={id}
          size="sm"
          className="mt-0.5"
          checked={checked}
          onCheckedChange={onChange}
          disabled={disabled}
          aria-describedby={error ? errorId : hint ? hintId : undefined}
          aria-invalid={error ? true : undefined}
        />
      </div>
      {error ? (
        <p id={errorId} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

let timezones: readonly string[] | undefined;

/** Every time zone the browser knows, for the time zone pickers. */
export function timezoneNames(): readonly string[] {
  if (!timezones) {
    try {
      timezones = Intl.supportedValuesOf("timeZone");
    } catch {
      timezones = ["UTC"];
    }
    if (!timezones.includes("UTC")) timezones = ["UTC", ...timezones];
  }
  return timezones;
}

/** A time zone name, typed with suggestions (there are some 400: a select would be a long scroll). */
export function TimezoneInput({
  value,
  onChange,
  placeholder,
  disabled,
}: {
  value: string;
  onChange(value: string): void;
  placeholder?: string;
  disabled?: boolean;
}) {
  const listId = useId();
  return (
    <>
      <Input list={listId} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder ?? "e.g. Europe/Warsaw"} disabled={disabled} spellCheck={false} autoComplete="off" />
      <datalist id={listId}>
        {timezoneNames().map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  );
}
