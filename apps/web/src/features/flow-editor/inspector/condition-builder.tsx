"use client";

import { jsonataExpressions } from "@flowgate/engine";
import { compileCondition } from "@flowgate/nodes/condition";
import { ConditionSchema } from "@flowgate/nodes/kinds/filter-condition";
import { Button, cn, Input, Select } from "@flowgate/ui";
import { useEffect, useState } from "react";
import { PlusIcon, TrashIcon } from "@/components/icons";
import {
  formatRuleValue,
  needsValue,
  newRule,
  newRulesCondition,
  OPERATOR_OPTIONS,
  parseRuleValue,
  withOperator,
  type GroupDraft,
  type RuleDraft,
  type Scalar,
} from "./condition-model";
import { fieldProblemText, type ConfigPath } from "./config-values";
import { SegmentedControl, TagList } from "./controls";
import { ExpressionField } from "./expression-editor";
import { FieldNameInput } from "./field-name-input";
import { pathKey, problemsAt, useNodeForm } from "./node-form-context";

/*
 * A condition as rules a person assembles (field, operator, value; all or any; groups one level
 * deep), or as a JSONata expression. Shared by filter.condition (the whole config) and each route of
 * filter.route. Below it: how many of the sample records pass, tested with the predicate the node runs.
 */

type Condition = Record<string, unknown>;

const MATCH_OPTIONS = [
  { value: "all", label: "all rules (AND)" },
  { value: "any", label: "any rule (OR)" },
];

function asCondition(value: unknown): Condition {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Condition) : {};
}

export function ConditionBuilder({ path, value, title }: { path: ConfigPath; value: unknown; title: string }) {
  const form = useNodeForm();
  const condition = asCondition(value);
  const mode = condition.mode === "expression" ? "expression" : condition.mode === "rules" ? "rules" : undefined;
  const set = (next: unknown) => form.setValue(path, next);
  const errorsAt = (sub: ConfigPath, label: string, nested = true) =>
    problemsAt(form.problems, [...path, ...sub], nested).map((problem) => fieldProblemText(problem.message, label));
  // Before a choice the validator's "invalid discriminator" says nothing useful; the hint below asks for one.
  const modeErrors = mode ? errorsAt(["mode"], "The condition type") : [];

  return (
    <section aria-label={title} className="space-y-3">
      <div className="space-y-1.5">
        <p className="text-sm font-medium text-slate-800">{title}</p>
        <SegmentedControl
          label={`${title}: build with`}
          options={[
            { value: "rules", label: "Rules" },
            { value: "expression", label: "Expression" },
          ]}
          value={mode}
          disabled={form.readOnly}
          onChange={(next) => {
            if (next === mode) return;
            set(next === "rules" ? newRulesCondition() : { mode: "expression", expression: "" });
          }}
        />
        {modeErrors.map((message, i) => (
          <p key={i} className="text-sm text-red-700">
            {message}
          </p>
        ))}
      </div>
      {mode === "rules" ? <RulesEditor path={path} condition={condition} /> : null}
      {mode === "expression" ? (
        <div data-config-path={pathKey([...path, "expression"])}>
          <ExpressionField
            label="Expression"
            description="A JSONata condition: the record passes when it is true, e.g. stock > 0 and price < 100"
            value={typeof condition.expression === "string" ? condition.expression : ""}
            onChange={(expression) => form.setValue([...path, "expression"], expression, { typing: true })}
            problems={errorsAt(["expression"], "Expression")}
            sample={form.sample}
            fields={form.sampleFields}
            readOnly={form.readOnly}
            placeholder="stock > 0"
            quietWithoutSample
          />
        </div>
      ) : null}
      {mode === undefined ? <p className="text-sm text-slate-500">Choose how to write the condition: rules picked from lists, or an expression.</p> : null}
      {mode ? <PassCount condition={condition} /> : null}
    </section>
  );
}

