# govaudit with Debian's Chromium, axe-core from npm (package-lock.json) and Java for the Nu HTML checker.
# Build: docker build -t govaudit .    Run: docker run --rm -v "$PWD/a11y:/audit/a11y" govaudit audit https://your.site --out a11y
# Chromium runs without its sandbox inside the container (Playwright passes --no-sandbox); give it shared memory
# with `--shm-size=1g` or rely on --disable-dev-shm-usage, which govaudit passes.

FROM node:20-bookworm-slim AS axe
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GOVAUDIT_CHROMIUM=/usr/lib/chromium/chromium-headless-shell \
    GOVAUDIT_CHROMEDRIVER=/usr/bin/chromedriver \
    GOVAUDIT_AXE=/opt/govaudit/node_modules/axe-core/axe.min.js
# Debian's packages follow the release's security updates: pinning their versions would hold those back.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        chromium-headless-shell chromium chromium-driver fonts-liberation fonts-noto-core openjdk-17-jre-headless ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/govaudit
COPY --from=axe /build/node_modules ./node_modules
COPY pyproject.toml README.md ./
COPY crawler ./crawler
COPY audits ./audits
COPY rules ./rules
COPY storage ./storage
COPY reports ./reports
COPY govaudit ./govaudit
# The version ranges are pinned in pyproject.toml.
RUN pip install . \
    && useradd --create-home --uid 10001 govaudit \
    && govaudit --version
USER 10001
WORKDIR /audit
EXPOSE 8000
ENTRYPOINT ["govaudit"]
CMD ["--help"]
