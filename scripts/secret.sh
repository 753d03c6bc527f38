#!/usr/bin/env bash
# Prints the local secret NAME from var/secrets/NAME, creating it on first use:
# 32 random bytes, url-safe base64 (44 characters; also a valid Fernet key).
# The folder is private (0700) and ignored by git. Production sets the
# JIEBEI_* variables itself and never uses these files.
set -euo pipefail
name=${1:?usage: scripts/secret.sh NAME}
case "$name" in
  *[!a-z0-9_]*) echo "error: secret names are lower-case letters, digits and _" >&2; exit 2 ;;
esac
dir="$(cd "$(dirname "$0")/.." && pwd)/var/secrets"
file="$dir/$name"
if [ ! -s "$file" ]; then
  (umask 077 && mkdir -p "$dir" && head -c 32 /dev/urandom | base64 | tr '+/' '-_' > "$file.tmp" && mv "$file.tmp" "$file")
fi
cat "$file"
