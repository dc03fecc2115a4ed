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

ESP (tunnel mode, RFC 4303; in UDP, RFC 3948):

  pkt.py esp-send CASE SRC DST --spi SPI --enc ENC [--key HEX] [--auth AUTH
          --auth-key HEX] [--seq N] [--count N] [--udp SPORT:DPORT]
          [--inner-src A] [--inner-dst B]
                              crafted ESP (the inner packet as for "send")
                              with sequence numbers N, N+1, ..., well-formed
                              or broken as CASE says (see ESP_CASES)
  pkt.py esp [--seq] [--iv] FILE.pcap...
                              one line per ESP packet (raw, or UDP with
                              port 4500 on a side):
                              SRC>DST [udp SPORT>DPORT] esp spi=0xSPI
  pkt.py esp-ivs [--src A] FILE.pcap...
                              explicit GCM IV statistics (server id, epoch,
                              sequence number) and (SPI, IV) repeats
  pkt.py esp-replay FILE.pcap --spi SPI [--index N]
                              send the N-th ESP packet with SPI again
  pkt.py encap-sock PORT [--addr A]
                              hold a UDP_ENCAP_ESPINUDP socket until killed
  pkt.py udp-raw SRC DST SPORT DPORT HEX [--count N]
                              UDP datagrams with payload HEX, sent raw
  pkt.py udp-flood DST PORT COUNT [--size N]
                              COUNT datagrams as fast as possible

Counted UDP streams, for transfers through a sender whose kernel may refuse
a datagram (Linux xfrm during its own SA swap): each datagram carries its
number, counting only the ones the sender's kernel took.

  pkt.py seq-send DST PORT --time S [--rate PPS] [--size N] [--bind A]
                              datagrams numbered 0, 1, ... at PPS per second;
                              a send the kernel refuses is counted by errno
                              and its number given to the next; prints JSON
                              {"sent": N, "refused": {"EINVAL": N, ...}}
  pkt.py seq-recv PORT [--bind A] [--idle S]
                              counts numbered datagrams until SIGTERM or S
                              seconds without one (after the first); prints
                              JSON {"received": N, "distinct": N,
                              "highest": N} (highest -1: none)
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


# ESP (RFC 4303 tunnel mode, RFC 3948 UDP encapsulation) for the ESP tests.
# Packets are built with struct and the cryptography module (scapy's ESP
# cannot make the broken trailers), and pcaps are read without scapy, which
# would take minutes over the nonce test's 200k packets under TCG.

import json  # noqa: E402
import os  # noqa: E402

# name: (key bytes, salt included; explicit IV bytes; alignment; ICV bytes)
ESP_ENC = {
    "gcm-aes-128": (20, 8, 4, 16),
    "gcm-aes-256": (36, 8, 4, 16),
    "cbc-aes-128": (16, 16, 16, 0),
    "cbc-aes-256": (32, 16, 16, 0),
    "null": (0, 0, 4, 0),
}
# name: (key bytes, hash, ICV bytes)
ESP_AUTH = {"hmac-sha256": (32, "sha256", 16), "hmac-sha1": (20, "sha1", 12)}

ESP_CASES = {
    "valid": "well-formed, delivered",
    "badkey": "every key of the SA wrong (integrity check fails)",
    "badicv": "last byte of the ICV flipped",
    "badspi": "SPI + 0x100000, an SA nobody has",
    "truncated": "ESP header, IV and 4 bytes: shorter than one block and ICV",
    "unaligned": "5 stray bytes before the ICV (ICV covers them): not whole blocks",
    "badpad": "authentic, but the padding bytes are zeros instead of 1, 2, 3...",
    "padlen": "authentic, but the pad length (250) exceeds the payload",
}
ESP_BADSPI = 0x100000  # "badspi" adds this to the SPI: an SA nobody has


