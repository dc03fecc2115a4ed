/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * keymat.h - IKEv2 key derivation (RFC 7296 2.14, 2.17, 2.18).
 *
 * Key lengths follow the negotiated transforms: for ENCR_AES_GCM_16 the
 * encryption key is the AES key followed by a 4-byte salt (RFC 5282 7.1,
 * RFC 4106 8.1) and there are no integrity keys; for ENCR_AES_CBC the
 * encryption key is the AES key and the integrity key is the HMAC key.
 * SK_d, SK_pi and SK_pr have the PRF's preferred key length.
 */
#ifndef ACIKD_CRYPTO_KEYMAT_H
#define ACIKD_CRYPTO_KEYMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../chunk.h"
#include "transform.h"

/* Length of an IKE SPI on the wire. */
#define IKE_SPI_LEN 8
/* Length of the GCM salt taken from the end of an encryption key. */
#define KEYMAT_GCM_SALT_LEN 4

/**
 * struct ike_sa_keys - the seven keys of an IKE SA (RFC 7296 2.14)
 * @sk_d: for deriving Child SA keys and the keys of a rekeyed IKE SA
 * @sk_ai: integrity, initiator to responder (empty with AEAD)
 * @sk_ar: integrity, responder to initiator (empty with AEAD)
 * @sk_ei: encryption (+ salt), initiator to responder
 * @sk_er: encryption (+ salt), responder to initiator
 * @sk_pi: for the initiator's AUTH payload
 * @sk_pr: for the responder's AUTH payload
 */
