#!/bin/sh
# One GPU printing every 20 ms until it is stopped, as nvidia-smi -lms 20 does.
case "$1" in
  --query-gpu=index) echo 0; exit 0 ;;
esac
while true; do
  echo "2026/03/02 10:15:30.100, 0, 150.32, 61, 1755"
  sleep 0.02
done