def esp_encrypt(case, spi, seq, enc, key, auth, akey, payload, nexthdr, iv=None):
    """ESP header, IV, encrypted payload and trailer, ICV, as CASE says."""
    import hmac
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    _, ivlen, align, _ = ESP_ENC[enc]
    if case == "badkey":
        key = bytes(b ^ 0x5A for b in key)
        akey = bytes(b ^ 0x5A for b in akey)
    if case == "badspi":
        spi += ESP_BADSPI
    pad = -(len(payload) + 2) % align
    while case == "badpad" and pad < 4:  # room for visibly wrong bytes
        pad += align
    padding = bytes(range(1, pad + 1)) if case != "badpad" else b"\0" * pad
    padlen = 250 if case == "padlen" else pad
    plain = payload + padding + struct.pack("!BB", padlen, nexthdr)
    hdr = struct.pack("!II", spi, seq)
    if iv is None:
        iv = os.urandom(ivlen)
    if enc.startswith("gcm"):
        ct = AESGCM(key[:-4]).encrypt(key[-4:] + iv, plain, hdr)
        body = ct[:-16]
        icv = ct[-16:]
    else:
        if enc == "null":
            body = plain
        else:
            e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
            body = e.update(plain) + e.finalize()
        if case == "unaligned":
            body += b"\xa5" * 5
        _, digest, icvlen = ESP_AUTH[auth]
        icv = hmac.new(akey, hdr + iv + body, digest).digest()[:icvlen]
    if case == "badicv":
        icv = icv[:-1] + bytes([icv[-1] ^ 0xFF])
    if case == "truncated":
        return hdr + iv + (body + icv)[:4]
    return hdr + iv + body + icv


def udp(sport, dport, payload):
    """A UDP header with checksum 0 (RFC 3948 says so for ESP in UDP)."""
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def _hexkey(s):
    s = s or ""
    return bytes.fromhex(s[2:] if s.startswith("0x") else s)


def cmd_esp_send(a):
    """Crafted ESP from SRC to DST: packets with sequence numbers SEQ,
    SEQ+1, ..., each carrying an 84-byte ICMP echo reply."""
    key, akey = _hexkey(a.key), _hexkey(a.auth_key)
    if len(key) != ESP_ENC[a.enc][0] or (a.auth and len(akey) != ESP_AUTH[a.auth][0]):
        raise SystemExit("esp-send: wrong key length for %s/%s" % (a.enc, a.auth))
    s = raw_sender()
    for i in range(a.count):
        inner = echo_reply(a.inner_src, a.inner_dst, (a.seq + i) & 0xFFFF)
        esp = esp_encrypt(a.case, a.spi, a.seq + i, a.enc, key, a.auth, akey, inner, 4)
        if a.udp:
            sport, dport = (int(p) for p in a.udp.split(":"))
            pkt = ipv4(a.src, a.dst, 17, udp(sport, dport, esp))
        else:
            pkt = ipv4(a.src, a.dst, 50, esp)
        s.sendto(pkt, (a.dst, 0))


