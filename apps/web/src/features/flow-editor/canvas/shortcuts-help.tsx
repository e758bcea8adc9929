"use client";

import { Button } from "@flowgate/ui";
import { Fragment, useEffect, useId, useRef, useState } from "react";
import { KeyboardIcon } from "@/components/icons";
import { isMac, isTypingTarget, keyName, SHORTCUT_GROUPS } from "./shortcuts";

/** A button that opens the list of keyboard shortcuts; "?" anywhere outside a field opens it too. */
export function ShortcutsHelp() {
  const id = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const popoverRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const [mac, setMac] = useState(false);
  useEffect(() => setMac(isMac()), []);

  // Fixed under the button, right edges aligned (the button sits at the right of the top bar).
  const place = () => {
    const anchor = buttonRef.current?.getBoundingClientRect();
    const popover = popoverRef.current;
    if (!anchor || !popover) return;
    popover.style.top = `${anchor.bottom + 8}px`;
    popover.style.right = `${Math.max(8, window.innerWidth - anchor.right)}px`;
  };

  useEffect(() => {
    const popover = popoverRef.current;
    if (!popover) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || isTypingTarget(event.target)) return;
      event.preventDefault();
      if (popover.matches(":popover-open")) {
        popover.hidePopover();
        return;
      }
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      place();
      popover.showPopover();
    };
    const onToggle = (event: Event) => {
      if ((event as ToggleEvent).newState === "open") {
        closeRef.current?.focus();
      } else if (returnFocus.current) {
        // Opened with "?": give focus back to where the person was (a button opener gets it back by itself).
        if (popover.contains(document.activeElement) || document.activeElement === document.body) returnFocus.current.focus();
        returnFocus.current = null;
      }
    };
    document.addEventListener("keydown", onKey);
    popover.addEventListener("toggle", onToggle);
    return () => {
      document.removeEventListener("keydown", onKey);
      popover.removeEventListener("toggle", onToggle);
    };
  }, []);

  return (
    <>
      <Button
        ref={buttonRef}
        variant="ghost"
        size="icon"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        popoverTarget={id}
        onClick={() => {
          returnFocus.current = null;
          place();
        }}
      >
        <KeyboardIcon className="size-4" />
      </Button>
      <div
        ref={popoverRef}
        id={id}
        popover="auto"
        role="dialog"
        aria-labelledby={`${id}-title`}
        className="fixed inset-auto m-0 max-h-[min(36rem,80vh)] w-[28rem] max-w-[calc(100vw-1rem)] overflow-y-auto rounded-card border border-line bg-white p-0 text-left shadow-overlay"
      >
        <div className="flex items-center justify-between border-b border-line px-4 py-3">
          <h2 id={`${id}-title`} className="text-sm font-semibold text-slate-900">
            Keyboard shortcuts
          </h2>
          <Button ref={closeRef} variant="ghost" size="sm" popoverTarget={id} popoverTargetAction="hide">
            Close
          </Button>
        </div>
        <div className="space-y-4 px-4 py-3">
          {SHORTCUT_GROUPS.map((group) => (
            <section key={group.title} aria-labelledby={`${id}-${group.title}`}>
              <h3 id={`${id}-${group.title}`} className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">
                {group.title}
              </h3>
              <dl className="divide-y divide-slate-100">
                {group.shortcuts.map((shortcut) => (
                  <div key={shortcut.does} className="flex items-center justify-between gap-4 py-1.5">
                    <dt className="text-sm text-slate-700">{shortcut.does}</dt>
                    <dd className="flex shrink-0 items-center gap-1.5 text-xs text-slate-500">
                      {shortcut.keys.map((combo, i) => (
                        <Fragment key={combo.join("+")}>
                          {i > 0 ? <span>or</span> : null}
                          <span className="flex items-center gap-0.5">
                            {combo.map((key) => (
                              <kbd
                                key={key}
                                className="min-w-6 rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 text-center font-sans text-[11px] font-medium text-slate-700 shadow-[inset_0_-1px_0_var(--color-slate-300)]"
                              >
                                {keyName(key, mac)}
                              </kbd>
                            ))}
                          </span>
                        </Fragment>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </>
  );
}
