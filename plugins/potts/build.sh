#!/bin/sh
# build.sh OUT: builds the Python plugin rgml-plugin-potts as one executable
# file OUT (a zipapp run by /usr/bin/python3): the rgml/v1 Python code is
# generated from framework/proto by protoc and grpc_python_plugin (Debian:
# protobuf-compiler, protobuf-compiler-grpc) into a temporary folder and
# packed with python/*.py. Nothing generated is kept in the source tree, and
# the host's checksum lock covers the whole plugin.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUT" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v protoc >/dev/null || { echo "$0: protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }
gen=$(command -v grpc_python_plugin) || { echo "$0: grpc_python_plugin not found: apt-get install protobuf-compiler-grpc" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
protoc -I "$root/framework/proto" --python_out="$tmp" --grpc_python_out="$tmp" \
	--plugin=protoc-gen-grpc_python="$gen" rgml/v1/rgml.proto
touch "$tmp/rgml/__init__.py" "$tmp/rgml/v1/__init__.py"
cp "$here"/python/*.py "$tmp/"
/usr/bin/python3 -m zipapp "$tmp" -p /usr/bin/python3 -o "$1"
chmod +x "$1"
