"use client";

import { autocompletion, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { syntaxHighlighting } from "@codemirror/language";
import { Annotation, Compartment, EditorState, StateEffect, StateField, type Extension } from "@codemirror/state";
import { Decoration, EditorView, keymap, placeholder as placeholderText, type DecorationSet } from "@codemirror/view";
import { checkExpression } from "@flowgate/engine/expressions";
import { cn } from "@flowgate/ui";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { errorRange, jsonataCompletions, jsonataHighlight, jsonataLanguage } from "./jsonata-language";
import { formatPreviewValue, previewExpression, PREVIEW_RECORDS, type Preview } from "./expression-preview";

/*
 * A JSONata expression field: CodeMirror 6 with highlighting, completion of the sample's fields and
 * of $functions, the syntax error underlined where JSONata found it, and a live preview on the first
 * sample records. The text is the node's config: every change goes to `onChange` at once.
 */

/** Marks a transaction that mirrors an outside change (undo, another control): not echoed to onChange. */
const External = Annotation.define<boolean>();

const setError = StateEffect.define<{ from: number; to: number } | null>();
const errorMark = Decoration.mark({ class: "cm-expression-error" });

const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setError)) continue;
      const range = effect.value;
      next = range && range.to <= tr.state.doc.length ? Decoration.set([errorMark.range(range.from, range.to)]) : Decoration.none;
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const theme = EditorView.theme({
  "&": {
    fontSize: "13px",
    backgroundColor: "white",
    border: "1px solid #cbd5e1",
    borderRadius: "var(--radius-control, 0.5rem)",
  },
  "&.cm-focused": { outline: "none", borderColor: "var(--color-accent-500, #6366f1)", boxShadow: "0 0 0 3px color-mix(in oklch, var(--color-accent-500, #6366f1) 20%, transparent)" },
  ".cm-content": { fontFamily: "var(--font-mono, ui-monospace, monospace)", padding: "7px 0", caretColor: "#0f172a" },
  ".cm-line": { padding: "0 10px" },
  ".cm-scroller": { overflow: "auto" },
  ".cm-placeholder": { color: "#94a3b8" },
  ".cm-expression-error": { textDecoration: "underline wavy #dc2626", textUnderlineOffset: "3px" },
  ".cm-tooltip-autocomplete": { fontSize: "13px" },
});

const invalidTheme = EditorView.theme({ "&": { borderColor: "#f87171" } });

/** Single-line fields turn pasted line breaks into spaces. */
const singleLine = EditorState.transactionFilter.of((tr) => {
  if (!tr.docChanged || tr.newDoc.lines === 1) return tr;
  const text = tr.newDoc.toString();
  return [tr, { changes: { from: 0, to: text.length, insert: text.replace(/\s*\n\s*/g, " ") }, sequential: true }];
});

export interface ExpressionEditorProps {
  value: string;
  onChange(value: string): void;
  /** The id of the element naming the editor (its label); or give `ariaLabel`. */
  labelledBy?: string;
  ariaLabel?: string;
  describedBy?: string;
  invalid?: boolean;
  multiline?: boolean;
  placeholder?: string;
  readOnly?: boolean;
  /** Field paths offered by completion. */
  fields: readonly string[];
  className?: string;
  /** Lets a parent focus the editor (a click on its label, a problem clicked). */
  onView?(view: EditorView | null): void;
}

