#!/bin/sh
# nvidia-smi installed but the kernel driver is not loaded.
echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."
echo ""
exit 9
