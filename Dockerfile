# syntax=docker/dockerfile:1
# The IMSOP server image:  docker build -t imsop .
# Build stage: compiles TypeScript and packs the package. Runtime stage: installs that package
# with production dependencies only. Both run scripts/container/*.sh, which
# test/production-install.test.ts runs too, as well as this file's ENTRYPOINT, CMD and HEALTHCHECK.
# Needs DATABASE_URL and DATABASE_APP_PASSWORD (no embedded PostgreSQL in the image); see
# compose.yaml and deploy/kubernetes/.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
# The SDK workspace (packages/sdk, @imsop/sdk) is part of the install: its manifest first.
COPY packages/sdk/package.json packages/sdk/
# Only what compiling needs: no install scripts, no optional packages (embedded PostgreSQL).
RUN npm ci --ignore-scripts --omit=optional --no-audit --no-fund
COPY . .
RUN sh scripts/container/pack.sh /pack

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
COPY --from=build /pack /tmp/pack
COPY --from=build /src/scripts/container/install.sh /tmp/install.sh
RUN sh /tmp/install.sh /tmp/pack /app && rm -rf /tmp/pack /tmp/install.sh /root/.npm
WORKDIR /app
# The files stay root's: the server (user node) reads them and writes nothing to disk.
USER node
# Every interface, so the pod network reaches the service and Prometheus the metrics (both
# default to 127.0.0.1 outside a container). JSON logs.
ENV IMSOP_HOST=0.0.0.0 \
    IMSOP_PORT=50051 \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9464 \
    LOG_FORMAT=json
EXPOSE 50051 9464
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "bin/imsop.js", "health"]
ENTRYPOINT ["node", "bin/imsop.js"]
CMD ["serve"]
