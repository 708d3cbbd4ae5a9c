"""Serve gRPC services to a hashicorp/go-plugin host, from the public protocol.

What go-plugin (v1.x, core protocol 1) expects of a gRPC plugin process:

* the host's magic cookie in the environment (else: not launched by a host);
* one handshake line on stdout,
  ``1|<app protocol>|unix|<socket path>|grpc|<server cert>``, and nothing
  else on stdout; logs go to stderr, one hclog JSON object per line;
* the gRPC health service answering SERVING for the service "plugin";
* with AutoMTLS (PLUGIN_CLIENT_CERT holds the host's PEM certificate): a
  fresh self-signed server certificate for "localhost", TLS that requires
  and verifies the host's certificate, and the server certificate's DER,
  base64 without padding, as the handshake's sixth field;
* the socket in PLUGIN_UNIX_SOCKET_DIR when set;
* plugin.GRPCController/Shutdown to stop.

The process also stops when its parent dies, and removes its socket.
"""

import base64
import datetime
import json
import os
import signal
import sys
import tempfile
import threading
from concurrent import futures

import grpc

CORE_PROTOCOL = 1
# As framework/sdk.MaxMessageBytes.
MAX_MESSAGE_BYTES = 64 << 20


def log(level, message, **fields):
    """Writes one hclog JSON line to stderr; the host re-logs it."""
    rec = {
        "@level": level,
        "@message": message,
        "@timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
    }
    rec.update(fields)
    sys.stderr.write(json.dumps(rec) + "\n")
    sys.stderr.flush()


def _raw(b):
    return b


def _health_handler():
    # grpc.health.v1.Health/Check; the reply is HealthCheckResponse with
    # status = SERVING (field 1, varint 1), written by hand so that no
    # grpcio-health-checking package is needed.
    def check(request, context):
        return b"\x08\x01"

    return grpc.method_handlers_generic_handler(
        "grpc.health.v1.Health",
        {"Check": grpc.unary_unary_rpc_method_handler(check, request_deserializer=_raw, response_serializer=_raw)},
    )


def _controller_handler(stop):
    # plugin.GRPCController/Shutdown(Empty) returns (Empty): both encode as
    # zero bytes.
    def shutdown(request, context):
        stop.set()
        return b""

    return grpc.method_handlers_generic_handler(
        "plugin.GRPCController",
        {"Shutdown": grpc.unary_unary_rpc_method_handler(shutdown, request_deserializer=_raw, response_serializer=_raw)},
    )


def _auto_mtls(client_pem):
    """Returns server credentials that require the host's certificate, and
    the handshake's certificate field."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(seconds=30))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=True, data_encipherment=False,
                key_agreement=True, key_cert_sign=True, crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    creds = grpc.ssl_server_credentials(
        [(key_pem, cert_pem)], root_certificates=client_pem.encode(), require_client_auth=True
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    return creds, base64.b64encode(der).decode().rstrip("=")


def serve(register, app_protocol, cookie_key, cookie_value, workers=8):
    """Serves the services that register(server, stop) adds, until the host
    shuts the plugin down, kills it or dies. Never returns."""
    if os.environ.get(cookie_key) != cookie_value:
        sys.stderr.write(
            "This is an rgml plugin: it is launched by the rgml host (see `rgml plugins list`), "
            "not run directly.\n"
        )
        sys.exit(1)
    offered = os.environ.get("PLUGIN_PROTOCOL_VERSIONS", "")
    if offered and str(app_protocol) not in offered.split(","):
        sys.stderr.write(f"the host speaks protocol versions {offered}; this plugin speaks {app_protocol}\n")
        sys.exit(1)
    # Like go-plugin's Go servers: a Ctrl-C meant for the host's terminal
    # must not kill the plugin under it; the host stops it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    fd, path = tempfile.mkstemp(prefix="plugin", dir=os.environ.get("PLUGIN_UNIX_SOCKET_DIR") or None)
    os.close(fd)
    os.remove(path)

    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ],
    )
    register(server, stop)
    server.add_generic_rpc_handlers((_health_handler(), _controller_handler(stop)))
    client_pem = os.environ.get("PLUGIN_CLIENT_CERT", "")
    cert_field = ""
    try:
        if client_pem:
            creds, cert_field = _auto_mtls(client_pem)
            server.add_secure_port("unix:" + path, creds)
        else:
            server.add_insecure_port("unix:" + path)
        server.start()
    except Exception as e:  # noqa: BLE001 - any failure here is fatal
        log("error", "cannot serve", error=str(e))
        _remove(path)
        sys.exit(1)

    parent = os.getppid()

    def watch_parent():
        while not stop.wait(0.5):
            if os.getppid() != parent:
                log("info", "host process gone; exiting")
                stop.set()

    threading.Thread(target=watch_parent, daemon=True).start()

    sys.stdout.write(f"{CORE_PROTOCOL}|{app_protocol}|unix|{path}|grpc|{cert_field}\n")
    sys.stdout.flush()
    log("debug", "plugin serving", address=path, tls=bool(client_pem))
    stop.wait()
    server.stop(grace=0.5).wait(2)
    _remove(path)
    sys.stderr.flush()
    # Worker threads may be inside a long numpy loop: leave without
    # waiting for them.
    os._exit(0)


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
