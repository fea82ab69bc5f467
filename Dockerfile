# syntax=docker/dockerfile:1
# One image for every Vigil role: the command picks the role (`migrate`, `process --stream sensors`, `serve`,
# `monitor`, `produce plant`, `models ...`, `keys ...`). bin/vigil.js runs the TypeScript sources through tsx (a
# runtime dependency), so the image carries the sources and production node_modules; the only build is the web UI.
#
# Base: Debian (glibc) Node 20, pinned to an exact tag. chDB's and onnxruntime-node's native libraries are glibc
# builds, so Alpine (musl) is not an option. Pin by digest in your registry mirror (`node:20.20.2-bookworm-slim@sha256:...`)
# once it is pulled there; the release workflow records the digest it built from.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- production dependencies only (tsx included: it is how the sources run) -----------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 # onnxruntime-node ships binaries for every OS; keep Linux only (about 150 MB less).
 && rm -rf node_modules/onnxruntime-node/bin/napi-v*/darwin node_modules/onnxruntime-node/bin/napi-v*/win32

# --- the web UI (vite is a dev dependency; only its output ships) ---------------------------------------------------
FROM ${NODE_IMAGE} AS ui
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY serving/ui serving/ui
RUN npm run build:ui

# --- runtime ----------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG VIGIL_VERSION=dev
ARG VIGIL_COMMIT=unknown
LABEL org.opencontainers.image.title="vigil" \
      org.opencontainers.image.description="Streaming anomaly detection for industrial plants (one image, one role per container)" \
      org.opencontainers.image.version="${VIGIL_VERSION}" \
      org.opencontainers.image.revision="${VIGIL_COMMIT}" \
      org.opencontainers.image.licenses="UNLICENSED"
# Container defaults: listen on every interface (the code's default is 127.0.0.1 for a developer machine), state in
# a volume. Everything else comes from the environment of the service (docker-compose.yml, deploy/).
ENV NODE_ENV=production \
    VIGIL_DATA_DIR=/var/lib/vigil \
    VIGIL_API_HOST=0.0.0.0 \
    VIGIL_MONITOR_METRICS_HOST=0.0.0.0
WORKDIR /app
# Sources: the whole build context minus what .dockerignore leaves out (tests, docs, bench, tooling, secrets), so
# a new source folder ships without editing this file (tests/unit/deploy-image.test.ts checks that every folder the
# CLI imports is in the context). Then the production node_modules and the built UI from their stages.
COPY --chown=root:root . ./
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=ui --chown=root:root /app/serving/ui/dist ./serving/ui/dist
# The code is root-owned and read-only for the process; only the data directory (model store) is writable.
RUN mkdir -p /var/lib/vigil/models && chown -R node:node /var/lib/vigil
USER node
VOLUME ["/var/lib/vigil"]
EXPOSE 8080 9464 9465
# Role-aware: probes /healthz of the API (VIGIL_API_PORT), processor (VIGIL_METRICS_PORT) or monitor
# (VIGIL_MONITOR_METRICS_PORT); roles without a listener (migrate, produce) are healthy while they run.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "deploy/healthcheck.mjs"]
ENTRYPOINT ["node", "bin/vigil.js"]
CMD ["--help"]