export function ExpressionEditor({
  value,
  onChange,
  labelledBy,
  ariaLabel,
  describedBy,
  invalid = false,
  multiline = false,
  placeholder,
  readOnly = false,
  fields,
  className,
  onView,
}: ExpressionEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  const fieldsRef = useRef(fields);
  onChangeRef.current = onChange;
  fieldsRef.current = fields;
  const attributes = useRef(new Compartment());
  const editable = useRef(new Compartment());

  const attributeExtension = (): Extension => [
    EditorView.contentAttributes.of({
      ...(labelledBy ? { "aria-labelledby": labelledBy } : {}),
      ...(ariaLabel ? { "aria-label": ariaLabel } : {}),
      ...(describedBy ? { "aria-describedby": describedBy } : {}),
      ...(invalid ? { "aria-invalid": "true" } : {}),
    }),
    invalid ? invalidTheme : [],
  ];
  const editableExtension = (): Extension => [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];

  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const created = new EditorView({
      parent,
      state: EditorState.create({
        doc: value,
        extensions: [
          jsonataLanguage,
          syntaxHighlighting(jsonataHighlight),
          history(),
          autocompletion({ override: [jsonataCompletions(() => fieldsRef.current)], icons: false }),
          keymap.of([...completionKeymap, ...historyKeymap, ...defaultKeymap]),
          multiline ? EditorView.lineWrapping : singleLine,
          placeholder ? placeholderText(placeholder) : [],
          errorField,
          theme,
          attributes.current.of(attributeExtension()),
          editable.current.of(editableExtension()),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged || update.transactions.some((tr) => tr.annotation(External))) return;
            onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = created;
    onView?.(created);
    return () => {
      onView?.(null);
      created.destroy();
      view.current = null;
    };
    // The editor is made once; later prop changes reach it through the effects below.
  }, []);

  useEffect(() => {
    const current = view.current;
    if (!current) return;
    const text = current.state.doc.toString();
    if (text === value) return;
    current.dispatch({ changes: { from: 0, to: text.length, insert: value }, annotations: External.of(true) });
  }, [value]);

  useEffect(() => {
    // attributeExtension reads exactly these props.
    view.current?.dispatch({ effects: attributes.current.reconfigure(attributeExtension()) });
  }, [labelledBy, ariaLabel, describedBy, invalid]);

  useEffect(() => {
    // editableExtension reads only readOnly.
    view.current?.dispatch({ effects: editable.current.reconfigure(editableExtension()) });
  }, [readOnly]);

  // The underline follows the text: JSONata's position of the syntax error, or none.
  const check = useMemo(() => (value.trim() === "" ? null : checkExpression(value)), [value]);
  useEffect(() => {
    const range = check && !check.ok ? errorRange(value, check.position) : null;
    view.current?.dispatch({ effects: setError.of(range) });
  }, [check, value]);

  return <div ref={host} className={cn("min-w-0", multiline && "[&_.cm-content]:min-h-16", className)} />;
}

/** The syntax error of an expression, in JSONata's words made plain; null when it parses (or is empty). */
export function useExpressionError(value: string): string | null {
  return useMemo(() => {
    if (value.trim() === "") return null;
    const check = checkExpression(value);
    return check.ok ? null : check.message;
  }, [value]);
}

/**
 * What the expression gives for the first sample records, recomputed shortly after typing stops.
 * Before any dry run there is no sample, and the preview says how to get one.
 */
export function ExpressionPreview({
  value,
  sample,
  id,
  quietWithoutSample = false,
}: {
  value: string;
  sample: readonly Record<string, unknown>[];
  id?: string;
  /** Say nothing before a dry run (where a list of expressions already says it once). */
  quietWithoutSample?: boolean;
}) {
  const [preview, setPreview] = useState<Preview | null>(null);
  useEffect(() => {
    if (sample.length === 0 || value.trim() === "") {
      setPreview(null);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      void previewExpression(value, sample).then((result) => {
        if (!cancelled) setPreview(result);
      });
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [value, sample]);

  if (sample.length === 0) {
    if (quietWithoutSample) return null;
    return (
      <p id={id} className="text-xs text-slate-500">
        Run a dry run to preview on real records.
      </p>
    );
  }
  if (!preview || preview.kind === "syntax-error") return null;
  const shown = Math.min(sample.length, PREVIEW_RECORDS);
  return (
    <div id={id} aria-live="polite" className="rounded-md bg-slate-50 px-2.5 py-1.5">
      <p className="text-xs text-slate-500">
        Preview on the first {shown === 1 ? "sample record" : `${shown} sample records`}
      </p>
      <ol className="mt-0.5 space-y-0.5">
        {preview.rows.map((row, index) => (
          <li key={index} className="flex gap-1.5 font-mono text-xs">
            <span aria-hidden className="text-slate-400">
              →
            </span>
            {row.ok ? (
              <span className="min-w-0 truncate text-slate-800" title={formatPreviewValue(row.value)}>
                {formatPreviewValue(row.value)}
              </span>
            ) : (
              <span className="min-w-0 text-red-700">{row.message}</span>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** An expression field with its label, help, error and preview: what every `expressionSchema` field gets. */
export function ExpressionField({
  label,
  description,
  value,
  onChange,
  problems,
  sample,
  fields,
  readOnly,
  multiline,
  placeholder,
  quietWithoutSample,
}: {
  label: string;
  description?: string;
  value: string;
  onChange(value: string): void;
  /** Messages from the flow's validation for this field. */
  problems: readonly string[];
  sample: readonly Record<string, unknown>[];
  fields: readonly string[];
  readOnly?: boolean;
  multiline?: boolean;
  placeholder?: string;
  /** Leave the "run a dry run" note to the surrounding editor (a condition says it once for all). */
  quietWithoutSample?: boolean;
}) {
  const id = useId();
  const labelId = `${id}-label`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const previewId = `${id}-preview`;
  const editorView = useRef<EditorView | null>(null);
  const syntaxError = useExpressionError(value);
  // The validator reports the same syntax error; shown once, as the editor finds it while typing.
  const errors = syntaxError ? [syntaxError] : problems;
  const describedBy = [errors.length > 0 ? errorId : description ? hintId : null, previewId].filter(Boolean).join(" ");
  return (
    <div className="space-y-1.5">
      <label id={labelId} className="block text-sm font-medium text-slate-800" onClick={() => editorView.current?.focus()}>
        {label}
      </label>
      <ExpressionEditor
        value={value}
        onChange={onChange}
        labelledBy={labelId}
        describedBy={describedBy}
        invalid={errors.length > 0}
        readOnly={readOnly}
        multiline={multiline}
        placeholder={placeholder}
        fields={fields}
        onView={(view) => {
          editorView.current = view;
        }}
      />
      {errors.length > 0 ? (
        <div id={errorId} className="space-y-0.5 text-sm text-red-700">
          {errors.map((message, i) => (
            <p key={i}>{message}</p>
          ))}
        </div>
      ) : description ? (
        <p id={hintId} className="text-sm text-slate-500">
          {description}
        </p>
      ) : null}
      <ExpressionPreview value={value} sample={sample} id={previewId} quietWithoutSample={quietWithoutSample} />
    </div>
  );
}
