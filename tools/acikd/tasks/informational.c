// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * informational.c - the INFORMATIONAL exchange (RFC 7296 1.4, 1.5, 3.11),
 * both roles: DELETE of Child SA pairs and of the IKE SA, and the empty
 * request that checks the peer's liveness (dead peer detection, 2.4).
 *
 * A pair goes out of actun as soon as either side has decided: the
 * initiator of a DELETE removes it before sending, the responder while
 * answering. Crossed DELETEs of the same pair (1.4.1) then find nothing
 * to remove and answer without a Delete payload, which is what the RFC
 * asks. The IKE SA itself goes only after its DELETE is answered (or its
 * retransmissions run out), so that the manager can still send and match
 * the last message.
 */
#include <errno.h>
#include <string.h>

#include "child.h"
#include "tasks.h"

#define ESP_SPI_LEN 4

/*
 * The fields of a Delete payload (3.11). The parser checks them too;
 * they are checked again here, where they are acted on, so that no path
 * to a removal depends on how the payload got into @d.
 */
static int delete_check(const struct enc_delete *d)
{
	switch (d->protocol) {
	case IKE_PROTO_IKE:
		/* The IKE SA is the one the message travels on. */
		return d->spi_size == 0 && d->num_spis == 0 && !d->spis.len ?
		       0 : -ENC_E_VALUE;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		return d->spi_size == ESP_SPI_LEN && d->num_spis &&
		       d->spis.len == (size_t)d->num_spis * ESP_SPI_LEN &&
		       d->spis.ptr ? 0 : -ENC_E_VALUE;
	default:
		return -ENC_E_VALUE;
	}
}

/* Check every Delete payload before acting on any; @ike: one is for IKE. */
static int deletes_check(const struct enc_message *m, bool *ike)
{
	const struct enc_payload *p = NULL;

	*ike = false;
	while ((p = enc_message_find(m, IKE_PL_DELETE, p))) {
		int err = delete_check(&p->u.del);

		if (err)
			return err;
		*ike |= p->u.del.protocol == IKE_PROTO_IKE;
	}
	return 0;
}

/*
 * Remove the pairs whose outbound SPI (the peer's inbound one) the peer
 * named; write our inbound SPIs of the removed pairs to @spis. Unknown
 * SPIs, AH ones (we never negotiate AH) and pairs already removed by our
 * own DELETE are passed over; a pair our own DELETE is closing goes but is
 * not named, as both ends close it (1.4.1). Return: the count written.
 */
static unsigned int remove_named(struct ike_sa *sa, const struct ike_ctx *c,
				 const struct enc_message *m, uint8_t *spis,
				 unsigned int max)
{
	const struct enc_payload *p = NULL;
	unsigned int n = 0;

	while ((p = enc_message_find(m, IKE_PL_DELETE, p))) {
		const struct enc_delete *d = &p->u.del;

		if (d->protocol != IKE_PROTO_ESP)
			continue;
		for (unsigned int i = 0; i < d->num_spis && n < max; i++) {
			uint32_t spi =
				enc_get_be32(d->spis.ptr + i * ESP_SPI_LEN);
			struct ike_child *ch = ike_sa_child_by_out(sa, spi);

			if (!ch)
				continue;
			if (!ch->deleting)
				enc_put_be32(spis + n++ * ESP_SPI_LEN, ch->spi_in);
			child_remove(sa, c, ch->spi_in);
		}
	}
	return n;
}

/* An INFORMATIONAL message carrying one ESP Delete of @n SPIs, or none. */
static int build(struct ike_sa *sa, bool response, uint32_t msg_id,
		 const uint8_t *spis, unsigned int n, struct enc_buf *out)
{
	struct enc_payload d = { .type = IKE_PL_DELETE };

	d.u.del = (struct enc_delete){
		.protocol = IKE_PROTO_ESP,
		.spi_size = ESP_SPI_LEN,
		.num_spis = (uint16_t)n,
		.spis = chunk_from(spis, (size_t)n * ESP_SPI_LEN),
	};
	out->len = 0;
	return ike_sa_build(sa, INFORMATIONAL, response, msg_id, &d, n ? 1 : 0,
			    true, out);
}

int info_respond_error(struct ike_sa *sa, const struct enc_message *m,
		       uint16_t type, struct chunk data, struct enc_buf *out)
{
	struct enc_payload n = { .type = IKE_PL_NOTIFY };

	n.u.notify.type = type;
	n.u.notify.data = data;
	out->len = 0;
	return ike_sa_build(sa, m->hdr.exchange, true, m->hdr.message_id, &n,
			    1, true, out);
}

/*
 * Notify payloads of a request are ignored: unknown error types in a
 * request and all status types MUST be (3.10.1), and none of the known
 * ones asks for anything in an INFORMATIONAL request.
 */
