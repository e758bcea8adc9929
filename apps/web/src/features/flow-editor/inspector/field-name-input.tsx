"use client";

import { Input } from "@flowgate/ui";
import { useId } from "react";
import { useNodeForm } from "./node-form-context";

/** A record field's name: typed, or picked from the sample's fields. */
export function FieldNameInput({
  value,
  onChange,
  placeholder,
  ...rest
}: {
  value: string;
  onChange(value: string): void;
  placeholder?: string;
  "aria-label"?: string;
  id?: string;
  className?: string;
}) {
  const form = useNodeForm();
  const listId = useId();
  return (
    <>
      <Input
        {...rest}
        list={form.sampleFields.length > 0 ? listId : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder ?? (form.sampleFields[0] ? `e.g. ${form.sampleFields[0]}` : undefined)}
        disabled={form.readOnly}
        spellCheck={false}
        autoComplete="off"
      />
      {form.sampleFields.length > 0 ? (
        <datalist id={listId}>
          {form.sampleFields.map((path) => (
            <option key={path} value={path} />
          ))}
        </datalist>
      ) : null}
    </>
  );
}
