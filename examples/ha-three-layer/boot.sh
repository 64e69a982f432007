#!/bin/sh
# First boot of a cluster node: docker, python for Ansible, and the ceph volume's mount point.
set -eu
yum install -y docker python3
systemctl enable --now docker
mkdir -p /var/lib/ceph
