// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_dh.c - key exchange groups 20, 14 and 5: agreement between fresh
 * key pairs, known answers, and refusal of bad peer values.
 *
 * The known answers were printed by tests/gen_vectors.py with Python's
 * `cryptography` (ECDH on SECP384R1, finite-field DH with the RFC 3526
 * primes and generator 2, written out in IKE's encodings). The primes below
 * are RFC 3526's, copied independently of OpenSSL's built-in copies.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/dh.h"
#include "testutil.h"

#define ECP_PRIV_I \
	"00000000000000000000000000000000000000000000000000000000" \
	"0000000000000000000000000000000001234567"
#define ECP_PUB_I \
	"7ae9e1db1160794c70c1ef071be5191f6c66240f4608fbe8a44ecd36" \
	"c3ed5db97500f2e4d84e3fb45850fd6f4303302bd8ac21444cd80d24" \
	"1538d8034b399a0dee3636eb5cb00b9499d061a571db0f14bb47ed79" \
	"453948ed63f3a6ccbbf6e74f"
#define ECP_PUB_R \
	"08f17a8bdb363cd1eb1d3e787251987692f798119ed36263041fc659" \
	"bae239e3aa4bef568373f7f62d530128482032785fe05b76c2db8ed4" \
	"1d0213d4735a059bb73d85c6afeb07fb3e5f412cfe473c54e5ec0420" \
	"3184bbefe50f2c814ec51339"
#define ECP_SHARED \
	"1662c3022e5b00cfeffde5765d08d92fe91a36b05b2c9e23095bebdb" \
	"b854e673296fcbf8c5c4ab710c43a5043175f002"
#define MODP2048_PRIV_I \
	"33383d42474c51565b60656a6f74797e83888d92979ca1a6abb0b5ba" \
	"bfc4c9ce"
#define MODP2048_PUB_I \
	"04c81a4ca0564b88afefe97b100731d3c94cef5b8d33d8b2ae3f06e3" \
	"2f97663c2b27b0bc3b396d2244f81196f065d8a60e4fc7ed479cc6c7" \
	"0bdf2784ff03a5681b293f49df11acb37a6730689e3867425e44bdc8" \
	"e8df254549342f59c909c75d0517c141691c586808f5dc90fb265313" \
	"b0936a6225cd3934fdc8da5d2d3cf53523b26568c024ed29cb35bfee" \
	"63b2e19d5a998c93f2f76276e730eedd5b723a57e855bc500cd63af2" \
	"c9b2c4b197b153d5365e07f0ef654cab2cef3af632e7a5eeeda50579" \
	"b8977f3f8f2e51e9b7c774ef824bb055945142e469d956a873eef54c" \
	"073531ed6f28ca133e5a577c493c89041d12dade24bbcd2ea6a6b7af" \
	"f1473920"
#define MODP2048_PUB_R \
	"87903056055c01e6ef41ca20fd4092e154a8b82837018473e158cf05" \
	"03ac1a7a0e903523c3e38f705b424d770e9491f2db6ff7d52c488ba0" \
	"884356dc1b5337cd31589c7594b5b352bb2cd05d7b8c1c2a46ea6d0e" \
	"81ec77e0ddf3ef242cdbf5ac973f4ec926b38a059b3e5e6106d5f458" \
	"65a46c12fb8ae9826517012cddda04eccc026e142bad00312edaa3c1" \
	"8447a8f5ee362af2bdd49ccd3ff6dfb0fb3b96aafeb34455494ae233" \
	"76be6e8930a57f63cfa3def636ee5380d02f47af5030dd7ea1e9fed3" \
	"1b1078a1f71a783d59f68ceddcec4eedbc8f89728275df76368a23eb" \
	"4eb0ee89c17bd7420fa17b63931da734ec0d9bb82cdb625e287f0b5d" \
	"bf9d4d16"
#define MODP2048_SHARED \
	"ca7961a398ff6a6035e548464030aa8d2674b0cdf24f19cba0fe76a9" \
	"4f3ea00375dd0aade03af2b134b4c36cfbcef0efb1abcdc7b17d9528" \
	"f912c0916a9cec2c4075555902f492ecc0e5603bb0866bf1be63d8e2" \
	"390488ad79801613e774bb0a58a27a245fa41a95a1e3a578c4842d77" \
	"9ee8a7aba6861bf49a59553429201540206c47386c6d520a07e7944f" \
	"12d591653125f10dc198962e7111b21fe49268588b9c4300bdf455ad" \
	"c27fca21bb2a812b5b33d99d9c930e490371dd8bc491586132c635ce" \
	"03bad0f2ba6376974736a87681df6c1bfbae0066c8c40d0685a3a7f7" \
	"a9d9f1f392f442bb94f1e541bc71a69cb3bd43014d057f4168867905" \
	"52bbef62"
#define MODP1536_PRIV_I \
	"33383d42474c51565b60656a6f74797e83888d92979ca1a6abb0b5ba" \
	"bfc4c9ce"
#define MODP1536_PUB_I \
	"a51b34582b08ba7e64668ce3df34407f808383d9531e783ad7922c75" \
	"99d90fa1ba207dd9895e7d561cc14fe24541141ae6325e323550592e" \
	"98a8b8c3e75874292432271b556061955204e0610eb8e2c054f566a1" \
	"f52404737d4f750c6269e6e32821cdd9377f3330e9f19dfa5710c228" \
	"9b378cffe899b6373d04fcc02c991653702620cca332dde248c2e445" \
	"2c98a66de6ca1652887e2c0b5aca70947c892f673637c6bbe407f6d2" \
	"15b6777cc4ba071882a308d8e1ecd6feb9175ad89b7598e9"
#define MODP1536_PUB_R \
	"3f8b8334eb4cb4787cc907bfef36d68958edce3f804bb0d045a2f5b5" \
	"01b9d364f3b3e57a97c82c4ef2c24650e9291d6af91909d86cb14e45" \
	"93dc588a710a9e6ed48cb2569b8b417efe007968fd56cd4c2bf00df9" \
	"bcb1e13034b39f009307f4788a5e4a9ad44513c3ae4ccef192c63a08" \
	"53a9d4238f203435cccb76c1574b6b09b684635f5d27d07ae3d893cc" \
	"6b4e76ced98a415ddfa111d61edbd23d714ad87c6c0121d70ce75dd2" \
	"accdd1efe122653f074ad196ca5fac29258ee15e05fae7d0"
#define MODP1536_SHARED \
	"f0715feeff8e2f9ddc0b5174485888b196591abf6ce636924358711f" \
	"19260e9f51cec5d5492e01ce39cb989aeae6e27a494f93eae6ceff96" \
	"e6566a8eadc98656f33476292c2ffe41192a52b144f01c96d0114627" \
	"46f24a011195f3baf6d560621c67cfa8adbd52d8a849e9729e977a9f" \
	"e634ba120feb64990a4eee87aeebd6a3fc982d4c32d106809cddc2af" \
	"1265e9bf7aa379e39af6eb903904fc9a9d4ea55517d57edbeb5cfc66" \
	"64301b143790ce0347fe0fd6ac7aeb70b558b9573273871d"
#define MODP1536_P \
	"ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e08" \
	"8a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b" \
	"302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9" \
	"a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe6" \
	"49286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8" \
	"fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d" \
	"670c354e4abc9804f1746c08ca237327ffffffffffffffff"
#define MODP2048_P \
	"ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e08" \
	"8a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b" \
	"302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9" \
	"a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe6" \
	"49286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8" \
	"fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d" \
	"670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c" \
	"180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718" \
	"3995497cea956ae515d2261898fa051015728e5a8aacaa68ffffffff" \
	"ffffffff"
/* 2^384 - 2^128 - 2^96 + 2^32 - 1 */
#define P384_P \
	"ffffffffffffffffffffffffffffffffffffffffffffffff" \
	"fffffffffffffffeffffffff0000000000000000ffffffff"

static const uint16_t groups[3] = {
	DH_GROUP_ECP_384, DH_GROUP_MODP_2048, DH_GROUP_MODP_1536,
};

static void test_lengths(void **state)
{
	struct dh_key *key = (void *)1;

	(void)state;
	assert_int_equal(dh_public_len(DH_GROUP_ECP_384), 96);
	assert_int_equal(dh_secret_len(DH_GROUP_ECP_384), 48);
	assert_int_equal(dh_public_len(DH_GROUP_MODP_2048), 256);
	assert_int_equal(dh_secret_len(DH_GROUP_MODP_2048), 256);
	assert_int_equal(dh_public_len(DH_GROUP_MODP_1536), 192);
	assert_int_equal(dh_secret_len(DH_GROUP_MODP_1536), 192);
	assert_int_equal(dh_public_len(19), 0);	/* ECP-256: not ours */
	assert_int_equal(dh_key_create(19, &key), -EOPNOTSUPP);
	assert_null(key);
	assert_int_equal(dh_check_peer(2, CHUNK_EMPTY), -EOPNOTSUPP);
}

/* Two fresh key pairs of each group agree on the shared secret. */
static void test_agreement(void **state)
{
	struct chunk pub_a, pub_b, s_a, s_b;
	struct dh_key *a, *b;
	int i, round;

	(void)state;
	for (i = 0; i < 3; i++) {
		for (round = 0; round < 3; round++) {
			assert_int_equal(dh_key_create(groups[i], &a), 0);
			assert_int_equal(dh_key_create(groups[i], &b), 0);
			assert_int_equal(dh_key_group(a), groups[i]);
			assert_int_equal(dh_public_value(a, &pub_a), 0);
			assert_int_equal(dh_public_value(b, &pub_b), 0);
			assert_int_equal(pub_a.len, dh_public_len(groups[i]));
			assert_false(chunk_equal(pub_a, pub_b));
			assert_int_equal(dh_check_peer(groups[i], pub_b), 0);
			assert_int_equal(dh_compute_shared(a, pub_b, &s_a), 0);
			assert_int_equal(dh_compute_shared(b, pub_a, &s_b), 0);
			assert_int_equal(s_a.len, dh_secret_len(groups[i]));
			assert_true(chunk_equal_const(s_a, s_b));
			chunk_clear(&s_a);
			chunk_clear(&s_b);
			chunk_free(&pub_a);
			chunk_free(&pub_b);
			dh_key_free(a);
			dh_key_free(b);
		}
	}
	dh_key_free(NULL);
}

static void known_answer(uint16_t group, const char *priv_i,
			 const char *pub_i, const char *pub_r,
			 const char *shared)
{
	struct chunk priv = hex(priv_i), pi = hex(pub_i), pr = hex(pub_r);
	struct chunk pub, secret;
	struct dh_key *key;

	assert_int_equal(dh_key_import(group, priv, pi, &key), 0);
	assert_int_equal(dh_public_value(key, &pub), 0);
	assert_true(chunk_equal(pub, pi));
	assert_int_equal(dh_compute_shared(key, pr, &secret), 0);
	assert_chunk_hex(secret, shared);
	chunk_clear(&secret);
	chunk_free(&pub);
	dh_key_free(key);

	/* A public value that does not belong to the private value. */
	assert_int_equal(dh_key_import(group, priv, pr, &key), -EINVAL);
	assert_null(key);
	chunk_clear(&priv);
	chunk_free(&pi);
	chunk_free(&pr);
}

static void test_known_answers(void **state)
{
	(void)state;
	known_answer(DH_GROUP_ECP_384, ECP_PRIV_I, ECP_PUB_I, ECP_PUB_R,
		     ECP_SHARED);
	known_answer(DH_GROUP_MODP_2048, MODP2048_PRIV_I, MODP2048_PUB_I,
		     MODP2048_PUB_R, MODP2048_SHARED);
	known_answer(DH_GROUP_MODP_1536, MODP1536_PRIV_I, MODP1536_PUB_I,
		     MODP1536_PUB_R, MODP1536_SHARED);
}

/* dh_check_peer() and dh_compute_shared() give the same refusal. */
#define refused(key, v, want) do {					\
	struct chunk secret_;						\
									\
	assert_int_equal(dh_check_peer(dh_key_group(key), (v)), (want));\
	assert_int_equal(dh_compute_shared((key), (v), &secret_), (want));\
	assert_null(secret_.ptr);					\
} while (0)

