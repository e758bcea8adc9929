# One image for web, worker and the migration step (docker-compose.yml picks the command).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY packages/flow/package.json packages/flow/
COPY packages/db/package.json packages/db/
COPY packages/api/package.json packages/api/
COPY packages/ui/package.json packages/ui/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production
RUN npm run build -w @flowgate/web

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000
RUN useradd --system --uid 1001 flowgate
COPY --from=build --chown=flowgate /app /app
USER flowgate
EXPOSE 3000
# Overridden per service in docker-compose.yml.
CMD ["node", "node_modules/next/dist/bin/next", "start", "apps/web", "--port", "3000"]
