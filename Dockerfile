# Hearth homeserver image (used by docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
ENV HEARTH_CONFIG=/data/config.yaml
VOLUME ["/data"]
EXPOSE 8008 8448
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["start"]
