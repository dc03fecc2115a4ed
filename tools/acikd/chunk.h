/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * chunk.h - the one byte-string type of acikd.
 *
 * A chunk is a pointer and a length. A chunk either owns its buffer (made
 * by chunk_alloc(), chunk_dup() or chunk_concat(), released by chunk_clear()
 * or chunk_free()) or is a read-only view of someone else's memory made with
 * chunk_from(), which is never freed. Secrets are always released with
 * chunk_clear(), which wipes the buffer with OPENSSL_cleanse() first.
 */
#ifndef ACIKD_CHUNK_H
#define ACIKD_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chunk {
	uint8_t *ptr;
	size_t len;
};

/* An empty chunk: no buffer, length 0. */
#define CHUNK_EMPTY ((struct chunk){ .ptr = NULL, .len = 0 })

/**
 * chunk_from() - a non-owning view of @len bytes at @ptr
 * @ptr: the bytes (may be NULL if @len is 0)
 * @len: their number
 *
 * The view must not be passed to chunk_clear() or chunk_free().
 *
 * Return: the chunk.
 */
static inline struct chunk chunk_from(const void *ptr, size_t len)
{
	return (struct chunk){ .ptr = (uint8_t *)ptr, .len = len };
}

/**
 * chunk_alloc() - allocate a zero-filled chunk
 * @c: receives the chunk (CHUNK_EMPTY on failure)
 * @len: its length; 0 gives CHUNK_EMPTY
 *
 * Return: 0, or -ENOMEM.
 */
int chunk_alloc(struct chunk *c, size_t len);

/**
 * chunk_dup() - copy @len bytes at @ptr into a new chunk
 * @c: receives the copy (CHUNK_EMPTY on failure)
 * @ptr: the bytes to copy (may be NULL if @len is 0)
 * @len: their number
 *
 * Return: 0, or -ENOMEM.
 */
int chunk_dup(struct chunk *c, const void *ptr, size_t len);

/**
 * chunk_concat() - concatenate @n chunks into a new chunk
 * @c: receives parts[0] | parts[1] | ... (CHUNK_EMPTY on failure)
 * @parts: the chunks, unchanged
 * @n: their number
 *
 * Use CHUNK_CAT() to pass the parts as arguments. The result is cleared
 * by the caller with chunk_clear() if any part was secret.
 *
 * Return: 0, -ENOMEM, or -EOVERFLOW if the total length overflows.
 */
int chunk_concat(struct chunk *c, const struct chunk *parts, size_t n);

/* CHUNK_CAT(&out, a, b, c): chunk_concat() over the listed chunks. */
#define CHUNK_CAT(c, ...)						\
	chunk_concat((c), (const struct chunk[]){ __VA_ARGS__ },	\
		     sizeof((const struct chunk[]){ __VA_ARGS__ }) /	\
		     sizeof(struct chunk))

/**
 * chunk_clear() - wipe, free and empty an owned chunk
 * @c: the chunk; NULL or an empty chunk is fine
 *
 * The buffer is overwritten with OPENSSL_cleanse() before it is freed.
 */
void chunk_clear(struct chunk *c);

/**
 * chunk_free() - free and empty an owned chunk that holds no secret
 * @c: the chunk; NULL or an empty chunk is fine
 */
void chunk_free(struct chunk *c);

/**
 * chunk_compare() - order two chunks octet by octet, a prefix of the other
 * being the lower (RFC 7296 2.8.1/2.8.2 compare nonces so)
 * Return: < 0, 0 or > 0 as @a is lower, equal or higher
 */
int chunk_compare(struct chunk a, struct chunk b);

/* chunk_min() - the lower of two chunks (chunk_compare()) */
static inline struct chunk chunk_min(struct chunk a, struct chunk b)
{
	return chunk_compare(a, b) <= 0 ? a : b;
}

/**
 * chunk_equal() - whether two chunks hold the same bytes
 * @a: first chunk
 * @b: second chunk
 *
 * Not constant time; use chunk_equal_const() for secrets and ICVs.
 *
 * Return: true if the lengths and the bytes are equal.
 */
bool chunk_equal(struct chunk a, struct chunk b);

/**
 * chunk_equal_const() - chunk_equal() in time independent of the bytes
 * @a: first chunk
 * @b: second chunk
 *
 * The time depends on the lengths only (CRYPTO_memcmp()).
 *
 * Return: true if the lengths and the bytes are equal.
 */
bool chunk_equal_const(struct chunk a, struct chunk b);

#endif /* ACIKD_CHUNK_H */