function RulesEditor({ path, condition }: { path: ConfigPath; condition: Condition }) {
  const form = useNodeForm();
  const rules = Array.isArray(condition.rules) ? (condition.rules as RuleDraft[]) : [];
  const groups = Array.isArray(condition.groups) ? (condition.groups as GroupDraft[]) : [];
  const match = condition.match === "any" ? "any" : "all";
  const rulesErrors = problemsAt(form.problems, [...path, "rules"], false).map((p) => fieldProblemText(p.message, "The rules"));
  const rootErrors = problemsAt(form.problems, path, false).map((p) => fieldProblemText(p.message, "The condition"));

  return (
    <div className="space-y-3">
      <MatchSelect
        label="Records pass when they meet"
        value={match}
        onChange={(next) => form.setValue([...path, "match"], next)}
        disabled={form.readOnly}
      />
      <RuleList
        path={[...path, "rules"]}
        rules={rules}
        onChange={(next) => form.setValue([...path, "rules"], next)}
        labelPrefix="Rule"
      />
      {[...rulesErrors, ...rootErrors].map((message, i) => (
        <p key={i} className="text-sm text-red-700">
          {message}
        </p>
      ))}
      {groups.map((group, index) => {
        const groupPath = [...path, "groups", index];
        const groupRules = Array.isArray(group.rules) ? group.rules : [];
        const groupErrors = problemsAt(form.problems, [...groupPath, "rules"], false).map((p) => fieldProblemText(p.message, `Group ${index + 1}`));
        return (
          <div
            key={index}
            role="group"
            aria-label={`Group ${index + 1}`}
            data-config-path={pathKey(groupPath)}
            className="space-y-2 rounded-control border border-line bg-slate-50/60 p-2.5"
          >
            <div className="flex items-end justify-between gap-2">
              <MatchSelect
                label={`Group ${index + 1}: one that meets`}
                value={group.match === "any" ? "any" : "all"}
                onChange={(next) => form.setValue([...groupPath, "match"], next)}
                disabled={form.readOnly}
              />
              {form.readOnly ? null : (
                <Button
                  variant="ghost"
                  size="icon"
                  aria-label={`Remove group ${index + 1}`}
                  onClick={() => form.setValue([...path, "groups"], groups.filter((_, i) => i !== index))}
                >
                  <TrashIcon className="size-4" />
                </Button>
              )}
            </div>
            <RuleList
              path={[...groupPath, "rules"]}
              rules={groupRules}
              onChange={(next) => form.setValue([...groupPath, "rules"], next)}
              labelPrefix={`Group ${index + 1} rule`}
            />
            {groupErrors.map((message, i) => (
              <p key={i} className="text-sm text-red-700">
                {message}
              </p>
            ))}
          </div>
        );
      })}
      {form.readOnly ? null : (
        <div className="flex flex-wrap gap-2">
          <Button size="sm" variant="secondary" icon={<PlusIcon className="size-4" />} onClick={() => form.setValue([...path, "rules"], [...rules, newRule(form.sampleFields[0] ?? "")])}>
            Add rule
          </Button>
          <Button
            size="sm"
            variant="ghost"
            icon={<PlusIcon className="size-4" />}
            onClick={() => form.setValue([...path, "groups"], [...groups, { match: "any", rules: [newRule(form.sampleFields[0] ?? "")] }])}
          >
            Add group
          </Button>
        </div>
      )}
    </div>
  );
}

function MatchSelect({ label, value, onChange, disabled }: { label: string; value: string; onChange(value: string): void; disabled: boolean }) {
  return (
    <label className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
      {label}
      <Select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} className="w-40" options={MATCH_OPTIONS} />
    </label>
  );
}

