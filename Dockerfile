# The image every role runs (docker-compose.yml): dependencies from the lockfile at build time,
# nothing downloaded when a container starts.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY src ./src
COPY commands ./commands
COPY seeds ./seeds
COPY assets ./assets
COPY tsconfig.json ./
# The bot runs as the image's unprivileged user; only its data directory is writable to it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
ENV NODE_ENV=production
CMD ["node", "--import", "tsx", "src/main.ts"]
