# One image for the web server and the Celery workers (see docker-compose.yml). It runs as the
# unprivileged user "advisor" (uid 10001); only /data (database files, targets) is writable to it.
FROM python:3.11-slim-bookworm

# WeasyPrint's Pango stack and fonts; fio for the reference runs of validation workers.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
        fonts-dejavu-core fio \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv \
    && groupadd --system --gid 10001 advisor \
    && useradd --system --uid 10001 --gid advisor --home-dir /app --shell /usr/sbin/nologin advisor

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --compile-bytecode
COPY . .
ENV PATH="/app/.venv/bin:$PATH" PYTHONUNBUFFERED=1 ADVISOR_DATA_DIR=/data
RUN SECRET_KEY=build-only-build-only-build-only-xx python manage.py collectstatic --noinput -v 0 \
    && rm -f /data/secret_key && mkdir -p /data/targets \
    && chown -R advisor:advisor /data && chmod 0700 /data
USER advisor:advisor
EXPOSE 8000
CMD ["gunicorn", "recommender.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
