# Rempart server image: built in one stage, run from another that holds only the production dependencies, the
# compiled server (dist/src), the built web app (dist/web, dist/widget) and the shipped content (data/).
#   docker build -t rempart .
#   docker run -p 4310:4310 -e DATABASE_URL=postgres://… -e REMPART_SECRET_KEY=… rempart
# Settings are REMPART_* environment variables: docs/configuration.md lists them all; docs/deployment.md explains.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the native and WebAssembly parts come prebuilt in their packages.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
COPY scripts ./scripts
COPY data ./data
RUN npm run build

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    REMPART_HOST=0.0.0.0 \
    REMPART_PORT=4310 \
    REMPART_DATA=/var/lib/rempart \
    REMPART_LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY data ./data
COPY --from=build /app/dist ./dist
# The embedded database (when DATABASE_URL is unset) and the audit checkpoints live in the volume, owned by the
# unprivileged user the server runs as.
RUN mkdir -p /var/lib/rempart && chown node:node /var/lib/rempart
VOLUME /var/lib/rempart
USER node
EXPOSE 4310
# Liveness: /api/health answers 200 while the process and its database answer (node 20 has fetch; no curl needed).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.REMPART_PORT||4310)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM from `docker stop` reaches node directly (exec form): requests in flight finish, jobs are handed back.
CMD ["node", "bin/rempart.js", "serve", "--no-demo"]
