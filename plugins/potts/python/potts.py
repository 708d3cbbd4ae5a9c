"""The q = 3 Potts model as an rgml model plugin, written in Python against
framework/proto/rgml/v1/rgml.proto only.

H = -J sum_<ij> delta(s_i, s_j) on an L x L periodic square lattice, J = 1,
s_i in {0, 1, 2}, each nearest-neighbour bond counted once; site (x, y) at
index x*L + y. T_c = 1/ln(1 + sqrt(3)) = 0.99497 (Baxter).
"""

import math
import struct

import numpy as np
import grpc

from rgml.v1 import rgml_pb2 as pb
from rgml.v1 import rgml_pb2_grpc as pbgrpc

PROTOCOL_VERSION = 1
VERSION = "1.0.0"
Q = 3
MAX_SIZE = 4096
ZERO_TEMPERATURE = 1e-6
CHAINS_PER_POINT = 8
CHUNK_BYTES = 1 << 20
DEFAULT_SWEEPS = 2
DEFAULT_THERMALIZATION = 200

ALGORITHM = "heatbath"

DESCRIPTION = pb.ModelDescription(
    info=pb.PluginInfo(
        name="potts",
        version=VERSION,
        protocol_version=PROTOCOL_VERSION,
        doc="q = 3 Potts model on an L×L square lattice with periodic boundaries, "
        "H = −J Σ_<ij> δ(s_i, s_j) (J = 1, k_B = 1, each bond once), s_i ∈ {0, 1, 2}; "
        "site (x, y) at index x*L + y; T_c = 1/ln(1 + √3) ≈ 0.995. A Python plugin (numpy).",
    ),
    parameters=[
        pb.ParamSpec(
            name="T",
            doc="temperature in units of J/k_B; T = 0 is run as T = 1e-6",
            kind=pb.PARAM_KIND_FLOAT,
            default_value=1.0,
            has_min=True,
            min=0.0,
            unit="J/k_B",
        )
    ],
    state_space=[0, 1, 2],
    algorithms=[
        pb.AlgorithmSpec(
            name=ALGORITHM,
            doc="heat-bath Markov chains, checkerboard sweeps (L must be even): each site takes state k "
            "with probability ∝ exp(n_k/T), n_k its neighbours in state k; 8 chains per point, updated "
            "together, each from a random start, Thermalization sweeps (default 200), then one "
            "configuration every Sweeps sweeps (default 2); Accepted counts sites that changed",
        )
    ],
    default_algorithm=ALGORITHM,
    observables=[
        pb.ObservableSpec(name="energy", doc="energy per site, −(1/L²) Σ_<ij> δ(s_i, s_j)"),
        pb.ObservableSpec(
            name="magnetization",
            doc="Potts order parameter (q·max_k N_k/L² − 1)/(q − 1), N_k the number of sites in state k",
        ),
    ],
    dimension=2,
    min_size=2,
    references=[
        pb.Reference(
            name="T_c",
            points=[pb.ParamPoint(values=[pb.ParamValue(name="T", number=1 / math.log(1 + math.sqrt(Q)))])],
            source="Potts, Proc. Camb. Phil. Soc. 48, 106 (1952); Baxter, J. Phys. C 6, L445 (1973): "
            "T_c = 1/ln(1 + √q), q = 3",
        )
    ],
    lattice="hypercubic-periodic",
)


class InvalidArgument(Exception):
    pass


def resolve(point):
    """Returns the point's T, applying defaults and checking names and range."""
    values = {"T": 1.0}
    for v in point.values:
        if v.name not in values:
            raise InvalidArgument(f"model potts has no parameter {v.name!r} (known: T)")
        values[v.name] = v.number
    T = values["T"]
    if not math.isfinite(T):
        raise InvalidArgument(f"parameter T = {T}: must be a finite number")
    if T < 0:
        raise InvalidArgument(f"parameter T = {T} is out of range [0, +inf)")
    return T


def check_size(L):
    if L < 2 or L > MAX_SIZE:
        raise InvalidArgument(f"lattice size L = {L}: must be in [2, {MAX_SIZE}]")
    if L % 2:
        raise InvalidArgument(f"lattice size L = {L}: the checkerboard heat bath needs an even L")


def validate(req):
    """Returns (algorithm, temperatures, sweeps, thermalization) of a
    request, or raises InvalidArgument."""
    algorithm = req.algorithm or ALGORITHM
    if algorithm != ALGORITHM:
        raise InvalidArgument(f"model potts has no algorithm {algorithm!r} (known: [{ALGORITHM}])")
    check_size(req.size)
    if req.per_point <= 0:
        raise InvalidArgument(f"configurations per point = {req.per_point}: must be positive")
    if req.sweeps < 0 or req.thermalization < 0:
        raise InvalidArgument(
            f"sweeps ({req.sweeps}) and thermalisation sweeps ({req.thermalization}) must not be negative"
        )
    if not req.points:
        raise InvalidArgument("no parameter points requested")
    temps = [resolve(p) for p in req.points]
    return algorithm, temps, req.sweeps or DEFAULT_SWEEPS, req.thermalization or DEFAULT_THERMALIZATION


