// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * keymat.c - SKEYSEED, IKE SA keys, Child SA KEYMAT (RFC 7296 2.14-2.18).
 */
#include <errno.h>
#include <string.h>

#include "keymat.h"
#include "prf.h"

int keymat_encr_key_len(uint16_t encr, uint16_t keybits, size_t *len)
{
	if (keybits != 128 && keybits != 256)
		return -EOPNOTSUPP;
	switch (encr) {
	case ENCR_AES_CBC:
		*len = keybits / 8;
		return 0;
	case ENCR_AES_GCM_16:
		*len = keybits / 8 + KEYMAT_GCM_SALT_LEN;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

int keymat_integ_key_len(uint16_t integ, size_t *len)
{
	switch (integ) {
	case AUTH_NONE:
		*len = 0;
		return 0;
	case AUTH_HMAC_SHA1_96:
		*len = 20;
		return 0;
	case AUTH_HMAC_SHA2_256_128:
		*len = 32;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

int keymat_check_suite(const struct crypto_suite *s, bool need_prf)
{
	size_t len;
	int err;

	err = keymat_encr_key_len(s->encr, s->encr_keybits, &len);
	if (!err)
		err = keymat_integ_key_len(s->integ, &len);
	if (!err && need_prf && !prf_len(s->prf))
		err = -EOPNOTSUPP;
	if (err)
		return err;
	/* Combined-mode ciphers take no integrity transform (RFC 5282 8). */
	if ((s->encr == ENCR_AES_GCM_16) != (s->integ == AUTH_NONE))
		return -EINVAL;
	return 0;
}

/*
 * Cut @n consecutive keys of lens[i] bytes out of @src into dst[i].
 * On failure every dst[i] is left empty.
 */
static int split(struct chunk src, struct chunk *const *dst,
		 const size_t *lens, size_t n)
{
	size_t i, off = 0;
	int err = 0;

	for (i = 0; i < n; i++)
		*dst[i] = CHUNK_EMPTY;
	for (i = 0; i < n && !err; i++) {
		if (lens[i] > src.len - off)
			err = -EINVAL;
		else
			err = chunk_dup(dst[i], src.ptr + off, lens[i]);
		off += lens[i];
	}
	if (err)
		for (i = 0; i < n; i++)
			chunk_clear(dst[i]);
	return err;
}

int keymat_skeyseed(uint16_t prf_id, struct chunk ni, struct chunk nr,
		    struct chunk g_ir, struct chunk *skeyseed)
{
	struct chunk key;
	int err;

	*skeyseed = CHUNK_EMPTY;
	err = CHUNK_CAT(&key, ni, nr);
	if (err)
		return err;
	err = prf(prf_id, key, g_ir, skeyseed);
	chunk_free(&key);	/* nonces are public */
	return err;
}

int keymat_skeyseed_rekey(uint16_t old_prf_id, struct chunk old_sk_d,
			  struct chunk g_ir, struct chunk ni, struct chunk nr,
			  struct chunk *skeyseed)
{
	struct chunk data;
	int err;

	*skeyseed = CHUNK_EMPTY;
	err = CHUNK_CAT(&data, g_ir, ni, nr);
	if (err)
		return err;
	err = prf(old_prf_id, old_sk_d, data, skeyseed);
	chunk_clear(&data);	/* holds g^ir */
	return err;
}

int keymat_ike_sa_keys(const struct crypto_suite *s, struct chunk skeyseed,
		       struct chunk ni, struct chunk nr,
		       const uint8_t spi_i[IKE_SPI_LEN],
		       const uint8_t spi_r[IKE_SPI_LEN],
		       struct ike_sa_keys *keys)
{
	struct chunk *const dst[] = {
		&keys->sk_d, &keys->sk_ai, &keys->sk_ar, &keys->sk_ei,
		&keys->sk_er, &keys->sk_pi, &keys->sk_pr,
	};
	struct chunk seed, km;
	size_t lens[7], ek = 0, ak = 0, pk, total = 0, i;
	int err;

	memset(keys, 0, sizeof(*keys));
	err = keymat_check_suite(s, true);
	if (err)
		return err;
	keymat_encr_key_len(s->encr, s->encr_keybits, &ek);
	keymat_integ_key_len(s->integ, &ak);
	pk = prf_len(s->prf);
	lens[0] = pk;
	lens[1] = lens[2] = ak;
	lens[3] = lens[4] = ek;
	lens[5] = lens[6] = pk;
	for (i = 0; i < 7; i++)
		total += lens[i];

	err = CHUNK_CAT(&seed, ni, nr, chunk_from(spi_i, IKE_SPI_LEN),
			chunk_from(spi_r, IKE_SPI_LEN));
	if (err)
		return err;
	err = prf_plus(s->prf, skeyseed, seed, total, &km);
	chunk_free(&seed);
	if (err)
		return err;
	err = split(km, dst, lens, 7);
	chunk_clear(&km);
	return err;
}

int keymat_ike_sa(const struct crypto_suite *s, struct chunk ni,
		  struct chunk nr, struct chunk g_ir,
		  const uint8_t spi_i[IKE_SPI_LEN],
		  const uint8_t spi_r[IKE_SPI_LEN], struct ike_sa_keys *keys)
{
	struct chunk skeyseed;
	int err;

	memset(keys, 0, sizeof(*keys));
	err = keymat_skeyseed(s->prf, ni, nr, g_ir, &skeyseed);
	if (err)
		return err;
	err = keymat_ike_sa_keys(s, skeyseed, ni, nr, spi_i, spi_r, keys);
	chunk_clear(&skeyseed);
	return err;
}

int keymat_ike_sa_rekey(uint16_t old_prf_id, struct chunk old_sk_d,
			const struct crypto_suite *s, struct chunk g_ir,
			struct chunk ni, struct chunk nr,
			const uint8_t spi_i[IKE_SPI_LEN],
			const uint8_t spi_r[IKE_SPI_LEN],
			struct ike_sa_keys *keys)
{
	struct chunk skeyseed;
	int err;

	memset(keys, 0, sizeof(*keys));
	err = keymat_skeyseed_rekey(old_prf_id, old_sk_d, g_ir, ni, nr,
				    &skeyseed);
	if (err)
		return err;
	err = keymat_ike_sa_keys(s, skeyseed, ni, nr, spi_i, spi_r, keys);
	chunk_clear(&skeyseed);
	return err;
}

int keymat_child_sa(const struct crypto_suite *s, struct chunk sk_d,
		    struct chunk g_ir, struct chunk ni, struct chunk nr,
		    struct child_sa_keys *keys)
{
	struct chunk *const dst[] = {
		&keys->encr_i, &keys->integ_i, &keys->encr_r, &keys->integ_r,
	};
	struct chunk seed, km;
	size_t lens[4], ek = 0, ak = 0;
	int err;

	memset(keys, 0, sizeof(*keys));
	err = keymat_check_suite(s, true);
	if (err)
		return err;
	keymat_encr_key_len(s->encr, s->encr_keybits, &ek);
	keymat_integ_key_len(s->integ, &ak);
	lens[0] = lens[2] = ek;
	lens[1] = lens[3] = ak;

	err = CHUNK_CAT(&seed, g_ir, ni, nr);
	if (err)
		return err;
	err = prf_plus(s->prf, sk_d, seed, 2 * (ek + ak), &km);
	chunk_clear(&seed);	/* may hold g^ir */
	if (err)
		return err;
	err = split(km, dst, lens, 4);
	chunk_clear(&km);
	return err;
}

void ike_sa_keys_clear(struct ike_sa_keys *keys)
{
	chunk_clear(&keys->sk_d);
	chunk_clear(&keys->sk_ai);
	chunk_clear(&keys->sk_ar);
	chunk_clear(&keys->sk_ei);
	chunk_clear(&keys->sk_er);
	chunk_clear(&keys->sk_pi);
	chunk_clear(&keys->sk_pr);
}

void child_sa_keys_clear(struct child_sa_keys *keys)
{
	chunk_clear(&keys->encr_i);
	chunk_clear(&keys->integ_i);
	chunk_clear(&keys->encr_r);
	chunk_clear(&keys->integ_r);
}