static void test_bad_length_and_zero(void **state)
{
	struct chunk pub, v;
	struct dh_key *key;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(dh_key_create(groups[i], &key), 0);
		assert_int_equal(dh_public_value(key, &pub), 0);
		refused(key, CHUNK_EMPTY, DH_ERR_LENGTH);
		refused(key, chunk_from(pub.ptr, pub.len - 1), DH_ERR_LENGTH);
		/* One byte too many, e.g. a SEC 1 0x04 prefix kept. */
		assert_int_equal(CHUNK_CAT(&v, chunk_from("\x04", 1), pub), 0);
		refused(key, v, DH_ERR_LENGTH);
		chunk_free(&v);
		assert_int_equal(chunk_alloc(&v, pub.len), 0);
		refused(key, v, DH_ERR_ZERO);
		chunk_free(&v);
		chunk_free(&pub);
		dh_key_free(key);
	}
}

static void test_bad_ecp_points(void **state)
{
	struct chunk pub, v, p = hex(P384_P);
	struct dh_key *key;

	(void)state;
	assert_int_equal(p.len, 48);
	assert_int_equal(dh_key_create(DH_GROUP_ECP_384, &key), 0);
	assert_int_equal(dh_public_value(key, &pub), 0);

	/* (1, 1) is not on P-384. */
	assert_int_equal(chunk_alloc(&v, 96), 0);
	v.ptr[47] = 1;
	v.ptr[95] = 1;
	refused(key, v, DH_ERR_GROUP);
	/* A valid x with the wrong y. */
	memcpy(v.ptr, pub.ptr, 96);
	v.ptr[95] ^= 0x01;
	refused(key, v, DH_ERR_GROUP);
	/* x = p, and y = p: coordinates out of the field. */
	memcpy(v.ptr, p.ptr, 48);
	memcpy(v.ptr + 48, pub.ptr + 48, 48);
	refused(key, v, DH_ERR_RANGE);
	memcpy(v.ptr, pub.ptr, 48);
	memcpy(v.ptr + 48, p.ptr, 48);
	refused(key, v, DH_ERR_RANGE);
	memset(v.ptr, 0xff, 96);
	refused(key, v, DH_ERR_RANGE);
	/* Only y = 0 (x valid): on no curve point of P-384 with that x. */
	memcpy(v.ptr, pub.ptr, 48);
	memset(v.ptr + 48, 0, 48);
	refused(key, v, DH_ERR_GROUP);

	chunk_free(&v);
	chunk_free(&p);
	chunk_free(&pub);
	dh_key_free(key);
}

