#!/bin/sh
# Stands in for nvidia-smi (driver 550) on a two-GPU machine whose second GPU reports no power,
# answering the two invocations NvidiaSmiMeter makes with lines in nvidia-smi's own format.
echo "$*" >> "$(dirname "$0")/args.txt"
case "$1" in
  --query-gpu=index) printf '0\n1\n'; exit 0 ;;
esac
i=0
while [ $i -lt 3 ]; do
  printf '2026/03/02 10:15:3%d.100, 0, 71.%d5, 4%d, 1980\n' $i $i $i
  printf '2026/03/02 10:15:3%d.101, 1, [N/A], 39, 210\n' $i
  i=$((i + 1))
  sleep 0.02
done
