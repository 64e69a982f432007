#!/bin/sh
# First boot of an application server baked by Packer: start the application's service.
set -eu
systemctl enable --now myapp.service || true