static void bad_modp(uint16_t group, const char *prime)
{
	struct chunk p = hex(prime), v;
	struct dh_key *key;
	size_t n = p.len;

	assert_int_equal(n, dh_public_len(group));
	assert_int_equal(dh_key_create(group, &key), 0);
	assert_int_equal(chunk_alloc(&v, n), 0);

	v.ptr[n - 1] = 1;				/* 1 */
	refused(key, v, DH_ERR_RANGE);
	v.ptr[n - 1] = 2;				/* 2 = g: accepted */
	assert_int_equal(dh_check_peer(group, v), 0);
	memcpy(v.ptr, p.ptr, n);			/* p */
	refused(key, v, DH_ERR_RANGE);
	v.ptr[n - 1] -= 1;				/* p - 1 */
	refused(key, v, DH_ERR_RANGE);
	v.ptr[n - 1] -= 1;				/* p - 2 = -2 */
	/*
	 * In [2, p-2] but of order 2q, outside the subgroup of g: a safe
	 * prime's only small subgroup is {1, p-1}, so this value confines
	 * nothing and is accepted (RFC 6989 2.2; no y^q check).
	 */
	assert_int_equal(dh_check_peer(group, v), 0);
	memset(v.ptr, 0xff, n);				/* > p */
	refused(key, v, DH_ERR_RANGE);

	chunk_free(&v);
	chunk_free(&p);
	dh_key_free(key);
}

static void test_bad_modp_values(void **state)
{
	(void)state;
	bad_modp(DH_GROUP_MODP_2048, MODP2048_P);
	bad_modp(DH_GROUP_MODP_1536, MODP1536_P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_agreement),
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_bad_length_and_zero),
		cmocka_unit_test(test_bad_ecp_points),
		cmocka_unit_test(test_bad_modp_values),
	};

	return cmocka_run_group_tests_name("dh", tests, NULL, NULL);
}
