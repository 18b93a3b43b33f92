#!/usr/bin/env bash
# Installs OpenSSH's server (Debian's openssh-server) for the devices module's tests, which start
# their own sshd on 127.0.0.1 with a throwaway key; does nothing when /usr/sbin/sshd is there.
# The package's own service is not needed (and in a container is not started).
set -euo pipefail
if [ -x /usr/sbin/sshd ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-sshd: no apt-get here; install OpenSSH's server (sshd) with this system's package manager" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-sshd: run as root (or install sudo) to install openssh-server" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq openssh-server >/dev/null
test -x /usr/sbin/sshd || { echo "install-sshd: openssh-server installed but /usr/sbin/sshd is missing" >&2; exit 1; }
echo "install-sshd: installed $(/usr/sbin/sshd -V 2>&1 | head -n 1 || true)"