def point_rng(seed, L, T):
    """The generator of one point: keyed by what is sampled (L, T), not by
    the point's place in the grid."""
    bits = struct.unpack("<Q", struct.pack("<d", T))[0]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 0x706F747473, L, bits])))


class Chains:
    """B heat-bath chains on L x L lattices, updated together."""

    def __init__(self, rng, B, L, T):
        self.rng = rng
        self.beta = 1.0 / (T if T > 0 else ZERO_TEMPERATURE)
        self.s = rng.integers(0, Q, size=(B, L, L), dtype=np.int8)
        x, y = np.indices((L, L))
        self.colour = [((x + y) % 2 == c) for c in (0, 1)]

    def sweep(self):
        """One checkerboard sweep; returns the number of sites changed."""
        changed = 0
        s = self.s
        for mask in self.colour:
            n = np.zeros((Q,) + s.shape, dtype=np.int8)
            for axis in (1, 2):
                for shift in (1, -1):
                    nb = np.roll(s, shift, axis=axis)
                    for k in range(Q):
                        n[k] += nb == k
            # Weights relative to the best state, so nothing overflows.
            e = n - n.max(axis=0)
            w = np.exp(self.beta * e)
            c = np.cumsum(w, axis=0)
            u = self.rng.random(s.shape) * c[-1]
            new = (u >= c[0]).astype(np.int8) + (u >= c[1]).astype(np.int8)
            upd = np.where(mask, new, s)
            changed += int(np.count_nonzero(upd != s))
            s = upd
        self.s = s
        return changed


def energy_magnetization(L, configs):
    """Per-configuration energy per site and Potts order parameter."""
    s = configs.reshape(-1, L, L)
    N = L * L
    bonds = (s == np.roll(s, 1, axis=1)).sum(axis=(1, 2)) + (s == np.roll(s, 1, axis=2)).sum(axis=(1, 2))
    counts = np.stack([(s == k).sum(axis=(1, 2)) for k in range(Q)])
    m = (Q * counts.max(axis=0) / N - 1) / (Q - 1)
    return -bonds.astype(np.float64) / N, m.astype(np.float64)


class ModelServicer(pbgrpc.ModelServicer):
    def Describe(self, request, context):
        return DESCRIPTION

    def Sample(self, request, context):
        try:
            _, temps, sweeps, therm = validate(request)
        except InvalidArgument as e:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
        L, per = request.size, request.per_point
        N = L * L
        B = min(CHAINS_PER_POINT, per)
        lo = [c * per // B for c in range(B)]
        count = [(c + 1) * per // B - lo[c] for c in range(B)]
        # Records per chain held before they are emitted: about
        # CHUNK_BYTES for all chains together.
        hold = max(1, CHUNK_BYTES // (N * B))
        for p, T in enumerate(temps):
            chains = Chains(point_rng(request.seed, L, T), B, L, T)
            accepted = 0
            for _ in range(therm):
                if not context.is_active():
                    return
                accepted += chains.sweep()
            attempts = therm * N * B
            buf = [[] for _ in range(B)]
            first = [0] * B
            for k in range(max(count)):
                for _ in range(sweeps):
                    if not context.is_active():
                        return
                    accepted += chains.sweep()
                attempts += sweeps * N * B
                for c in range(B):
                    if k < count[c]:
                        buf[c].append(chains.s[c].tobytes())
                if (k + 1) % hold == 0 or k == max(count) - 1:
                    live = [c for c in range(B) if buf[c]]
                    for i, c in enumerate(live):
                        # Work is credited to the first chunk of a round.
                        yield pb.SampleChunk(
                            point=p,
                            first=lo[c] + first[c],
                            count=len(buf[c]),
                            configs=b"".join(buf[c]),
                            attempts=attempts if i == 0 else 0,
                            accepted=accepted if i == 0 else 0,
                        )
                        first[c] += len(buf[c])
                        buf[c] = []
                    attempts = accepted = 0

    def Observables(self, request_iterator, context):
        L = 0
        for req in request_iterator:
            if req.size:
                L = req.size
            try:
                if req.HasField("point"):
                    resolve(req.point)
                if L < 2 or L > MAX_SIZE:
                    raise InvalidArgument(f"lattice size L = {L}: must be in [2, {MAX_SIZE}]")
                configs = np.frombuffer(req.configs, dtype=np.int8)
                if len(configs) % (L * L):
                    raise InvalidArgument(
                        f"{len(configs)} values are not a whole number of {L * L}-site configurations"
                    )
                bad = np.flatnonzero((configs < 0) | (configs >= Q))
                if len(bad):
                    i = int(bad[0])
                    raise InvalidArgument(
                        f"configuration {i // (L * L)}, site {i % (L * L)}: value {configs[i]} "
                        "is not in the state space [0 1 2]"
                    )
            except InvalidArgument as e:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
            e, m = energy_magnetization(L, configs)
            yield pb.ObservablesResponse(
                values=[
                    pb.TensorChunk(name=name, dtype=pb.DTYPE_FLOAT64, shape=[len(v)], data=v.astype("<f8").tobytes())
                    for name, v in (("energy", e), ("magnetization", m))
                ]
            )
