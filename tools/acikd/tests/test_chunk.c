// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_chunk.c - chunk.h helpers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chunk.h"
#include "testutil.h"

static void test_alloc_zeroed(void **state)
{
	struct chunk c;
	size_t i;

	(void)state;
	assert_int_equal(chunk_alloc(&c, 33), 0);
	assert_non_null(c.ptr);
	assert_int_equal(c.len, 33);
	for (i = 0; i < c.len; i++)
		assert_int_equal(c.ptr[i], 0);
	chunk_clear(&c);
	assert_null(c.ptr);
	assert_int_equal(c.len, 0);

	assert_int_equal(chunk_alloc(&c, 0), 0);
	assert_null(c.ptr);
	assert_int_equal(c.len, 0);
	chunk_clear(&c);
	chunk_clear(NULL);
	chunk_free(NULL);
}

static void test_dup_and_equal(void **state)
{
	static const uint8_t bytes[] = { 1, 2, 3, 4, 5 };
	struct chunk a, b;

	(void)state;
	assert_int_equal(chunk_dup(&a, bytes, sizeof(bytes)), 0);
	assert_ptr_not_equal(a.ptr, bytes);
	assert_memory_equal(a.ptr, bytes, sizeof(bytes));
	assert_true(chunk_equal(a, chunk_from(bytes, sizeof(bytes))));
	assert_true(chunk_equal_const(a, chunk_from(bytes, sizeof(bytes))));

	assert_int_equal(chunk_dup(&b, bytes, 4), 0);
	assert_false(chunk_equal(a, b));	/* length differs */
	assert_false(chunk_equal_const(a, b));
	chunk_free(&b);

	assert_int_equal(chunk_dup(&b, bytes, sizeof(bytes)), 0);
	b.ptr[4] ^= 0x80;
	assert_false(chunk_equal(a, b));	/* last byte differs */
	assert_false(chunk_equal_const(a, b));
	chunk_clear(&b);

	assert_true(chunk_equal(CHUNK_EMPTY, chunk_from(NULL, 0)));
	assert_true(chunk_equal_const(CHUNK_EMPTY, CHUNK_EMPTY));
	assert_int_equal(chunk_dup(&b, NULL, 0), 0);
	assert_null(b.ptr);
	chunk_clear(&a);
}

static void test_concat(void **state)
{
	struct chunk a = hex("0102"), b = hex("030405"), c;

	(void)state;
	assert_int_equal(CHUNK_CAT(&c, a, CHUNK_EMPTY, b, a), 0);
	assert_chunk_hex(c, "0102030405" "0102");
	chunk_clear(&c);

	assert_int_equal(CHUNK_CAT(&c, CHUNK_EMPTY, CHUNK_EMPTY), 0);
	assert_int_equal(c.len, 0);
	assert_null(c.ptr);

	assert_int_equal(CHUNK_CAT(&c, b), 0);
	assert_true(chunk_equal(b, c));
	chunk_free(&c);

	/* A total that does not fit a size_t. */
	assert_int_equal(CHUNK_CAT(&c, a, chunk_from(a.ptr, SIZE_MAX)),
			 -EOVERFLOW);
	assert_null(c.ptr);
	chunk_free(&a);
	chunk_free(&b);
}

/* Octet by octet; a prefix of the other is the lower (RFC 7296 2.8.1). */
static void test_compare(void **state)
{
	uint8_t a[] = { 1, 2, 3 }, b[] = { 1, 2, 4 };
	struct chunk ca = chunk_from(a, 3), cb = chunk_from(b, 3);
	struct chunk prefix = chunk_from(a, 2);

	(void)state;
	assert_true(chunk_compare(ca, cb) < 0);
	assert_true(chunk_compare(cb, ca) > 0);
	assert_int_equal(chunk_compare(ca, ca), 0);
	assert_true(chunk_compare(prefix, ca) < 0);
	assert_true(chunk_compare(ca, prefix) > 0);
	assert_ptr_equal(chunk_min(cb, ca).ptr, a);
	assert_int_equal(chunk_min(ca, prefix).len, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_zeroed),
		cmocka_unit_test(test_dup_and_equal),
		cmocka_unit_test(test_concat),
		cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests_name("chunk", tests, NULL, NULL);
}
