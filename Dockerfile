# syntax=docker/dockerfile:1
# One image for every Node service; compose (and ECS) choose the entry point with `command`.

FROM node:20-bookworm-slim AS build
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
# A type error fails the image build, not a container at run time.
RUN npm run typecheck

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
COPY --from=build --chown=node:node /app /app
USER node
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["gateway-shim/src/main.ts"]
