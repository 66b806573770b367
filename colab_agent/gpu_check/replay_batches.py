#!/usr/bin/env python3
"""Feeds tandem-agent recorded wire batches over a real WebSocket and measures images/s.

Standard library only (it runs on GPU machines without a package registry): a minimal RFC 6455
client over a socket, Tandem's handshake (HMAC-SHA256 challenge-response) and its message
framing exactly as core/protocol/wire_codec.cpp writes them, including the split of large
messages into Fragment messages of at most 1 MiB (Limits::maxFrameBytes).

  replay_batches.py --url ws://127.0.0.1:PORT --secret-file F --batches FILE [--steps N]
                    [--warmup W] [--device cuda|cpu|auto] [--model resnet18|cnn|auto]
                    [--precision bf16|fp32|auto] [--json OUT]

FILE is written by record-batches (beside this script): encoded Batch messages made by the
desktop client's own pipeline (dataset index, seeded plan, OpenCV preprocessing, wire encoder).
The replay sends them in a loop with fresh sequence numbers, one epoch of N training steps,
within the credits the agent grants, as the real client does. Images/s counts the steps after
the first W, from the metrics of step W to those of the last step.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import struct
import sys
import time
import urllib.parse

# ---- core/protocol/messages.h --------------------------------------------------------------
MAGIC = 0x4D444E54
VERSION = 1
HEADER = struct.Struct("<IHBBI")           # magic, version, type, flags, payload length
HELLO, AUTH_PROOF, SESSION_CONFIG, SESSION_READY, CREDIT, BATCH, EPOCH_END, STEP_METRICS, \
    EPOCH_METRICS, PING, PONG, ERROR, GOODBYE, WEIGHTS_REQUEST, WEIGHTS, INFER_RESULT, FRAGMENT = range(1, 18)
ROLE_CLIENT, ROLE_AGENT = 1, 2
SPLIT_TRAIN = 0
NONCE_BYTES = 32
MAX_FRAME_BYTES = 1 << 20                   # Limits::maxFrameBytes
FRAGMENT_CHUNK = MAX_FRAME_BYTES - HEADER.size - 24
BATCH_SEQ_OFFSET = HEADER.size              # Batch: seq u64, epoch u32, split u8, c/h/w u16, sentAtNs i64
BATCH_SENT_AT_OFFSET = HEADER.size + 8 + 4 + 1 + 2 + 2 + 2   # kBatchSentAtOffset
RECORDING_MAGIC = b"TNDMREC1"
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def message(type_, payload=b""):
    return HEADER.pack(MAGIC, VERSION, type_, 0, len(payload)) + payload


def sized(data):
    return struct.pack("<I", len(data)) + data


def proof(secret, prover_role, verifier_nonce, prover_nonce):
    """auth::proof: HMAC-SHA256(secret, "tandem-auth-v1" | role | verifier nonce | prover nonce)."""
    return hmac.new(secret, b"tandem-auth-v1" + bytes([prover_role]) + verifier_nonce + prover_nonce,
                    hashlib.sha256).digest()


class ProtocolError(RuntimeError):
    pass


# ---- RFC 6455 client -----------------------------------------------------------------------

def mask_bytes(data, key):
    """data XOR the repeated 4-byte key, in C speed through big integers."""
    n = len(data)
    if n == 0:
        return b""
    repeated = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "little") ^ int.from_bytes(repeated, "little")).to_bytes(n, "little")


class MaskedFrame:
    """One client→server binary WebSocket frame, masked once; fields are patched in place later
    (patching a masked payload: XOR the new bytes with the key bytes at their positions)."""

    def __init__(self, payload):
        self.key = os.urandom(4)
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x82, 0x80 | n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x82, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x82, 0x80 | 127, n)
        self.offset = len(head) + 4
        self.data = bytearray(head + self.key + mask_bytes(payload, self.key))

    def patch(self, payload_offset, value):
        for i, byte in enumerate(value):
            position = payload_offset + i
            self.data[self.offset + position] = byte ^ self.key[position % 4]


class WebSocket:
    def __init__(self, url, timeout_s=30):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "ws":
            raise ValueError(f"{url}: only ws:// (loopback) is supported by the replay")
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout_s)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(max(timeout_s, 120))  # a first CUDA step (cuDNN autotuning) can be slow
        key = base64.b64encode(os.urandom(16))
        request = (f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ProtocolError("the server closed during the WebSocket handshake")
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise ProtocolError(f"WebSocket upgrade refused: {lines[0]}")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        expected = base64.b64encode(hashlib.sha1(key + WS_GUID).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            raise ProtocolError("wrong Sec-WebSocket-Accept")
        self.partial = b""
        self.partial_opcode = None

    def send_frame(self, frame):
        self.sock.sendall(frame.data)

    def send(self, payload, opcode=0x2):
        frame = MaskedFrame(payload)
        frame.data[0] = 0x80 | opcode
        self.sock.sendall(frame.data)

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ProtocolError("the agent closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive(self):
        """The next complete binary message; answers pings; raises on close."""
        while True:
            b0, b1 = self._read(2)
            fin, opcode, length = b0 & 0x80, b0 & 0x0F, b1 & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read(8))[0]
            key = self._read(4) if b1 & 0x80 else None
            payload = self._read(length)
            if key:
                payload = mask_bytes(payload, key)
            if opcode == 0x9:
                self.send(payload, opcode=0xA)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                raise ProtocolError(f"the agent closed the WebSocket ({code}): {payload[2:].decode(errors='replace')}")
            if opcode in (0x1, 0x2):
                self.partial, self.partial_opcode = payload, opcode
            elif opcode == 0x0:
                self.partial += payload
            if fin:
                if self.partial_opcode == 0x1:
                    raise ProtocolError("the agent sent a text frame")
                return self.partial

    def close(self):
        try:
            self.send(struct.pack("!H", 1000) + b"replay finished", opcode=0x8)
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.sock.close()


# ---- Tandem messages -------------------------------------------------------------------------

class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def get(self, fmt):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise ProtocolError("truncated message")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def sized(self):
        n = self.get("<I")
        data = self.data[self.pos:self.pos + n]
        if len(data) != n:
            raise ProtocolError("truncated field")
        self.pos += n
        return data


def decode(frame):
    if len(frame) < HEADER.size:
        raise ProtocolError("message shorter than the header")
    magic, version, type_, _, length = HEADER.unpack_from(frame)
    if magic != MAGIC or version != VERSION or length != len(frame) - HEADER.size:
        raise ProtocolError(f"not a Tandem v{VERSION} message (magic {magic:08x}, version {version})")
    return type_, Reader(frame[HEADER.size:])


class Fragments:
    """Reassembles Fragment messages (FragmentAssembler); the agent rarely sends any."""

    def __init__(self):
        self.streams = {}

    def push(self, r):
        stream, index, count, total = r.get("<IIIQ")
        chunk = r.sized()
        parts = self.streams.setdefault(stream, [])
        if index != len(parts):
            raise ProtocolError("fragments out of order")
        parts.append(chunk)
        if index + 1 < count:
            return None
        data = b"".join(self.streams.pop(stream))
        if len(data) != total:
            raise ProtocolError("fragmented message of the wrong size")
        return data


def split_frames(encoded, stream_id):
    """MessageSocket::sendFrames / splitFrames: one message, or Fragments of at most 1 MiB."""
    if len(encoded) <= MAX_FRAME_BYTES:
        return [encoded]
    count = (len(encoded) + FRAGMENT_CHUNK - 1) // FRAGMENT_CHUNK
    return [message(FRAGMENT, struct.pack("<IIIQ", stream_id, i, count, len(encoded))
                    + sized(encoded[i * FRAGMENT_CHUNK:(i + 1) * FRAGMENT_CHUNK])) for i in range(count)]


def read_recording(path):
    with open(path, "rb") as f:
        if f.read(len(RECORDING_MAGIC)) != RECORDING_MAGIC:
            raise SystemExit(f"{path} is not a record-batches file")
        header = json.loads(f.read(struct.unpack("<I", f.read(4))[0]))
        batches = []
        while True:
            size = f.read(4)
            if not size:
                break
            batches.append(f.read(struct.unpack("<I", size)[0]))
    if not batches:
        raise SystemExit(f"{path} holds no batches")
    return header, batches


class PreparedBatch:
    """A recorded Batch as masked WebSocket frames, ready to send with a new seq, stream and time."""

    def __init__(self, encoded):
        type_, _ = decode(encoded)
        if type_ != BATCH:
            raise SystemExit("the recording holds a message that is not a Batch")
        self.samples = struct.unpack_from("<I", encoded, BATCH_SENT_AT_OFFSET + 8)[0]
        self.bytes = len(encoded)
        self.fragmented = len(encoded) > MAX_FRAME_BYTES
        self.frames = [MaskedFrame(f) for f in split_frames(encoded, 0)]
        # Where seq and sentAtNs sit inside the first frame's payload.
        self.base = HEADER.size + 24 if self.fragmented else 0

    def send(self, ws, seq, stream_id):
        if self.fragmented:
            for frame in self.frames:
                frame.patch(HEADER.size, struct.pack("<I", stream_id))
        first = self.frames[0]
        first.patch(self.base + BATCH_SEQ_OFFSET, struct.pack("<Q", seq))
        first.patch(self.base + BATCH_SENT_AT_OFFSET, struct.pack("<q", time.monotonic_ns()))
        for frame in self.frames:
            ws.send_frame(frame)


def run(args):
    header, recorded = read_recording(args.batches)
    prepared = [PreparedBatch(b) for b in recorded]
    secret = open(args.secret_file, "rb").readline().strip() if args.secret_file else os.environb[b"TANDEM_SECRET"].strip()
    ws = WebSocket(args.url)

    # Handshake (handshake.cpp): both send Hello, prove with the peer's nonce, verify the peer's proof.
    nonce = os.urandom(NONCE_BYTES)
    ws.send(message(HELLO, struct.pack("<HHB", VERSION, VERSION, ROLE_CLIENT) + nonce + sized(b"tandem-replay")))
    agent_nonce = None
    while True:
        type_, r = decode(ws.receive())
        if type_ == HELLO:
            _, _, role = r.get("<HHB")
            agent_nonce = r.data[r.pos:r.pos + NONCE_BYTES]
            r.pos += NONCE_BYTES
            software = r.sized().decode()
            if role != ROLE_AGENT:
                raise ProtocolError("the peer is not an agent")
            ws.send(message(AUTH_PROOF, proof(secret, ROLE_CLIENT, agent_nonce, nonce)))
        elif type_ == AUTH_PROOF:
            if agent_nonce is None or not hmac.compare_digest(r.data[:32], proof(secret, ROLE_AGENT, nonce, agent_nonce)):
                raise ProtocolError("the agent could not prove it knows the secret")
            break
        elif type_ == ERROR:
            code = r.get("<H")
            raise ProtocolError(f"agent error {code}: {r.sized().decode(errors='replace')}")
        else:
            raise ProtocolError(f"message type {type_} during the handshake")

    config = {"model": args.model, "classNames": header["classNames"], "channels": header["channels"],
              "height": header["height"], "width": header["width"], "batchSize": header["batchSize"],
              "epochs": 1, "optimizer": "sgd", "learningRate": 0.05, "momentum": 0.9, "weightDecay": 0.0,
              "seed": "0", "device": args.device, "precision": args.precision, "deviceFlip": False,
              "stepsPerEpoch": args.steps}
    ws.send(message(SESSION_CONFIG, sized(json.dumps(config).encode())))

    fragments = Fragments()
    credits, sent, done, images_after_warmup = 0, 0, 0, 0
    t_warm = t_last = None
    info = None
    epoch_end_sent = False
    epoch_metrics = None
    stream_id = 1
    wire_bytes = 0
    started = time.monotonic()
    while epoch_metrics is None:
        # Send what the credits allow, as TrainingSession::pump() does.
        while info is not None and credits > 0 and sent < args.steps:
            batch = prepared[sent % len(prepared)]
            batch.send(ws, sent, stream_id)
            stream_id += 1
            wire_bytes += batch.bytes
            credits -= 1
            sent += 1
        if info is not None and sent == args.steps and not epoch_end_sent:
            ws.send(message(EPOCH_END, struct.pack("<IBI", 0, SPLIT_TRAIN, sent)))
            epoch_end_sent = True
        frame = ws.receive()
        arrival = time.monotonic()
        type_, r = decode(frame)
        if type_ == FRAGMENT:
            whole = fragments.push(r)
            if whole is None:
                continue
            type_, r = decode(whole)
        if type_ == SESSION_READY:
            info = json.loads(r.sized())
            credits = int(info["credits"])
            print(f"agent: {software}; session: {json.dumps(info)}", flush=True)
        elif type_ == CREDIT:
            credits += r.get("<I")
        elif type_ == STEP_METRICS:
            seq, _, _, count = r.get("<QIBI")
            done += 1
            if done == args.warmup:
                t_warm = arrival
            elif done > args.warmup:
                images_after_warmup += count
                t_last = arrival
        elif type_ == EPOCH_METRICS:
            epoch, _, samples, correct, loss, accuracy = r.get("<IBIIff")
            epoch_metrics = {"samples": samples, "meanLoss": loss, "accuracy": accuracy}
        elif type_ == PING:
            t1 = r.get("<q")
            now = time.monotonic_ns()
            ws.send(message(PONG, struct.pack("<qqq", t1, now, time.monotonic_ns())))
        elif type_ == PONG:
            pass
        elif type_ == ERROR:
            code = r.get("<H")
            raise ProtocolError(f"agent error {code}: {r.sized().decode(errors='replace')}")
        elif type_ == GOODBYE:
            raise ProtocolError(f"the agent said goodbye early: {r.sized().decode(errors='replace')}")
        if time.monotonic() - started > args.timeout:
            raise ProtocolError(f"no end of epoch within {args.timeout} s ({done} of {args.steps} steps done)")
    ws.send(message(GOODBYE, sized(b"replay finished")))
    ws.close()

    if done != args.steps or t_warm is None or t_last is None or t_last <= t_warm:
        raise ProtocolError(f"{done} step metrics for {args.steps} batches (warm-up {args.warmup})")
    rate = images_after_warmup / (t_last - t_warm)
    result = {"images_per_s": rate, "steps": args.steps, "warmup": args.warmup, "batch": header["batchSize"],
              "size": [header["height"], header["width"]], "channels": header["channels"],
              "mb_per_s": wire_bytes / (time.monotonic() - started) / 1e6, "agent": info, "epoch": epoch_metrics}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret-file")
    parser.add_argument("--batches", required=True)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--model", default="resnet18")
    parser.add_argument("--precision", default="bf16")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args()
    if not 0 < args.warmup < args.steps:
        parser.error("--warmup must be between 0 and --steps")
    try:
        result = run(args)
    except (ProtocolError, OSError) as error:
        print(f"replay failed: {error}", file=sys.stderr)
        return 1
    print(f"(a) agent over a loopback WebSocket: {result['images_per_s']:.1f} images/s "
          f"({result['steps'] - result['warmup']} steps of {result['batch']} after {result['warmup']} warm-up; "
          f"{result['mb_per_s']:.0f} MB/s on the wire)")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
