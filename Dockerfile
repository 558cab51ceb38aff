# The application image used by docker-compose.yml (web, worker, scheduler).
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v 0 \
    && DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0
RUN useradd --system --no-create-home app && mkdir -p /data/media && chown app /data/media
USER app
