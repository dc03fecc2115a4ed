#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Known-answer vectors for the acikd crypto unit tests.

The expected values baked into tests/test_prf.c, test_keymat.c, test_dh.c and
test_sk.c were printed by this script: HMAC and prf+ with Python's hmac and
hashlib, key exchange and AES with the `cryptography` package (python3-
cryptography or pip). It is an implementation independent of acikd's
EVP_MAC/EVP_PKEY/EVP_CIPHER code. Run: python3 tests/gen_vectors.py
"""
import hashlib
import hmac

HASH = {5: hashlib.sha256, 6: hashlib.sha384, 7: hashlib.sha512}


def prf(pid, key, data):
    return hmac.new(key, data, HASH[pid]).digest()


def prf_plus(pid, key, seed, length):
    out, t, n = b"", b"", 1
    while len(out) < length:
        t = prf(pid, key, t + seed + bytes([n]))
        out += t
        n += 1
    return out[:length]


def pat(n, start, step=1):
    return bytes((start + i * step) & 0xff for i in range(n))


def show(name, b):
    print(f'{name} "{b.hex()}"')


def ike(pid, ek, ak, ni, nr, gir, spii, spir, tag):
    pl = HASH[pid]().digest_size
    skeyseed = prf(pid, ni + nr, gir)
    show(f"{tag}_SKEYSEED", skeyseed)
    km = prf_plus(pid, skeyseed, ni + nr + spii + spir,
                  3 * pl + 2 * ak + 2 * ek)
    names = ["SK_D", "SK_AI", "SK_AR", "SK_EI", "SK_ER", "SK_PI", "SK_PR"]
    lens = [pl, ak, ak, ek, ek, pl, pl]
    off = 0
    for n, ln in zip(names, lens):
        if ln:
            show(f"{tag}_{n}", km[off:off + ln])
        off += ln
    return km[:pl]


def keymat():
    ni, nr = pat(32, 0x10), pat(32, 0x80, 3)
    gir = pat(48, 0xa0, 7)
    spii, spir = pat(8, 0x01), pat(8, 0xf0)
    # IKE SA: PRF-HMAC-SHA2-256, AES-CBC-256, HMAC-SHA2-256-128
    skd = ike(5, 32, 32, ni, nr, gir, spii, spir, "CBC")
    # IKE SA: PRF-HMAC-SHA2-384, AES-GCM-16-256 (32 + 4 salt)
    ike(6, 36, 0, ni, nr, gir, spii, spir, "GCM")
    # Child SA without PFS, AES-GCM-16-128, with the CBC SA's SK_d
    cni, cnr = pat(16, 0x31), pat(24, 0x52, 5)
    km = prf_plus(5, skd, cni + cnr, 2 * 20)
    show("CHILD_GCM_I", km[:20])
    show("CHILD_GCM_R", km[20:])
    # Child SA with PFS, AES-CBC-128 + HMAC-SHA1-96
    cgir = pat(256, 0x07, 11)
    km = prf_plus(5, skd, cgir + cni + cnr, 2 * (16 + 20))
    show("CHILD_CBC_EI", km[:16])
    show("CHILD_CBC_AI", km[16:36])
    show("CHILD_CBC_ER", km[36:52])
    show("CHILD_CBC_AR", km[52:])
    # IKE SA rekey: old PRF SHA2-256, new SA PRF-HMAC-SHA2-512 AES-GCM-128
    rspii, rspir = pat(8, 0x21), pat(8, 0x42)
    sks = prf(5, skd, cgir + cni + cnr)
    show("REKEY_SKEYSEED", sks)
    km = prf_plus(7, sks, cni + cnr + rspii + rspir, 64 + 2 * 20 + 128)
    show("REKEY_SK_D", km[:64])
    show("REKEY_SK_EI", km[64:84])
    show("REKEY_SK_PR", km[-64:])
    # prf+ of exactly 255 SHA2-256 blocks: last 32 bytes
    km = prf_plus(5, b"k" * 32, b"seed", 255 * 32)
    show("PRFPLUS_255_TAIL", km[-32:])


def rfc4231():
    cases = [
        (b"\x0b" * 20, b"Hi There"),
        (b"Jefe", b"what do ya want for nothing?"),
        (b"\xaa" * 20, b"\xdd" * 50),
        (pat(25, 1), b"\xcd" * 50),
        (b"\xaa" * 131,
         b"Test Using Larger Than Block-Size Key - Hash Key First"),
        (b"\xaa" * 131,
         b"This is a test using a larger than block-size key and a larger "
         b"than block-size data. The key needs to be hashed before being "
         b"used by the HMAC algorithm."),
    ]
    for i, (k, d) in enumerate(cases):
        for pid in (5, 6, 7):
            show(f"RFC4231_{i}_{pid}", prf(pid, k, d))


def dh():
    from cryptography.hazmat.primitives.asymmetric import dh as mdh, ec
    p384 = ec.SECP384R1()
    for tag, di, dr in (("ECP", 0x1234567, 0x7654321 << 200),):
        ki = ec.derive_private_key(di, p384)
        kr = ec.derive_private_key(dr, p384)
        pi, pr = ki.public_key().public_numbers(), kr.public_key().public_numbers()
        show(f"{tag}_PRIV_I", di.to_bytes(48, "big"))
        show(f"{tag}_PUB_I", pi.x.to_bytes(48, "big") + pi.y.to_bytes(48, "big"))
        show(f"{tag}_PUB_R", pr.x.to_bytes(48, "big") + pr.y.to_bytes(48, "big"))
        show(f"{tag}_SHARED", ki.exchange(ec.ECDH(), kr.public_key()))
    for tag, plen in (("MODP2048", 256), ("MODP1536", 192)):
        p = int(PRIMES[tag], 16)
        pn = mdh.DHParameterNumbers(p, 2)
        xi, xr = int.from_bytes(pat(32, 0x33, 5), "big"), int.from_bytes(pat(40, 0x71, 9), "big")
        yi, yr = pow(2, xi, p), pow(2, xr, p)
        ki = mdh.DHPrivateNumbers(xi, mdh.DHPublicNumbers(yi, pn)).private_key()
        kr = mdh.DHPublicNumbers(yr, pn).public_key()
        show(f"{tag}_PRIV_I", xi.to_bytes(32, "big"))
        show(f"{tag}_PUB_I", yi.to_bytes(plen, "big"))
        show(f"{tag}_PUB_R", yr.to_bytes(plen, "big"))
        # cryptography strips leading zeros; IKE pads to the prime length
        show(f"{tag}_SHARED", ki.exchange(kr).rjust(plen, b"\0"))


def sk():
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    aad = pat(28, 0x40) + bytes([0x21, 0x00, 0x00, 0x50])  # IKE hdr + SK hdr
    plain = pat(45, 0x61)
    for tag, klen in (("GCM128", 16), ("GCM256", 32)):
        key = pat(klen + 4, 0x90, 3)      # key | 4-byte salt
        iv = pat(8, 0xc0)
        ct = AESGCM(key[:klen]).encrypt(key[klen:] + iv, plain + b"\0", aad)
        show(f"SK_{tag}_KEY", key)
        show(f"SK_{tag}_BODY", iv + ct)
    for tag, klen, md, icv in (("CBC256_SHA256", 32, hashlib.sha256, 16),
                               ("CBC128_SHA1", 16, hashlib.sha1, 12)):
        ke, ka = pat(klen, 0x05, 5), pat(md().digest_size, 0xe1, 7)
        iv = pat(16, 0x77, 13)
        padlen = (16 - (len(plain) + 1) % 16) % 16
        pt = plain + bytes(padlen) + bytes([padlen])
        enc = Cipher(algorithms.AES(ke), modes.CBC(iv)).encryptor()
        ct = enc.update(pt) + enc.finalize()
        mac = hmac.new(ka, aad + iv + ct, md).digest()[:icv]
        show(f"SK_{tag}_KE", ke)
        show(f"SK_{tag}_KA", ka)
        show(f"SK_{tag}_BODY", iv + ct + mac)


# RFC 3526 primes (section 2, 1536-bit; section 3, 2048-bit)
PRIMES = {
    "MODP1536":
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF",
    "MODP2048":
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF",
}


if __name__ == "__main__":
    rfc4231()
    keymat()
    dh()
    sk()
