#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Packet tools for actun's data-plane tests; run with /usr/bin/python3.

  pkt.py gre FILE.pcap...     one line per GRE packet:
                              SRC>DST ttl=N key=K|none proto=0xPPPP inner=SRC>DST
  pkt.py syn FILE.pcap...     one line per TCP SYN: SRC>DST SYN|SYN-ACK mss=N
                              (with several files, each line starts "FILE: ")
  pkt.py send CASE SRC DST [--key K] [--count N] [--inner-src A] [--inner-dst B]
                              send GRE from SRC to DST, well-formed or broken
                              as CASE says (see CASES)
  pkt.py keepalive SRC DST IFACE [--key K] [--count N]
                              send Cisco-style GRE keepalives from SRC to DST
                              and print how many came back on IFACE
  pkt.py flows DST PORT COUNT [--sport N] [--repeat R]
                              COUNT flows of R UDP datagrams (10 bytes) to
                              DST:PORT, each flow from its own source port
  pkt.py listen PORT          accept TCP connections until killed
  pkt.py connect DST PORT     open one TCP connection and close it

The inner packet of "send" is an ICMP echo reply (84 bytes), which the
receiver never answers, so a test can count exactly what it sent.
"""
import argparse
import socket
import struct
import sys
import time

GRE_C, GRE_R, GRE_K = 0x8000, 0x4000, 0x2000

CASES = {
    "valid": "well-formed, delivered",
    "csum": "checksum present and right, delivered",
    "badcsum": "checksum present and wrong",
    "version": "GRE version 1",
    "routing": "routing present bit set",
    "truncated": "header cut short (6 bytes: K flag, protocol, half a key)",
    "proto": "protocol type 0x1234",
}


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def gre(case, key, payload, proto=0x0800):
    """GRE header (and payload) for CASE."""
    k = GRE_K if key is not None else 0
    kb = struct.pack("!I", key) if key is not None else b""
    if case in ("valid", "proto"):
        return struct.pack("!HH", k, 0x1234 if case == "proto" else proto) + kb + payload
    if case == "version":
        return struct.pack("!HH", k | 1, proto) + kb + payload
    if case == "routing":
        # R implies the checksum and offset fields (RFC 1701).
        return struct.pack("!HHHH", GRE_R | k, proto, 0, 0) + kb + payload
    if case in ("csum", "badcsum"):
        c = csum16(struct.pack("!HHHH", GRE_C | k, proto, 0, 0) + kb + payload)
        if case == "badcsum":
            c ^= 0x5A5A
        return struct.pack("!HHHH", GRE_C | k, proto, c, 0) + kb + payload
    if case == "truncated":
        # The K bit promises a key; only half of one follows.
        return struct.pack("!HHH", GRE_K, proto, 0)
    raise SystemExit("unknown case %s; cases: %s" % (case, ", ".join(CASES)))


def gre_fields(data):
    """(flags, proto, key or None, payload) of a GRE header, or None."""
    if len(data) < 4:
        return None
    flags, proto = struct.unpack("!HH", data[:4])
    off = 4 + (4 if flags & (GRE_C | GRE_R) else 0)
    key = None
    if flags & GRE_K:
        if len(data) < off + 4:
            return None
        key = struct.unpack("!I", data[off:off + 4])[0]
        off += 4
    if flags & 0x1000:
        off += 4
    return flags, proto, key, data[off:]


def raw_sender():
    """An IP_HDRINCL socket: the kernel routes the packet, fills in the total
    length and the header checksum, and sends the rest as given."""
    return socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)


def packets(files):
    """(prefix, packet) of every packet in FILES; the prefix names the file
    when there are several."""
    from scapy.all import rdpcap
    for f in files:
        prefix = f.rsplit("/", 1)[-1].rsplit(".", 1)[0] + ": " if len(files) > 1 else ""
        for p in rdpcap(f):
            yield prefix, p


def cmd_gre(a):
    from scapy.all import IP
    for name, p in packets(a.file):
        if IP not in p or p[IP].proto != 47:
            continue
        ip = p[IP]
        f = gre_fields(bytes(ip.payload))
        if f is None:
            print("%s%s>%s ttl=%d malformed" % (name, ip.src, ip.dst, ip.ttl))
            continue
        inner = ""
        if f[1] == 0x0800 and len(f[3]) >= 20:
            i = IP(f[3])
            inner = " inner=%s>%s" % (i.src, i.dst)
        elif f[1] == 0x86DD and len(f[3]) >= 40:
            inner = " inner=%s>%s" % (socket.inet_ntop(socket.AF_INET6, f[3][8:24]),
                                      socket.inet_ntop(socket.AF_INET6, f[3][24:40]))
        print("%s%s>%s ttl=%d key=%s proto=0x%04x%s" % (
            name, ip.src, ip.dst, ip.ttl, "none" if f[2] is None else f[2], f[1], inner))


def cmd_syn(a):
    from scapy.all import IP, IPv6, TCP
    for name, p in packets(a.file):
        if TCP not in p or not p[TCP].flags.S:
            continue
        l3 = p[IP] if IP in p else p[IPv6]
        mss = dict((o[0], o[1]) for o in p[TCP].options if isinstance(o, tuple)).get("MSS")
        print("%s%s>%s %s mss=%s" % (name, l3.src, l3.dst,
                                    "SYN-ACK" if p[TCP].flags.A else "SYN", mss))


def ipv4(src, dst, proto, payload, ttl=64):
    """An IPv4 packet (no options, DF clear)."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, ttl, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", csum16(hdr)) + hdr[12:] + payload


