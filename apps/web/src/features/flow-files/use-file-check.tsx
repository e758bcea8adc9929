"use client";

import { Alert, Spinner } from "@flowgate/ui";
import { useState } from "react";
import { errorMessage } from "@/lib/errors";
import { checkPickedFile, problemLocation, type FileProblem, type PickedFile } from "./flow-file-check";

/** Where an import dialog is: choosing a file, checking it, its problems, or ready to import. */
export type FileStep =
  | { kind: "pick" }
  | { kind: "checking"; fileName: string }
  | { kind: "problems"; fileName: string; problems: FileProblem[] }
  | { kind: "ready"; fileName: string; text: string; name: string; connections: number };

type Validate = (fileText: string) => Promise<{ ok: boolean; problems: FileProblem[] }>;

/**
 * A picked flow or template file, checked in the browser first (size, nesting, envelope) and then by
 * the server's validate (step kinds, refs): every problem is listed, nothing is imported meanwhile.
 * `take` answers the ready step, or null when the file has problems.
 */
export function useFileCheck(what: "flow" | "template", validate: Validate) {
  const [step, setStep] = useState<FileStep>({ kind: "pick" });
  async function take(picked: PickedFile & { name: string }): Promise<Extract<FileStep, { kind: "ready" }> | null> {
    const problems = (list: FileProblem[]) => {
      setStep({ kind: "problems", fileName: picked.name, problems: list });
      return null;
    };
    setStep({ kind: "checking", fileName: picked.name });
    const local = await checkPickedFile(picked, what);
    if (!local.ok) return problems(local.problems);
    try {
      const server = await validate(local.text);
      if (!server.ok) return problems(server.problems);
    } catch (error) {
      return problems([{ path: [], message: `Flowgate could not check the file: ${errorMessage(error)}` }]);
    }
    const ready = { kind: "ready", fileName: picked.name, text: local.text, name: local.name, connections: local.connections.length } as const;
    setStep(ready);
    return ready;
  }
  return { step, setStep, take };
}

/** The checking and problems steps, as both import dialogs show them. */
export function FileCheckStatus({ step }: { step: Extract<FileStep, { kind: "checking" | "problems" }> }) {
  if (step.kind === "checking") {
    return (
      <div role="status" className="flex items-center gap-3 rounded-card border border-line bg-slate-50 px-4 py-6 text-sm text-slate-700">
        <Spinner className="size-4" />
        Checking <span className="font-medium break-all">{step.fileName}</span>…
      </div>
    );
  }
  return (
    <div>
      <Alert title={`${step.fileName} can't be imported`}>
        {step.problems.length === 1 ? "Flowgate found 1 problem in it:" : `Flowgate found ${step.problems.length} problems in it:`}
      </Alert>
      <ProblemList problems={step.problems} />
    </div>
  );
}

/** Every problem of a file, with where it is. */
export function ProblemList({ problems }: { problems: readonly FileProblem[] }) {
  return (
    <ol className="mt-3 max-h-72 list-decimal space-y-2 overflow-y-auto pl-6 text-sm text-slate-800" aria-label="Problems in the file">
      {problems.map((problem, i) => {
        const where = problemLocation(problem.path);
        return (
          <li key={i} className="pl-1">
            <span className="whitespace-pre-wrap break-words">{problem.message}</span>
            {where ? <span className="mt-0.5 block font-mono text-xs text-slate-500 break-all">at {where}</span> : null}
          </li>
        );
      })}
    </ol>
  );
}