struct ike_sa_keys {
	struct chunk sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

/**
 * struct child_sa_keys - the keys of a Child SA pair (RFC 7296 2.17)
 * @encr_i: encryption (+ salt), initiator to responder
 * @integ_i: integrity, initiator to responder (empty with AEAD)
 * @encr_r: encryption (+ salt), responder to initiator
 * @integ_r: integrity, responder to initiator (empty with AEAD)
 */
struct child_sa_keys {
	struct chunk encr_i, integ_i, encr_r, integ_r;
};

/**
 * keymat_encr_key_len() - key material for an encryption transform
 * @encr: ENCR_* transform ID
 * @keybits: its Key Length attribute, 128 or 256
 * @len: receives the length in bytes, salt included (16/32, or 20/36 GCM)
 *
 * Return: 0, or -EOPNOTSUPP for an unsupported transform or key length.
 */
int keymat_encr_key_len(uint16_t encr, uint16_t keybits, size_t *len);

/**
 * keymat_integ_key_len() - key length of an integrity transform
 * @integ: AUTH_* transform ID
 * @len: receives 0 (AUTH_NONE), 20 (HMAC-SHA1-96) or 32 (HMAC-SHA2-256-128)
 *
 * Return: 0, or -EOPNOTSUPP for an unsupported transform.
 */
int keymat_integ_key_len(uint16_t integ, size_t *len);

/**
 * keymat_check_suite() - whether a suite's transforms fit together
 * @s: the suite; @s->prf is checked only if @need_prf
 * @need_prf: true for an IKE SA, false for a Child SA
 *
 * AES-GCM goes with AUTH_NONE, AES-CBC with an integrity transform.
 *
 * Return: 0, -EOPNOTSUPP for an unsupported transform, or -EINVAL for a
 * combination that is not allowed.
 */
int keymat_check_suite(const struct crypto_suite *s, bool need_prf);

/**
 * keymat_skeyseed() - SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 2.14)
 * @prf_id: the PRF negotiated for the IKE SA
 * @ni: initiator's nonce
 * @nr: responder's nonce
 * @g_ir: the key exchange's shared secret
 * @skeyseed: receives SKEYSEED; clear it with chunk_clear()
 *
 * Return: 0 or a negative errno from prf().
 */
int keymat_skeyseed(uint16_t prf_id, struct chunk ni, struct chunk nr,
		    struct chunk g_ir, struct chunk *skeyseed);

/**
 * keymat_skeyseed_rekey() - SKEYSEED of a rekeyed IKE SA (RFC 7296 2.18)
 * @old_prf_id: the PRF of the old IKE SA, which 2.18 says to use
 * @old_sk_d: SK_d of the old IKE SA
 * @g_ir: the shared secret of the CREATE_CHILD_SA key exchange
 * @ni: initiator's nonce of the CREATE_CHILD_SA exchange
 * @nr: responder's nonce of the CREATE_CHILD_SA exchange
 * @skeyseed: receives prf(SK_d (old), g^ir (new) | Ni | Nr)
 *
 * Return: 0 or a negative errno.
 */
int keymat_skeyseed_rekey(uint16_t old_prf_id, struct chunk old_sk_d,
			  struct chunk g_ir, struct chunk ni, struct chunk nr,
			  struct chunk *skeyseed);

/**
 * keymat_ike_sa_keys() - the IKE SA keys from SKEYSEED (RFC 7296 2.14)
 * @s: the new IKE SA's suite (prf, encr, encr_keybits, integ)
 * @skeyseed: SKEYSEED
 * @ni: initiator's nonce
 * @nr: responder's nonce
 * @spi_i: initiator's SPI, wire order
 * @spi_r: responder's SPI, wire order
 * @keys: receives {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *	= prf+(SKEYSEED, Ni | Nr | SPIi | SPIr); on error it is left empty
 *
 * Return: 0, -EOPNOTSUPP/-EINVAL for a bad suite, or a negative errno.
 */
int keymat_ike_sa_keys(const struct crypto_suite *s, struct chunk skeyseed,
		       struct chunk ni, struct chunk nr,
		       const uint8_t spi_i[IKE_SPI_LEN],
		       const uint8_t spi_r[IKE_SPI_LEN],
		       struct ike_sa_keys *keys);

/**
 * keymat_ike_sa() - SKEYSEED then the IKE SA keys (IKE_SA_INIT)
 * @s: the IKE SA's suite
 * @ni: initiator's nonce
 * @nr: responder's nonce
 * @g_ir: the key exchange's shared secret
 * @spi_i: initiator's SPI, wire order
 * @spi_r: responder's SPI, wire order
 * @keys: receives the keys; SKEYSEED is wiped before returning
 *
 * Return: 0 or a negative errno.
 */
int keymat_ike_sa(const struct crypto_suite *s, struct chunk ni,
		  struct chunk nr, struct chunk g_ir,
		  const uint8_t spi_i[IKE_SPI_LEN],
		  const uint8_t spi_r[IKE_SPI_LEN], struct ike_sa_keys *keys);

/**
 * keymat_ike_sa_rekey() - the keys of a rekeyed IKE SA (RFC 7296 2.18)
 * @old_prf_id: the PRF of the old IKE SA
 * @old_sk_d: SK_d of the old IKE SA
 * @s: the new IKE SA's suite
 * @g_ir: the shared secret of the CREATE_CHILD_SA key exchange
 * @ni: initiator's nonce of the CREATE_CHILD_SA exchange
 * @nr: responder's nonce of the CREATE_CHILD_SA exchange
 * @spi_i: the new IKE SA's initiator SPI, wire order
 * @spi_r: the new IKE SA's responder SPI, wire order
 * @keys: receives the new IKE SA's keys
 *
 * Return: 0 or a negative errno.
 */
int keymat_ike_sa_rekey(uint16_t old_prf_id, struct chunk old_sk_d,
			const struct crypto_suite *s, struct chunk g_ir,
			struct chunk ni, struct chunk nr,
			const uint8_t spi_i[IKE_SPI_LEN],
			const uint8_t spi_r[IKE_SPI_LEN],
			struct ike_sa_keys *keys);

/**
 * keymat_child_sa() - Child SA keys (RFC 7296 2.17)
 * @s: the Child SA's suite (encr, encr_keybits, integ); @s->prf is the
 *	IKE SA's PRF
 * @sk_d: SK_d of the IKE SA
 * @g_ir: the CREATE_CHILD_SA shared secret, or an empty chunk without PFS
 *	(and always in IKE_AUTH)
 * @ni: initiator's nonce
 * @nr: responder's nonce
 * @keys: receives KEYMAT = prf+(SK_d, [g^ir (new)] | Ni | Nr) split as
 *	encr_i | integ_i | encr_r | integ_r
 *
 * Return: 0 or a negative errno.
 */
int keymat_child_sa(const struct crypto_suite *s, struct chunk sk_d,
		    struct chunk g_ir, struct chunk ni, struct chunk nr,
		    struct child_sa_keys *keys);

/**
 * ike_sa_keys_clear() - wipe and free the keys of an IKE SA
 * @keys: the keys; every chunk is left empty
 */
void ike_sa_keys_clear(struct ike_sa_keys *keys);

/**
 * child_sa_keys_clear() - wipe and free the keys of a Child SA pair
 * @keys: the keys; every chunk is left empty
 */
void child_sa_keys_clear(struct child_sa_keys *keys);

#endif /* ACIKD_CRYPTO_KEYMAT_H */