int info_respond(struct ike_sa *sa, const struct ike_ctx *c,
		 const struct enc_message *m, struct enc_buf *out)
{
	uint8_t spis[IKE_SA_MAX_CHILD * ESP_SPI_LEN];
	unsigned int n = 0;
	bool ike;
	int err;

	/* A rekeyed SA answers too: the peer deletes it on it (2.8). */
	if (sa->state < IKE_SA_STATE_ESTABLISHED)
		return -EPROTO;
	err = deletes_check(m, &ike);
	if (err) {
		/* Authenticated, so the error is answered (2.21.3). */
		info_respond_error(sa, m, NOTIFY_INVALID_SYNTAX, CHUNK_EMPTY,
				   out);
		return err;
	}
	/* Deleting the IKE SA takes its Child SAs along (1.4.1). */
	if (!ike)
		n = remove_named(sa, c, m, spis, IKE_SA_MAX_CHILD);
	err = build(sa, true, m->hdr.message_id, spis, n, out);
	if (err)
		return err;
	return ike ? INFO_DELETE_IKE : 0;
}

int info_delete_child_start(struct ike_sa *sa, const struct ike_ctx *c,
			    uint32_t spi_in)
{
	uint8_t spi[ESP_SPI_LEN], msg[IKE_MSG_MAX];
	struct enc_buf mb = enc_buf_init(msg, sizeof(msg));
	int err;

	struct ike_child *ch = ike_sa_child_by_in(sa, spi_in);

	/* Already gone (the peer deleted it first) or going: nothing to say. */
	if (!ch || ch->deleting)
		return 0;
	enc_put_be32(spi, spi_in);
	err = build(sa, false, sa->next_req_id, spi, 1, &mb);
	if (err)
		return err;
	ch->deleting = true;
	/*
	 * The pair stays in actun until the answer (info_delete_child_done()):
	 * the peer sends on it until it has our DELETE (1.4.1), and after a
	 * rekey actun sends on the newer pair already.
	 */
	return ike_sa_send_request(sa, c, INFORMATIONAL, enc_buf_chunk(&mb));
}

int info_delete_ike_start(struct ike_sa *sa, const struct ike_ctx *c)
{
	struct enc_payload d = { .type = IKE_PL_DELETE };
	enum ike_sa_state was = sa->state;
	uint8_t msg[IKE_MSG_MAX];
	struct enc_buf mb = enc_buf_init(msg, sizeof(msg));
	int err;

	d.u.del.protocol = IKE_PROTO_IKE;
	err = ike_sa_build(sa, INFORMATIONAL, false, sa->next_req_id, &d, 1,
			   true, &mb);
	if (err)
		return err;
	/*
	 * DELETING before sending: no job starts any more, and the request
	 * gets the plain retransmission schedule, not the DPD one.
	 */
	sa->state = IKE_SA_STATE_DELETING;
	err = ike_sa_send_request(sa, c, INFORMATIONAL, enc_buf_chunk(&mb));
	/*
	 * Nothing went out: not stuck DELETING; DPD still watches an
	 * established SA, a rekeyed one goes after IKE_REKEYED_MS.
	 */
	if (err)
		sa->state = was;
	return err;
}

int info_dpd_start(struct ike_sa *sa, const struct ike_ctx *c)
{
	uint8_t msg[IKE_MSG_MAX];
	struct enc_buf mb = enc_buf_init(msg, sizeof(msg));
	int err = build(sa, false, sa->next_req_id, NULL, 0, &mb);

	if (err)
		return err;
	return ike_sa_send_request(sa, c, INFORMATIONAL, enc_buf_chunk(&mb));
}

void info_delete_child_done(struct ike_sa *sa, const struct ike_ctx *c,
			    uint32_t spi_in)
{
	if (ike_sa_child_by_in(sa, spi_in))
		child_remove(sa, c, spi_in);
}

/*
 * The peer's Delete payloads in the answer to a Child SA DELETE name its
 * side of the pair we remove (info_delete_child_done()); whatever else
 * they name, we do not act on (a response cannot ask for anything).
 * Error notifies make no difference either: the pair goes on our side
 * with any answer, and a DELETE of the IKE SA ends it whatever the
 * answer (1.4.1).
 */
/*
 * An SA rekeyed away holds no pairs any more (they moved to the new SA,
 * ike_rekey.c), so its deletion, either way, removes nothing from actun.
 */
int info_process(struct ike_sa *sa, const struct ike_ctx *c,
		 const struct enc_message *resp)
{
	(void)c;
	(void)resp;
	return sa->state == IKE_SA_STATE_DELETING ? INFO_DELETE_IKE : 0;
}
