# Pixelmill's image: the same one runs `pixelmill migrate`, `pixelmill serve` and `pixelmill worker`.
# Stage 1 installs the pinned runtime dependencies and the project into a virtualenv, with compilers at hand
# for any package without a wheel; stage 2 is a slim Python with that virtualenv only: no compilers, no pip
# cache, no sources, a non-root user.
ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/pixelmill
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY domain ./domain
COPY application ./application
COPY adapters ./adapters
COPY entrypoints ./entrypoints
COPY migrations ./migrations
# requirements.lock also pins the dev extra; as constraints it fixes every version without installing them.
RUN /opt/pixelmill/bin/pip install --constraint requirements.lock . \
 && /opt/pixelmill/bin/pip uninstall -y pip

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
ENV PATH=/opt/pixelmill/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN groupadd --system --gid 10001 pixelmill \
 && useradd --system --uid 10001 --gid pixelmill --home-dir /srv/pixelmill --create-home pixelmill \
 && mkdir -p /srv/blobs \
 && chown pixelmill:pixelmill /srv/blobs
COPY --from=build /opt/pixelmill /opt/pixelmill
WORKDIR /srv/pixelmill
USER pixelmill
EXPOSE 8000
CMD ["pixelmill", "serve", "--host", "0.0.0.0", "--port", "8000"]
