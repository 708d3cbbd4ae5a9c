// Package potts holds the q = 3 Potts model plugin, written in Python
// (python/) against framework/proto alone, and the Go tests that run it end
// to end: the SDK conformance kit against the real process, the host's
// AutoMTLS handshake, and `rgml sample --model potts` through the built CLI.
//
// build.sh OUT generates the rgml/v1 Python code with protoc and
// grpc_python_plugin and packs it with python/*.py into one executable
// zipapp (#!/usr/bin/python3), which `make plugins` installs as
// bin/plugins/rgml-plugin-potts. It needs Debian's python3-grpcio,
// python3-protobuf, python3-numpy, python3-cryptography, protobuf-compiler
// and protobuf-compiler-grpc; the tests skip, saying which is missing,
// without them. docs/plugin-authoring.md walks through the Python side.
package potts