def pcap_ipv4(files):
    """(file, IPv4 header offset, frame) of every IPv4 packet in pcap FILES
    (Ethernet, Linux cooked v1/v2 or raw IP link types)."""
    for f in files:
        with open(f, "rb") as fp:
            data = fp.read()
        magic = data[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            en = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            en = ">"
        else:
            raise SystemExit("%s: not a pcap file" % f)
        link = struct.unpack(en + "I", data[20:24])[0] & 0x0FFFFFFF
        rec = struct.Struct(en + "IIII")
        off = 24
        while off + 16 <= len(data):
            _, _, caplen, _ = rec.unpack_from(data, off)
            frame = data[off + 16:off + 16 + caplen]
            off += 16 + caplen
            if link == 1:
                l3, etype = 14, frame[12:14]
            elif link == 113:
                l3, etype = 16, frame[14:16]
            elif link == 276:
                l3, etype = 20, frame[0:2]
            elif link in (12, 101, 228):
                l3, etype = 0, b"\x08\x00"
            else:
                raise SystemExit("%s: link type %d not supported" % (f, link))
            if etype == b"\x08\x00" and len(frame) >= l3 + 20 and frame[l3] >> 4 == 4:
                yield f, l3, frame


def esp_of(l3, frame):
    """(src, dst, udp ports or None, ESP offset) of an ESP packet, raw or in
    UDP with port 4500 on either side; None for anything else (IKE with
    its non-ESP marker, NAT keepalives included)."""
    ihl = (frame[l3] & 15) * 4
    proto = frame[l3 + 9]
    src, dst = socket.inet_ntoa(frame[l3 + 12:l3 + 16]), socket.inet_ntoa(frame[l3 + 16:l3 + 20])
    off = l3 + ihl
    if proto == 50:
        return src, dst, None, off
    if proto == 17 and len(frame) >= off + 8:
        ports = struct.unpack("!HH", frame[off:off + 4])
        if 4500 in ports and len(frame) >= off + 16 and frame[off + 8:off + 12] != b"\0" * 4:
            return src, dst, ports, off + 8
    return None


def cmd_esp(a):
    """One line per ESP packet: SRC>DST [udp SPORT>DPORT] esp spi=0xSPI
    [seq=N] [iv=HEX]."""
    for f, l3, frame in pcap_ipv4(a.file):
        e = esp_of(l3, frame)
        if e is None:
            continue
        src, dst, ports, off = e
        spi, seq = struct.unpack("!II", frame[off:off + 8])
        line = "%s%s>%s" % (f.rsplit("/", 1)[-1].rsplit(".", 1)[0] + ": " if len(a.file) > 1 else "",
                            src, dst)
        if ports:
            line += " udp %d>%d" % ports
        line += " esp spi=0x%x" % spi
        if a.seq:
            line += " seq=%d" % seq
        if a.iv:
            line += " iv=%s" % frame[off + 8:off + 16].hex()
        print(line)


def cmd_esp_ivs(a):
    """Explicit GCM IVs (server id 16 bits || epoch 16 bits || sequence
    number 32 bits) of the ESP packets from SRC: per file the packet count,
    the server ids and epochs seen, how many IVs' low 32 bits differ from
    the sequence number, the sequence numbers' range and how many are
    missing from it; over all files how many (SPI, IV) pairs occur more
    than once (one JSON object)."""
    seen = set()
    out = {"files": {}, "repeats": 0, "packets": 0}
    for f in a.file:
        st = {"packets": 0, "server_ids": set(), "epochs": set(), "iv_not_seq": 0}
        seqs = set()
        for _, l3, frame in pcap_ipv4([f]):
            e = esp_of(l3, frame)
            if e is None or (a.src and e[0] != a.src):
                continue
            off = e[3]
            spi_iv = frame[off:off + 4] + frame[off + 8:off + 16]
            if len(spi_iv) != 12:
                continue
            seq = struct.unpack("!I", frame[off + 4:off + 8])[0]
            sid, epoch, low = struct.unpack("!HHI", spi_iv[4:12])
            st["packets"] += 1
            st["server_ids"].add(sid)
            st["epochs"].add(epoch)
            st["iv_not_seq"] += low != seq
            seqs.add(seq)
            if spi_iv in seen:
                out["repeats"] += 1
            seen.add(spi_iv)
        st["server_ids"] = sorted(st["server_ids"])
        st["epochs"] = sorted(st["epochs"])
        st["seq_first"], st["seq_last"] = (min(seqs), max(seqs)) if seqs else (0, 0)
        st["seq_missing"] = st["seq_last"] - st["seq_first"] + 1 - len(seqs) if seqs else 0
        out["files"][f.rsplit("/", 1)[-1].rsplit(".", 1)[0]] = st
        out["packets"] += st["packets"]
    print(json.dumps(out, sort_keys=True))


def cmd_esp_replay(a):
    """Send again, from this namespace, the IPv4 packet of pcap FILE that
    is the INDEX-th ESP packet with SPI (as captured: same header, same
    bytes)."""
    n = 0
    for _, l3, frame in pcap_ipv4([a.file]):
        e = esp_of(l3, frame)
        if e is None or struct.unpack("!I", frame[e[3]:e[3] + 4])[0] != a.spi:
            continue
        n += 1
        if n == a.index:
            pkt = frame[l3:l3 + struct.unpack("!H", frame[l3 + 2:l3 + 4])[0]]
            raw_sender().sendto(pkt, (e[1], 0))
            return
    raise SystemExit("esp-replay: no ESP packet %d with spi 0x%x in %s" % (a.index, a.spi, a.file))


def cmd_encap_sock(a):
    """A UDP socket on ADDR:PORT with UDP_ENCAP_ESPINUDP, as an IKE daemon
    holds it: Linux xfrm decapsulates the ESP arriving on it. Reads and
    drops the rest (IKE, keepalives) until killed."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_UDP, 100, 2)  # UDP_ENCAP, UDP_ENCAP_ESPINUDP
    s.bind((a.addr, a.port))
    while True:
        s.recv(65535)


def cmd_udp_raw(a):
    """COUNT UDP datagrams with payload HEX from SRC:SPORT to DST:DPORT,
    sent raw (the source port may be another socket's)."""
    s = raw_sender()
    for _ in range(a.count):
        s.sendto(ipv4(a.src, a.dst, 17, udp(a.sport, a.dport, bytes.fromhex(a.hex))), (a.dst, 0))


def cmd_udp_flood(a):
    """COUNT UDP datagrams of SIZE bytes to DST:PORT as fast as possible;
    prints the number sent and the rate on stderr."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((a.dst, a.port))
    data = b"\0" * a.size
    sent = 0
    t = time.time()
    while sent < a.count:
        try:
            s.send(data)
            sent += 1
        except OSError:
            time.sleep(0.001)  # ENOBUFS: let the queues drain
    t = time.time() - t
    print("udp-flood: %d datagrams in %.1f s (%d/s)" % (sent, t, sent / max(t, 1e-6)),
          file=sys.stderr)


SEQ_HDR = struct.Struct("!Q")


def cmd_seq_send(a):
    """Numbered datagrams at a steady rate for a while; refusals counted."""
    import errno
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if a.bind:
        s.bind((a.bind, 0))
    s.connect((a.dst, a.port))
    pad = b"\0" * max(a.size - SEQ_HDR.size, 0)
    sent, tries, refused = 0, 0, {}
    start = time.monotonic()
    while True:
        now = time.monotonic() - start
        if now >= a.time:
            break
        due = int(now * a.rate) + 1
        while tries < due:
            tries += 1
            try:
                s.send(SEQ_HDR.pack(sent) + pad)
                sent += 1
            except OSError as e:
                name = errno.errorcode.get(e.errno, str(e.errno))
                refused[name] = refused.get(name, 0) + 1
        time.sleep(max(0.0, (due / a.rate) - (time.monotonic() - start)))
    print(json.dumps({"sent": sent, "refused": refused}))


def cmd_seq_recv(a):
    """Count numbered datagrams until SIGTERM or --idle seconds of silence."""
    import signal
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind((a.bind, a.port))
    seen, received, stop = set(), 0, []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s.settimeout(0.2)
    last = None
    while not stop:
        try:
            data = s.recv(65535)
        except socket.timeout:
            if last is not None and time.monotonic() - last > a.idle:
                break
            continue
        except InterruptedError:
            continue
        last = time.monotonic()
        if len(data) >= SEQ_HDR.size:
            received += 1
            seen.add(SEQ_HDR.unpack_from(data)[0])
    print(json.dumps({"received": received, "distinct": len(seen),
                      "highest": max(seen) if seen else -1}))


def esp_subparsers(sub):
    # main() finds a command's function by name: cmd_NAME
    for name in ("esp-send", "esp-ivs", "esp-replay", "encap-sock", "udp-raw", "udp-flood",
                 "seq-send", "seq-recv"):
        globals()["cmd_" + name] = globals()["cmd_" + name.replace("-", "_")]
    p = sub.add_parser("esp-send", help="crafted ESP, well-formed or broken (ESP_CASES)")
    p.add_argument("case", choices=ESP_CASES)
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--spi", type=lambda s: int(s, 0), required=True)
    p.add_argument("--enc", choices=ESP_ENC, required=True)
    p.add_argument("--key", default="")
    p.add_argument("--auth", choices=ESP_AUTH)
    p.add_argument("--auth-key", default="")
    p.add_argument("--seq", type=int, default=1)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--udp", metavar="SPORT:DPORT")
    p.add_argument("--inner-src", default="203.0.113.100")
    p.add_argument("--inner-dst", default="198.18.0.10")
    p = sub.add_parser("esp", help="one line per ESP packet of pcap files")
    p.add_argument("--seq", action="store_true")
    p.add_argument("--iv", action="store_true")
    p.add_argument("file", nargs="+")
    p = sub.add_parser("esp-ivs", help="explicit IV statistics (JSON)")
    p.add_argument("--src")
    p.add_argument("file", nargs="+")
    p = sub.add_parser("esp-replay", help="resend a captured ESP packet")
    p.add_argument("file")
    p.add_argument("--spi", type=lambda s: int(s, 0), required=True)
    p.add_argument("--index", type=int, default=1)
    p = sub.add_parser("encap-sock", help="a UDP_ENCAP_ESPINUDP socket")
    p.add_argument("port", type=int)
    p.add_argument("--addr", default="0.0.0.0")
    p = sub.add_parser("udp-raw", help="UDP datagrams from any source port")
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("sport", type=int)
    p.add_argument("dport", type=int)
    p.add_argument("hex")
    p.add_argument("--count", type=int, default=1)
    p = sub.add_parser("udp-flood", help="COUNT UDP datagrams")
    p.add_argument("dst")
    p.add_argument("port", type=int)
    p.add_argument("count", type=int)
    p.add_argument("--size", type=int, default=64)
    p = sub.add_parser("seq-send", help="numbered UDP datagrams, refusals counted")
    p.add_argument("dst")
    p.add_argument("port", type=int)
    p.add_argument("--time", type=float, required=True)
    p.add_argument("--rate", type=float, default=125)
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--bind")
    p = sub.add_parser("seq-recv", help="count numbered UDP datagrams")
    p.add_argument("port", type=int)
    p.add_argument("--bind", default="0.0.0.0")
    p.add_argument("--idle", type=float, default=5)


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
    esp_subparsers(sub)
    a = ap.parse_args()
    globals()["cmd_" + a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
