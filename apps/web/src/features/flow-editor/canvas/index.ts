export { FlowCanvas } from "./flow-canvas";
export { Palette } from "./palette";
export { ShortcutsHelp } from "./shortcuts-help";
