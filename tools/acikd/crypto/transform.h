/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * transform.h - the IKEv2 transform IDs acikd implements (IANA "IKEv2
 * Transform Type" registries, RFC 7296 3.3.2) and the negotiated suite.
 *
 * Exactly the seeds' list: PRF HMAC-SHA2-256/384/512; encryption AES-GCM-16
 * and AES-CBC with 128- or 256-bit keys; integrity HMAC-SHA2-256-128 and
 * HMAC-SHA1-96 (the latter for Child SAs only); key exchange groups 5, 14
 * and 20 (see dh.h). This is the one place these numbers are defined.
 */
#ifndef ACIKD_CRYPTO_TRANSFORM_H
#define ACIKD_CRYPTO_TRANSFORM_H

#include <stdint.h>

/* Transform Type 2, Pseudorandom Function. */
enum ike_prf_id {
	PRF_HMAC_SHA2_256 = 5,
	PRF_HMAC_SHA2_384 = 6,
	PRF_HMAC_SHA2_512 = 7,
};

/* Transform Type 1, Encryption Algorithm. */
enum ike_encr_id {
	ENCR_AES_CBC = 12,
	ENCR_AES_GCM_16 = 20,
};

/* Transform Type 3, Integrity Algorithm. */
enum ike_integ_id {
	AUTH_NONE = 0,
	AUTH_HMAC_SHA1_96 = 2,
	AUTH_HMAC_SHA2_256_128 = 12,
};

/**
 * struct crypto_suite - the transforms negotiated for one SA
 * @encr: ENCR_* transform ID
 * @encr_keybits: the Key Length attribute of @encr, 128 or 256
 * @integ: AUTH_* transform ID; AUTH_NONE with ENCR_AES_GCM_16
 * @prf: PRF_* transform ID (IKE SA); for a Child SA the IKE SA's PRF
 */
struct crypto_suite {
	uint16_t encr;
	uint16_t encr_keybits;
	uint16_t integ;
	uint16_t prf;
};

#endif /* ACIKD_CRYPTO_TRANSFORM_H */
