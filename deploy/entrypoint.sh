#!/usr/bin/env bash
# The processes of the production topology, one per role. `make prod`
# (devstack/prod.py) and the Docker image (deploy/Dockerfile) run exactly
# these commands; only the environment differs (docs/deploy.md).
#
#   deploy/entrypoint.sh rasa      a Rasa replica       (PORT, MODEL, CORS_ORIGINS, RASA_INTERFACE)
#   deploy/entrypoint.sh actions   an action server     (PORT, ACTION_HOST)
#   deploy/entrypoint.sh widget    the web chat page    (PORT, PUBLIC_URL, WIDGET_HOST)
#   deploy/entrypoint.sh migrate   ticket-table migrations, then exit (DATABASE_URL)
set -euo pipefail
cd "$(dirname "$0")/.."
# OpenBLAS worker threads (numpy's and scipy's) otherwise spin for about
# 0.1 s after every matrix product: ~175 ms of CPU after each turn of a Rasa
# replica, taken from the other replicas and servers on the machine
# (docs/benchmarks.md). 4 = sleep at once. devstack/servers.py sets the same
# for the servers it starts without this script.
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
venv=${VENV:-.venv}
role=${1:-}
case "$role" in
  rasa)
    exec "$venv/bin/rasa" run --model "${MODEL:?MODEL is not set}" \
      --interface "${RASA_INTERFACE:-127.0.0.1}" --port "${PORT:-5005}" \
      --credentials credentials.yml --endpoints endpoints.prod.yml --cors "${CORS_ORIGINS:?CORS_ORIGINS is not set}" ;;
  actions)
    exec "$venv/bin/python" -m security.action_server --host "${ACTION_HOST:-127.0.0.1}" --port "${PORT:-5055}" ;;
  widget)
    exec "$venv/bin/python" widget/serve.py --host "${WIDGET_HOST:-127.0.0.1}" --port "${PORT:-8080}" \
      --rasa-url "${PUBLIC_URL:?PUBLIC_URL is not set}" ;;
  migrate)
    exec "$venv/bin/python" -m tickets migrate ;;
  *)
    echo "usage: deploy/entrypoint.sh rasa|actions|widget|migrate" >&2
    exit 2 ;;
esac
