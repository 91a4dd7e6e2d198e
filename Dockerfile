# The arshif CLI (and, later, its web app) for docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY . .
RUN pip install . \
    && useradd --create-home --uid 1000 arshif \
    && mkdir -p /var/lib/arshif && chown arshif /var/lib/arshif

USER arshif
VOLUME ["/var/lib/arshif"]
ENTRYPOINT ["arshif"]
CMD ["--help"]
