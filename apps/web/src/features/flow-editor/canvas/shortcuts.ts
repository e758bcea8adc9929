/** Every keyboard shortcut and gesture of the editor, as the help popover lists them. "Mod" is Ctrl, or ⌘ on a Mac. */
export interface Shortcut {
  /** Alternative key combinations; each is a list of keys pressed together. */
  keys: string[][];
  does: string;
}

export interface ShortcutGroup {
  title: string;
  shortcuts: Shortcut[];
}

export const SHORTCUT_GROUPS: ShortcutGroup[] = [
  {
    title: "Editing",
    shortcuts: [
      { keys: [["Mod", "Z"]], does: "Undo" },
      { keys: [["Shift", "Mod", "Z"], ["Ctrl", "Y"]], does: "Redo" },
      { keys: [["Delete"], ["Backspace"]], does: "Delete the selected nodes and connections" },
      { keys: [["Mod", "C"]], does: "Copy the selected nodes" },
      { keys: [["Mod", "X"]], does: "Cut the selected nodes" },
      { keys: [["Mod", "V"]], does: "Paste nodes (at the pointer), also from another flow" },
      { keys: [["Mod", "D"]], does: "Duplicate the selected nodes" },
      { keys: [["F2"]], does: "Rename the selected node (or double-click its name)" },
      { keys: [["Mod", "S"]], does: "Save now" },
    ],
  },
  {
    title: "Selecting",
    shortcuts: [
      { keys: [["Mod", "A"]], does: "Select all nodes and connections" },
      { keys: [["Shift", "Click"]], does: "Add a node to the selection, or take it out" },
      { keys: [["Shift", "Drag"]], does: "Select the nodes inside a box" },
      { keys: [["Esc"]], does: "Clear the selection" },
      { keys: [["Tab"]], does: "Move between nodes; Enter selects the focused node" },
      { keys: [["↑", "↓", "←", "→"]], does: "Move the selected nodes" },
    ],
  },
  {
    title: "Viewing",
    shortcuts: [
      { keys: [["Drag"]], does: "Pan the canvas (drag the background)" },
      { keys: [["Scroll"]], does: "Zoom in and out" },
      { keys: [["?"]], does: "Show this list" },
    ],
  },
];

export function isMac(): boolean {
  return typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.userAgent);
}

/** "Mod" as the platform names it. */
export function keyName(key: string, mac: boolean): string {
  if (key === "Mod") return mac ? "⌘" : "Ctrl";
  if (key === "Shift" && mac) return "⇧";
  return key;
}

/** True when a key press belongs to a field (the inspector's inputs, a code editor), not to the canvas. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  return target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])") !== null;
}