function RuleList({
  path,
  rules,
  onChange,
  labelPrefix,
}: {
  path: ConfigPath;
  rules: readonly RuleDraft[];
  onChange(rules: RuleDraft[]): void;
  labelPrefix: string;
}) {
  const form = useNodeForm();
  if (rules.length === 0) return <p className="text-sm text-slate-500">No rules yet.</p>;
  return (
    <ol className="space-y-2">
      {rules.map((rule, index) => {
        const rulePath = [...path, index];
        const errors = problemsAt(form.problems, rulePath, true).map((p) => fieldProblemText(p.message, `${labelPrefix} ${index + 1}`));
        const update = (next: RuleDraft) => onChange(rules.map((r, i) => (i === index ? next : r)));
        const type = (key: "field" | "value", value: unknown) => form.setValue([...rulePath, key], value, { typing: true });
        const errorId = `${pathKey(rulePath).replace(/\//g, "-")}-errors`;
        return (
          <li
            key={index}
            role="group"
            aria-label={`${labelPrefix} ${index + 1}`}
            data-config-path={pathKey(rulePath)}
            className={cn("space-y-1.5 rounded-control border bg-white p-2", errors.length > 0 ? "border-red-300" : "border-line")}
          >
            <div className="flex items-center gap-1.5">
              <FieldNameInput
                aria-label="Field"
                value={typeof rule.field === "string" ? rule.field : ""}
                onChange={(field) => type("field", field)}
                className="min-w-0 flex-1 font-mono"
              />
              <Select
                aria-label="Operator"
                value={rule.operator ?? "equals"}
                onChange={(e) => update(withOperator(rule, e.target.value))}
                disabled={form.readOnly}
                className="w-40 shrink-0"
                options={OPERATOR_OPTIONS}
              />
              {form.readOnly ? null : (
                <Button variant="ghost" size="icon" aria-label={`Remove ${labelPrefix.toLowerCase()} ${index + 1}`} onClick={() => onChange(rules.filter((_, i) => i !== index))}>
                  <TrashIcon className="size-4" />
                </Button>
              )}
            </div>
            {rule.operator === "in_list" ? (
              <TagList
                label="Values"
                values={(Array.isArray(rule.value) ? rule.value : []).map(formatRuleValue)}
                onChange={(values) => update({ ...rule, value: values.map(parseRuleValue) })}
                placeholder="Type a value and press Enter"
                disabled={form.readOnly}
              />
            ) : needsValue(rule.operator) ? (
              <div data-config-path={pathKey([...rulePath, "value"])}>
                <RuleValueInput value={Array.isArray(rule.value) ? rule.value[0] : rule.value} onChange={(value) => type("value", value)} errorId={errors.length > 0 ? errorId : undefined} />
              </div>
            ) : null}
            {errors.length > 0 ? (
              <div id={errorId} className="space-y-0.5 text-sm text-red-700">
                {errors.map((message, i) => (
                  <p key={i}>{message}</p>
                ))}
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

/** The value box keeps what is typed ("1.50") while the stored value is what it means (1.5). */
function RuleValueInput({ value, onChange, errorId }: { value: Scalar | undefined; onChange(value: Scalar): void; errorId?: string }) {
  const form = useNodeForm();
  const [text, setText] = useState(formatRuleValue(value));
  useEffect(() => {
    setText((current) => (parseRuleValue(current) === value ? current : formatRuleValue(value)));
  }, [value]);
  return (
    <Input
      aria-label="Value"
      aria-describedby={errorId}
      aria-invalid={errorId ? true : undefined}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseRuleValue(e.target.value));
      }}
      placeholder="Value, e.g. 0"
      disabled={form.readOnly}
      spellCheck={false}
    />
  );
}

/** "3 of 5 sample records pass", tested as the node will test them; nothing to say before a dry run. */
function PassCount({ condition }: { condition: Condition }) {
  const { sample } = useNodeForm();
  const [result, setResult] = useState<{ passed: number; failed: string | null } | "incomplete" | null>(null);
  useEffect(() => {
    if (sample.length === 0) return;
    const parsed = ConditionSchema.safeParse(condition);
    if (!parsed.success) {
      setResult("incomplete");
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      void (async () => {
        let passed = 0;
        let failed: string | null = null;
        try {
          const compiled = compileCondition(parsed.data, jsonataExpressions);
          for (const record of sample) {
            try {
              if (await compiled.test(record)) passed++;
            } catch (error) {
              failed ??= error instanceof Error ? error.message : String(error);
            }
          }
        } catch (error) {
          failed = error instanceof Error ? error.message : String(error);
        }
        if (!cancelled) setResult({ passed, failed });
      })();
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [condition, sample]);

  if (sample.length === 0) {
    return <p className="text-xs text-slate-500">Run a dry run to see how many sample records pass.</p>;
  }
  if (result === null) return null;
  if (result === "incomplete") {
    return (
      <p role="status" className="text-xs text-slate-500">
        Finish the condition to see how many of the {sample.length} sample records pass.
      </p>
    );
  }
  return (
    <div role="status" className="rounded-md bg-slate-50 px-2.5 py-1.5 text-sm">
      <span className="font-medium text-slate-900">
        {result.passed} of {sample.length}
      </span>{" "}
      <span className="text-slate-600">sample {sample.length === 1 ? "record passes" : "records pass"}</span>
      {result.failed ? <p className="mt-0.5 text-xs text-red-700">Some records could not be tested: {result.failed}</p> : null}
    </div>
  );
}
