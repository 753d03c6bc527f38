#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains how to get one.
# Rasa 3.6 supports Python 3.8-3.10 only; this project pins 3.10.
set -euo pipefail

candidates=(python3.10)
if command -v pyenv >/dev/null 2>&1; then
  for dir in "$(pyenv root)"/versions/3.10*; do
    [ -x "$dir/bin/python3.10" ] && candidates+=("$dir/bin/python3.10")
  done
fi
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10)

for py in "${candidates[@]}"; do
  if "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then
    command -v "$py"
    exit 0
  fi
done

cat >&2 <<'MSG'
error: Python 3.10 was not found (Rasa 3.6 does not run on 3.11 or newer).
Install it, then run the command again, for example:
  - Debian/Ubuntu:  apt-get install python3.10 python3.10-venv
  - pyenv:          pyenv install 3.10.13
Or point the Makefile at it:  make PYTHON310=/path/to/python3.10 ...
MSG
exit 1
