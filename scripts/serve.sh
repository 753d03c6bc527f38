#!/usr/bin/env bash
# Starts the action server in the background, then the Rasa server (`run`) or
# `rasa shell` (`shell`) in the foreground. Ctrl+C stops both.
set -euo pipefail

mode=${1:-run}
venv=${VENV:-.venv}
model=${MODEL:-models/current.tar.gz}
endpoints=${ENDPOINTS:-endpoints.yml}
rasa_port=${RASA_PORT:-5005}
action_port=${ACTION_PORT:-5055}
widget_port=${WIDGET_PORT:-8080}
mkdir -p var/log

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=("$rasa_port" "$action_port")
[ "$mode" = run ] && ports+=("$widget_port")
for port in "${ports[@]}"; do
  if ! port_free "$port"; then
    echo "error: port $port is already in use (another 'make run' or 'make shell'?)." >&2
    echo "       stop it, or choose other ports: RASA_PORT=5006 ACTION_PORT=5056 WIDGET_PORT=8081 make $mode" >&2
    exit 1
  fi
done

if [ ! -f "$endpoints" ]; then
  echo "error: endpoints file $endpoints not found (ENDPOINTS=...)." >&2
  exit 1
fi
if grep -q "type: redis" "$endpoints"; then
  redis_host=${REDIS_HOST:-127.0.0.1}
  redis_port=${REDIS_PORT:-6379}
  if ! (exec 3<>"/dev/tcp/$redis_host/$redis_port") 2>/dev/null; then
    echo "error: $endpoints keeps conversations in Redis, but nothing answers at $redis_host:$redis_port." >&2
    echo "       start Redis (Debian: apt-get install redis-server; redis-server --port $redis_port)," >&2
    echo "       or set REDIS_HOST/REDIS_PORT, or run with the default endpoints.yml." >&2
    exit 1
  fi
fi

# The shared secret of the action server and the key of sealed slot values
# (the Makefile exports them; generated on first use when run directly).
export JIEBEI_ACTION_TOKEN=${JIEBEI_ACTION_TOKEN:-$(scripts/secret.sh action_token)}
export JIEBEI_FIELD_KEY=${JIEBEI_FIELD_KEY:-$(scripts/secret.sh field_key)}
export SANIC_REQUEST_MAX_SIZE=${SANIC_REQUEST_MAX_SIZE:-65536}

"$venv/bin/python" -m security.action_server --port "$action_port" \
  >var/log/actions.log 2>&1 &
action_pid=$!
pids=("$action_pid")
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM

printf 'starting the action server on port %s ' "$action_port"
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$action_port/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$action_pid" 2>/dev/null; then
    echo; echo "error: the action server stopped; see var/log/actions.log:" >&2
    tail -20 var/log/actions.log >&2; exit 1
  fi
  printf '.'; sleep 1
done
echo " ready"

export ACTION_ENDPOINT_URL="http://127.0.0.1:$action_port/webhook"
case "$mode" in
  run)
    "$venv/bin/python" widget/serve.py --port "$widget_port" --rasa-url "http://localhost:$rasa_port" \
      >var/log/widget.log 2>&1 &
    pids+=("$!")
    cat <<MSG

借呗助手 is starting (model: $model); the Rasa server needs about a minute to load.
  web chat:  http://localhost:$widget_port   (use localhost, not 127.0.0.1: CORS allows this origin)
  REST:      curl -s localhost:$rasa_port/webhooks/rest/webhook -d '{"sender":"me","message":"你好"}'
  logs:      var/log/actions.log, var/log/widget.log; the Rasa server logs below
  sessions:  ${JIEBEI_CHAT_AUTH:-anonymous}$( [ "${JIEBEI_CHAT_AUTH:-anonymous}" = anonymous ] && echo " (demo: the client picks its conversation id; production sets JIEBEI_CHAT_AUTH=jwt)")
Stop with Ctrl+C.

MSG
    api_args=()
    if [ -n "${RASA_API_JWT_SECRET:-}" ]; then
      # Rasa's HTTP API (/model/parse, /conversations ...) only on request, and then behind a JWT.
      api_args=(--enable-api --jwt-secret "$RASA_API_JWT_SECRET" --jwt-method HS256)
      echo "  HTTP API:  enabled; every call needs a JWT signed with RASA_API_JWT_SECRET"
    fi
    "$venv/bin/rasa" run --model "$model" --interface "${RASA_INTERFACE:-127.0.0.1}" --port "$rasa_port" \
      --cors "${CORS_ORIGINS:-http://localhost:$widget_port}" --credentials credentials.yml \
      --endpoints "$endpoints" "${api_args[@]}"
    ;;
  shell)
    echo "Type a message in Chinese, e.g. 芝麻分750为什么开不了借呗  (/stop to quit)"
    "$venv/bin/rasa" shell --model "$model" --endpoints "$endpoints" --port "$rasa_port"
    ;;
  *)
    echo "usage: $0 run|shell" >&2; exit 2 ;;
esac
