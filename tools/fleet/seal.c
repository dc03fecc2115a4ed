// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "seal.h"

#define ERR_LEN 256

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fleet_key_load(const char *path, struct fleet_key *key, char *err)
{
	char text[2 * SEAL_KEY_LEN + 2];
	struct stat st;
	ssize_t n;
	int fd, i, hi, lo;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(err, ERR_LEN, "fleet key %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (st.st_mode & 077) ||
	    st.st_uid != geteuid()) {
		snprintf(err, ERR_LEN,
			 "fleet key %s: must be a regular file of mode 0600 owned by this user (chmod 600)",
			 path);
		close(fd);
		return -1;
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n == 2 * SEAL_KEY_LEN + 1 && text[n - 1] == '\n')
		n--;
	for (i = 0; n == 2 * SEAL_KEY_LEN && i < SEAL_KEY_LEN; i++) {
		hi = hexval(text[2 * i]);
		lo = hexval(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			break;
		key->bytes[i] = hi << 4 | lo;
	}
	OPENSSL_cleanse(text, sizeof(text));
	if (i != SEAL_KEY_LEN) {
		fleet_key_clear(key);
		snprintf(err, ERR_LEN,
			 "fleet key %s: expected 64 hexadecimal digits (openssl rand -hex 32)",
			 path);
		return -1;
	}
	return 0;
}

void fleet_key_clear(struct fleet_key *key)
{
	OPENSSL_cleanse(key->bytes, sizeof(key->bytes));
}

/* One AES-256-GCM operation; @enc 1 seals, 0 opens (checking @tag). */
static int gcm(const struct fleet_key *key, int enc, const uint8_t *nonce,
	       const char *aad, const uint8_t *in, size_t len, uint8_t *out,
	       uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx;
	int ok, n, fin;

	if (len > INT32_MAX)
		return -1;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -1;
	ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key->bytes, nonce,
			       enc) == 1 &&
	     EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *)aad,
			      strlen(aad)) == 1 &&
	     EVP_CipherUpdate(ctx, out, &n, in, len) == 1 &&
	     (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
					 SEAL_TAG_LEN, tag) == 1) &&
	     EVP_CipherFinal_ex(ctx, out + n, &fin) == 1 &&
	     (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
					  SEAL_TAG_LEN, tag) == 1);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

int seal(const struct fleet_key *key, const char *aad, const uint8_t *in,
	 size_t len, uint8_t *out)
{
	uint8_t *nonce = out + 1, *ct = nonce + SEAL_NONCE_LEN;

	out[0] = SEAL_VERSION;
	if (RAND_bytes(nonce, SEAL_NONCE_LEN) != 1 ||
	    gcm(key, 1, nonce, aad, in, len, ct, ct + len))
		return -1;
	return len + SEAL_OVERHEAD;
}

int unseal(const struct fleet_key *key, const char *aad, const uint8_t *in,
	   size_t len, uint8_t *out)
{
	const uint8_t *nonce = in + 1, *ct = nonce + SEAL_NONCE_LEN;
	size_t ctlen;
	uint8_t tag[SEAL_TAG_LEN];

	if (len < SEAL_OVERHEAD || in[0] != SEAL_VERSION)
		return -1;
	ctlen = len - SEAL_OVERHEAD;
	memcpy(tag, ct + ctlen, SEAL_TAG_LEN);
	if (gcm(key, 0, nonce, aad, ct, ctlen, out, tag)) {
		OPENSSL_cleanse(out, ctlen);
		return -1;
	}
	return ctlen;
}
