// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * chunk.c - byte-string helpers (see chunk.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "chunk.h"

int chunk_alloc(struct chunk *c, size_t len)
{
	*c = CHUNK_EMPTY;
	if (!len)
		return 0;
	c->ptr = calloc(1, len);
	if (!c->ptr)
		return -ENOMEM;
	c->len = len;
	return 0;
}

int chunk_dup(struct chunk *c, const void *ptr, size_t len)
{
	int err = chunk_alloc(c, len);

	if (!err && len)
		memcpy(c->ptr, ptr, len);
	return err;
}

int chunk_concat(struct chunk *c, const struct chunk *parts, size_t n)
{
	size_t total = 0, off = 0, i;
	int err;

	*c = CHUNK_EMPTY;
	for (i = 0; i < n; i++) {
		if (parts[i].len > SIZE_MAX - total)
			return -EOVERFLOW;
		total += parts[i].len;
	}
	err = chunk_alloc(c, total);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		if (parts[i].len)
			memcpy(c->ptr + off, parts[i].ptr, parts[i].len);
		off += parts[i].len;
	}
	return 0;
}

void chunk_clear(struct chunk *c)
{
	if (!c)
		return;
	if (c->ptr) {
		OPENSSL_cleanse(c->ptr, c->len);
		free(c->ptr);
	}
	*c = CHUNK_EMPTY;
}

void chunk_free(struct chunk *c)
{
	if (!c)
		return;
	free(c->ptr);
	*c = CHUNK_EMPTY;
}

int chunk_compare(struct chunk a, struct chunk b)
{
	int c = memcmp(a.ptr, b.ptr, a.len < b.len ? a.len : b.len);

	if (c)
		return c;
	return a.len < b.len ? -1 : a.len > b.len;
}

bool chunk_equal(struct chunk a, struct chunk b)
{
	if (a.len != b.len)
		return false;
	return !a.len || !memcmp(a.ptr, b.ptr, a.len);
}

bool chunk_equal_const(struct chunk a, struct chunk b)
{
	if (a.len != b.len)
		return false;
	return !a.len || !CRYPTO_memcmp(a.ptr, b.ptr, a.len);
}
