# study-bot, the GitHub App server (docs/DEPLOY.md). Two stages: the first builds the package
# exactly as a release is packed, the second holds only that package and its runtime
# dependencies (from package-lock.json), and runs it as the unprivileged `node` user.
#
#   docker build -t study-bot .
#   docker run -d --name study-bot --restart unless-stopped -p 127.0.0.1:3000:3000 \
#     --env-file .env -v /etc/study-bot/private-key.pem:/run/secrets/private-key.pem:ro \
#     -e PRIVATE_KEY_PATH=/run/secrets/private-key.pem study-bot
#
# The image has no QEMU: run /verify through a runner repository (STUDY_BOT_VERIFY_DRIVER=actions),
# or run the app with systemd on a machine that has the VM runner (docs/DEPLOY.md).

# An exact release, not the floating node:20 tag: a rebuild gets the same Node (bump it on purpose).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# dependencies first, so a source change does not reinstall them
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir /app \
 && tar -xzf /tmp/study-bot-*.tgz -C /app --strip-components=1 \
 && cp package-lock.json /app/ \
 && cd /app \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
WORKDIR /app
# owned by root, run by `node`: the app cannot rewrite its own code
COPY --from=build /app /app
RUN ln -s /app/bin/study-bot.js /usr/local/bin/study-bot
USER node
EXPOSE 3000
# Probot answers GET /ping with PONG once the server listens.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/server.js"]
