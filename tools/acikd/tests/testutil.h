/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * testutil.h - helpers shared by the cmocka unit tests. Include after
 * <cmocka.h>.
 */
#ifndef ACIKD_TESTS_TESTUTIL_H
#define ACIKD_TESTS_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"

/* A new chunk from a hex string; free it with chunk_free(). */
static inline struct chunk hex(const char *s)
{
	size_t n = strlen(s), i;
	struct chunk c;

	assert_int_equal(n % 2, 0);
	assert_int_equal(chunk_alloc(&c, n / 2), 0);
	for (i = 0; i < n / 2; i++) {
		unsigned int b;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &b), 1);
		c.ptr[i] = (uint8_t)b;
	}
	return c;
}

/* A new chunk of @n bytes start, start + step, ... (mod 256). */
static inline struct chunk pattern(size_t n, unsigned int start,
				   unsigned int step)
{
	struct chunk c;
	size_t i;

	assert_int_equal(chunk_alloc(&c, n), 0);
	for (i = 0; i < n; i++)
		c.ptr[i] = (uint8_t)(start + i * step);
	return c;
}

/* Assert that @c holds the bytes of the hex string @s. */
#define assert_chunk_hex(c, s) do {					\
	struct chunk want_ = hex(s);					\
	assert_int_equal((c).len, want_.len);				\
	assert_memory_equal((c).ptr, want_.ptr, want_.len);		\
	chunk_free(&want_);						\
} while (0)

#endif /* ACIKD_TESTS_TESTUTIL_H */
