import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

const nextConfig: NextConfig = {
  outputFileTracingRoot: repoRoot,
  transpilePackages: ["@flowgate/api", "@flowgate/db", "@flowgate/flow", "@flowgate/ui", "@flowgate/nodes", "@flowgate/engine", "@flowgate/connectors", "@flowgate/runtime"],
  serverExternalPackages: ["pg", "pg-native"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