def echo_reply(src, dst, seq):
    """An 84-byte ICMP echo reply, which nobody answers."""
    icmp = struct.pack("!BBHHH", 0, 0, 0, 0x4143, seq) + b"\0" * 56
    icmp = icmp[:2] + struct.pack("!H", csum16(icmp)) + icmp[4:]
    return ipv4(src, dst, 1, icmp)


# Packets are built with struct rather than scapy: importing scapy takes
# seconds in the TCG guest, and a test sends many small batches.
def cmd_send(a):
    s = raw_sender()
    for i in range(a.count):
        inner = echo_reply(a.inner_src, a.inner_dst, i)
        s.sendto(ipv4(a.src, a.dst, 47, gre(a.case, a.key, inner)), (a.dst, 0))


def cmd_keepalive(a):
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
    rx.bind((a.iface, 0))
    # A Cisco keepalive: GRE whose inner packet is GRE (protocol 0) from the
    # far end back to the sender; the far end decapsulates it and routes the
    # inner packet home.
    inner = ipv4(a.dst, a.src, 47, gre("valid", a.key, b"", 0), ttl=255)
    tx = raw_sender()
    for _ in range(a.count):
        tx.sendto(ipv4(a.src, a.dst, 47, gre("valid", a.key, inner)), (a.dst, 0))
    seen = 0
    deadline = time.time() + a.timeout
    while seen < a.count and time.time() < deadline:
        rx.settimeout(max(deadline - time.time(), 0.01))
        try:
            data = rx.recv(65535)
        except socket.timeout:
            break
        if len(data) < 20 or data[9] != 47:
            continue
        if (socket.inet_ntoa(data[12:16]), socket.inet_ntoa(data[16:20])) != (a.dst, a.src):
            continue
        f = gre_fields(data[(data[0] & 15) * 4:])
        if f and f[1] == 0 and f[2] == a.key:
            seen += 1
    print(seen)


def cmd_flows(a):
    for i in range(a.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", a.sport + i))
        for _ in range(a.repeat):
            s.sendto(b"flow %5d" % i, (a.dst, a.port))
        s.close()


def cmd_listen(a):
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::", a.port))
    ls.listen(16)
    while True:
        ls.accept()[0].close()


def cmd_connect(a):
    socket.create_connection((a.dst, a.port), timeout=5).close()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("gre")
    p.add_argument("file", nargs="+")
    p = sub.add_parser("syn")
    p.add_argument("file", nargs="+")
    p = sub.add_parser("send")
    p.add_argument("case", choices=CASES)
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--key", type=int)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--inner-src", default="203.0.113.100")
    p.add_argument("--inner-dst", default="198.18.0.10")
    p = sub.add_parser("keepalive")
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("iface")
    p.add_argument("--key", type=int)
    p.add_argument("--count", type=int, default=3)
    p.add_argument("--timeout", type=float, default=5)
    p = sub.add_parser("flows")
    p.add_argument("dst")
    p.add_argument("port", type=int)
    p.add_argument("count", type=int)
    p.add_argument("--sport", type=int, default=20000)
    p.add_argument("--repeat", type=int, default=1)
    p = sub.add_parser("listen")
    p.add_argument("port", type=int)
    p = sub.add_parser("connect")
    p.add_argument("dst")
    p.add_argument("port", type=int)
    a = ap.parse_args()
    globals()["cmd_" + a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
