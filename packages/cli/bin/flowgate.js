#!/usr/bin/env node
// The CLI is TypeScript like the rest of the monorepo; tsx compiles it as it loads.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
