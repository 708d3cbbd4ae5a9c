"""rgml-plugin-potts: the q = 3 Potts model served to the rgml host."""

import goplugin
import potts
from rgml.v1 import rgml_pb2_grpc as pbgrpc

# framework/sdk.Handshake: the host's magic cookie and protocol version.
COOKIE_KEY = "RGML_PLUGIN_MAGIC_COOKIE"
COOKIE_VALUE = "2b1f0c8e-rgml-rbm-flow-7d4a"


def register(server, stop):
    pbgrpc.add_ModelServicer_to_server(potts.ModelServicer(), server)


if __name__ == "__main__":
    goplugin.serve(register, potts.PROTOCOL_VERSION, COOKIE_KEY, COOKIE_VALUE)
