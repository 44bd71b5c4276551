# Pincer's image: build with `docker build -t pincer .`; docs/deploy.md runs it alone or two of it on PostgreSQL
# (compose.yaml). The build steps are scripts/image-app.sh, which CI runs and smoke-tests without a container engine.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN scripts/image-app.sh /app

FROM node:24-bookworm-slim
# Listens on every interface inside the container: PINCER_ADMIN_TOKEN is then required (docs/configuration.md).
ENV NODE_ENV=production DATA_DIR=/data HOST=0.0.0.0 PORT=8787
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home pincer \
  && mkdir -p /data && chown pincer:pincer /data && chmod 700 /data
COPY --from=build /app /app
WORKDIR /app
USER pincer
# SQLite store, admin token, uploads, logins: keep them (with DATABASE_URL, the store itself is in PostgreSQL).
VOLUME /data
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "--enable-source-maps", "dist/bin/pincer.js", "start"]
