# syntax=docker/dockerfile:1
# One image for every Node service; compose (and ECS) choose the entry point with `command`.
#
# Node 26 is the Active LTS line (26.13.0 'Lithium', 2026-10-28; supported to April 2029); 24 is in
# maintenance since 2026-10-20. The services run their TypeScript through tsx, a production
# dependency (tsx 4.23 hooks in with module.registerHooks on Node 26); the build stage type-checks
# everything, so a type error fails the image build, not a container at run time.
ARG NODE_IMAGE=node:26-trixie-slim

# ── build: every workspace with its dev dependencies, and the type check ────────────────────────
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/package.json
COPY providers-mock/package.json providers-mock/package.json
COPY gateway-shim/package.json gateway-shim/package.json
COPY worker/package.json worker/package.json
COPY coalescer/package.json coalescer/package.json
COPY poller/package.json poller/package.json
COPY support/package.json support/package.json
COPY platform/package.json platform/package.json
COPY stacks/package.json stacks/package.json
COPY features/package.json features/package.json
COPY bench/package.json bench/package.json
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run typecheck

# ── runtime: production dependencies of the services only, their code, no compiler, not root ───
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production
# The workspaces that run here (the services, and providers-mock for compose); the root brings tsx.
# stacks, features, bench and platform's emulators are development tools and stay out.
COPY package.json package-lock.json ./
COPY core/package.json core/package.json
COPY providers-mock/package.json providers-mock/package.json
COPY gateway-shim/package.json gateway-shim/package.json
COPY worker/package.json worker/package.json
COPY coalescer/package.json coalescer/package.json
COPY poller/package.json poller/package.json
COPY support/package.json support/package.json
RUN npm ci --omit=dev --include-workspace-root --no-audit --no-fund \
      --workspace=core --workspace=providers-mock --workspace=gateway-shim --workspace=worker \
      --workspace=coalescer --workspace=poller --workspace=support \
  && npm cache clean --force
# The code, from the stage that type-checked it, and the files the services read at run time:
# the API Gateway mapping templates (gateway-shim/mapping/*.vtl). Migrations, help articles and
# prompts are TypeScript modules under src/. platform/src holds compose's one-shot bootstrap.
COPY --from=build /app/core/src core/src
COPY --from=build /app/providers-mock/src providers-mock/src
COPY --from=build /app/gateway-shim/src gateway-shim/src
COPY --from=build /app/gateway-shim/mapping gateway-shim/mapping
COPY --from=build /app/worker/src worker/src
COPY --from=build /app/coalescer/src coalescer/src
COPY --from=build /app/poller/src poller/src
COPY --from=build /app/support/src support/src
COPY --from=build /app/platform/package.json platform/package.json
COPY --from=build /app/platform/src platform/src
# Owned by root, run as node: the services cannot change their own code.
USER node
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["gateway-shim/src/main.ts"]
