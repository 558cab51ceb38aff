# The application image used by docker-compose.yml (web, worker, scheduler).
FROM python:3.11-slim-bookworm
# xmlsec1: checks the GAR's SAML signatures and decrypts its assertions (pysaml2).
RUN apt-get update && apt-get install -y --no-install-recommends gettext xmlsec1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v 0
# The settings refuse DEBUG=false without the production variables; collectstatic uses
# none of them (no database, no Redis), so the build passes placeholders that name no real
# host (.invalid never resolves). They live in this command only, not in the image: the
# containers get the real values from their environment.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid/build REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput -v 0
RUN useradd --system --no-create-home app && mkdir -p /data/media && chown app /data/media
USER app
