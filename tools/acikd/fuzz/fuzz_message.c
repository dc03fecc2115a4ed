// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fuzz_message.c - libFuzzer target for the encoding layer: parse a whole
 * datagram; treat the SK/SKF body as if it were the decrypted plaintext
 * so the inner chain and the exchange rules get fuzzed too; walk every
 * verified proposal and selector list; and check that what parses
 * regenerates into something that parses the same way.
 *
 * Build and run: make -f encoding/encoding.mk fuzz-run (from tools/acikd).
 */
#include <stdlib.h>
#include <string.h>

#include "encoding/encoding.h"

/* A verified payload's substructures must walk without error. */
static void walk(const struct enc_payload *p)
{
	if (p->type == IKE_PL_SA) {
		struct enc_proposal_iter it;
		struct enc_proposal prop;
		int err, n = 0;

		enc_proposal_iter_init(&it, &p->u.sa);
		while ((err = enc_proposal_next(&it, &prop)) > 0)
			n++;
		if (err || n != p->u.sa.num_proposals)
			abort();
	} else if (p->type == IKE_PL_TSI || p->type == IKE_PL_TSR) {
		struct enc_ts_iter it;
		struct enc_ts_sel sel;
		int err, n = 0;

		enc_ts_iter_init(&it, &p->u.ts);
		while ((err = enc_ts_next(&it, &sel)) > 0)
			n++;
		if (err || n != p->u.ts.num)
			abort();
	}
}

/*
 * Regenerate the outer payloads of @m and parse the result: it must parse,
 * to the same payload types, and regenerate to the same bytes (the
 * generator's output is canonical: reserved bits zero, unknown payloads
 * gone).
 */
static void round_trip(const struct enc_message *m, size_t outer)
{
	size_t size = m->data.len;
	uint8_t *a = malloc(size), *b = malloc(size);
	struct enc_message *m2 = malloc(sizeof(*m2));
	struct enc_buf ba = enc_buf_init(a, size), bb = enc_buf_init(b, size);

	if (!a || !b || !m2)
		abort();
	if (enc_message_generate(&ba, &m->hdr, m->payloads, outer, NULL))
		abort();
	if (enc_message_parse(m2, enc_buf_chunk(&ba)))
		abort();
	if (m2->num_payloads != outer)
		abort();
	for (size_t i = 0; i < outer; i++)
		if (m2->payloads[i].type != m->payloads[i].type)
			abort();
	if (enc_message_generate(&bb, &m2->hdr, m2->payloads, outer, NULL) ||
	    ba.len != bb.len || memcmp(a, b, ba.len))
		abort();
	free(m2);
	free(b);
	free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct enc_message *m = malloc(sizeof(*m));
	size_t outer;
	int err;

	if (!m)
		abort();
	err = enc_message_parse(m, chunk_from(data, size));
	/* Every error has a text and a notify mapping. */
	(void)enc_error_notify(err);
	if (!enc_strerror(err))
		abort();
	if (err)
		goto out;
	outer = m->num_payloads;
	for (size_t i = 0; i < outer; i++)
		walk(&m->payloads[i]);
	round_trip(m, outer);
	if (m->sk >= 0) {
		const struct enc_payload *sk = &m->payloads[m->sk];

		if (enc_message_parse_encrypted(m, sk->next, sk->u.sk.data))
			goto out;
		if (!m->complete)
			abort();
		for (size_t i = outer; i < m->num_payloads; i++) {
			if (!m->payloads[i].encrypted)
				abort();
			walk(&m->payloads[i]);
		}
	}
out:
	free(m);
	return 0;
}
