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
ENV NODE_ENV=production
CMD ["node", "--import", "tsx", "src/main.ts"]
