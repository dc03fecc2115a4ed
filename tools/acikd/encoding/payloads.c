// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * payloads.c - one field table per payload type, each beside its diagram
 * from RFC 7296 section 3 (RFC 7383 for SKF), and each payload's own
 * checks (verify) beyond its layout: what the RFCs fix about lengths and
 * values. The parser and generator know nothing payload-specific.
 */
#include "fields.h"

#define PL(field) offsetof(struct enc_payload, u.field)
#define HDR(field) offsetof(struct enc_header, field)

/*
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Initiator's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Responder's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Message ID                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Length                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct enc_field header_fields[] = {
	{ EF_U64, HDR(spi_i) },
	{ EF_U64, HDR(spi_r) },
	{ EF_U8, HDR(next) },
	{ EF_U8, HDR(version) },
	{ EF_U8, HDR(exchange) },
	{ EF_U8, HDR(flags) },
	{ EF_U32, HDR(message_id) },
	{ EF_U32, HDR(length) },
};
const struct enc_struct enc_header_struct = ENC_STRUCT("header", header_fields);

/*
 * Generic payload header, also all we parse of an unknown payload:
 * +---------------+-+-------------+-------------------------------+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +---------------+-+-------------+-------------------------------+
 */
static const struct enc_field unknown_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_BODY, PL(eap.data) },
};
const struct enc_struct enc_unknown_payload =
	ENC_STRUCT("unknown", unknown_fields);

/*
 * Security Association (3.3): the generic header, then Proposals.
 * ~                          <Proposals>                          ~
 */
static const struct enc_field sa_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_BODY, PL(sa.proposals) },
};

static int sa_verify(struct enc_payload *p, bool response)
{
	int n = enc_sa_verify(&p->u.sa, response);

	if (n < 0)
		return n;
	p->u.sa.num_proposals = (uint8_t)n;
	return 0;
}

/*
 * Key Exchange (3.4):
 * +---------------+-+-------------+-------------------------------+
 * |   Diffie-Hellman Group Num    |           RESERVED            |
 * +-------------------------------+-------------------------------+
 * ~                       Key Exchange Data                       ~
 */
static const struct enc_field ke_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_U16, PL(ke.group) },
	{ EF_RESERVED16, 0 },
	{ EF_BODY, PL(ke.data) },
};

/*
 * The public value lengths the RFCs fix (RFC 7296 3.4 says the data length
 * must match the group): MODP p-lengths (RFC 3526, 2409), ECP x|y (RFC
 * 5903), Curve25519/448 (RFC 8031). An unknown group is not a syntax error:
 * the exchange answers it with INVALID_KE_PAYLOAD.
 */
static const struct { uint16_t group, len; } ke_lengths[] = {
	{ 1, 96 }, { 2, 128 }, { 5, 192 }, { 14, 256 }, { 15, 384 },
	{ 16, 512 }, { 17, 768 }, { 18, 1024 }, { 19, 64 }, { 20, 96 },
	{ 21, 132 }, { 31, 32 }, { 32, 56 },
};

static int ke_verify(struct enc_payload *p, bool response)
{
	(void)response;
	if (p->u.ke.group == 0 || p->u.ke.data.len == 0)
		return -ENC_E_VALUE;
	for (size_t i = 0; i < sizeof(ke_lengths) / sizeof(ke_lengths[0]); i++)
		if (ke_lengths[i].group == p->u.ke.group)
			return p->u.ke.data.len == ke_lengths[i].len ?
			       0 : -ENC_E_VALUE;
	return 0;
}

/*
 * Identification, IDi and IDr (3.5):
 * +---------------+-+-------------+-------------------------------+
 * |   ID Type     |                 RESERVED                      |
 * +---------------+-----------------------------------------------+
 * ~                   Identification Data                         ~
 */
static const struct enc_field id_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_U8, PL(id.type) },
	{ EF_RESERVED24, 0 },
	{ EF_BODY, PL(id.data) },
};

static int id_verify(struct enc_payload *p, bool response)
{
	size_t len = p->u.id.data.len;

	(void)response;
	switch (p->u.id.type) {
	case ID_IPV4_ADDR:
		return len == 4 ? 0 : -ENC_E_VALUE;
	case ID_IPV6_ADDR:
		return len == 16 ? 0 : -ENC_E_VALUE;
	default:
		/* Names, key IDs, DNs: anything but empty. */
		return len ? 0 : -ENC_E_VALUE;
	}
}

/*
 * Certificate (3.6) and Certificate Request (3.7):
 * +---------------+-+-------------+-------------------------------+
 * | Cert Encoding |                                               |
 * +---------------+  Certificate Data / Certification Authority   ~
 */
static const struct enc_field cert_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_U8, PL(cert.encoding) },
	{ EF_BODY, PL(cert.data) },
};

static int cert_verify(struct enc_payload *p, bool response)
{
	(void)response;
	/* A CERTREQ may name no CA ("any"); a CERT cannot be empty. */
	if (p->type == IKE_PL_CERT && p->u.cert.data.len == 0)
		return -ENC_E_VALUE;
	return 0;
}

/*
 * Authentication (3.8):
 * +---------------+-+-------------+-------------------------------+
 * | Auth Method   |                RESERVED                       |
 * +---------------+-----------------------------------------------+
 * ~                      Authentication Data                      ~
 */
static const struct enc_field auth_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_U8, PL(auth.method) },
	{ EF_RESERVED24, 0 },
	{ EF_BODY, PL(auth.data) },
};

static int auth_verify(struct enc_payload *p, bool response)
{
	(void)response;
	return p->u.auth.data.len ? 0 : -ENC_E_VALUE;
}

/*
 * Nonce (3.9), Vendor ID (3.12), EAP (3.16): the header, then data.
 * ~                            Data                               ~
 */
static const struct enc_field nonce_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_BODY, PL(nonce.data) },
};

static int nonce_verify(struct enc_payload *p, bool response)
{
	size_t len = p->u.nonce.data.len;

	(void)response;
	return len >= ENC_NONCE_MIN && len <= ENC_NONCE_MAX ? 0 : -ENC_E_VALUE;
}

static int eap_verify(struct enc_payload *p, bool response)
{
	(void)response;
	/* Code, Identifier, Length: the EAP header (RFC 3748 4). */
	return p->u.eap.data.len >= 4 ? 0 : -ENC_E_VALUE;
}

/*
 * Notify (3.10):
 * +---------------+-+-------------+-------------------------------+
 * |  Protocol ID  |   SPI Size    |      Notify Message Type      |
 * +---------------+---------------+-------------------------------+
 * ~                Security Parameter Index (SPI)                 ~
 * ~                       Notification Data                       ~
 */
static const struct enc_field notify_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_U8, PL(notify.protocol) },
	{ EF_SPI_SIZE, PL(notify.spi) },
	{ EF_U16, PL(notify.type) },
	{ EF_SPI, PL(notify.spi) },
	{ EF_BODY, PL(notify.data) },
};

static int notify_verify(struct enc_payload *p, bool response)
{
	const struct enc_notify *n = &p->u.notify;
	size_t len = n->data.len;

	(void)response;
	/*
	 * SPI sizes by protocol (3.10): none for no SA, the IKE SA's SPI (8,
	 * tolerated though the RFC says 0) or 4 for a Child SA.
	 */
	switch (n->protocol) {
	case IKE_PROTO_NONE:
		if (n->spi.len != 0)
			return -ENC_E_VALUE;
		break;
	case IKE_PROTO_IKE:
		if (n->spi.len != 0 && n->spi.len != 8)
			return -ENC_E_VALUE;
		break;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		if (n->spi.len != 0 && n->spi.len != 4)
			return -ENC_E_VALUE;
		break;
	default:
		return -ENC_E_VALUE;
	}
	switch (n->type) {
	case NOTIFY_INVALID_KE_PAYLOAD:
		return len == 2 ? 0 : -ENC_E_VALUE;	/* the group */
	case NOTIFY_UNSUPPORTED_CRITICAL_PAYLOAD:
		return len == 1 ? 0 : -ENC_E_VALUE;	/* the type */
	case NOTIFY_NAT_DETECTION_SOURCE_IP:
	case NOTIFY_NAT_DETECTION_DESTINATION_IP:
		return len == NOTIFY_NAT_DETECTION_LEN ? 0 : -ENC_E_VALUE;
	case NOTIFY_COOKIE:
		return len >= 1 && len <= NOTIFY_COOKIE_MAX_LEN ?
		       0 : -ENC_E_VALUE;
	case NOTIFY_REKEY_SA:
		/* Names the Child SA being rekeyed (2.8). */
		return (n->protocol == IKE_PROTO_ESP ||
			n->protocol == IKE_PROTO_AH) && n->spi.len == 4 ?
		       0 : -ENC_E_VALUE;
	case NOTIFY_SET_WINDOW_SIZE:
		return len == 4 ? 0 : -ENC_E_VALUE;
	case NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED:
	case NOTIFY_USE_TRANSPORT_MODE:
	case NOTIFY_ESP_TFC_PADDING_NOT_SUPPORTED:
	case NOTIFY_NON_FIRST_FRAGMENTS_ALSO:
	case NOTIFY_INITIAL_CONTACT:
		return len == 0 ? 0 : -ENC_E_VALUE;
	default:
		/* Others (errors included) may carry data we keep opaque. */
		return 0;
	}
}

/*
 * Delete (3.11):
 * +---------------+-+-------------+-------------------------------+
 * | Protocol ID   |   SPI Size    |          Num of SPIs          |
 * +---------------+---------------+-------------------------------+
 * ~               Security Parameter Index(es) (SPI)              ~
 */
static const struct enc_field delete_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_U8, PL(del.protocol) },
	{ EF_U8, PL(del.spi_size) },
	{ EF_U16, PL(del.num_spis) },
	{ EF_BODY, PL(del.spis) },
};

static int delete_verify(struct enc_payload *p, bool response)
{
	const struct enc_delete *d = &p->u.del;

	(void)response;
	switch (d->protocol) {
	case IKE_PROTO_IKE:
		/* The IKE SA is the one the message travels on. */
		return d->spi_size == 0 && d->num_spis == 0 &&
		       d->spis.len == 0 ? 0 : -ENC_E_VALUE;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		return d->spi_size == 4 && d->num_spis > 0 &&
		       d->spis.len == (size_t)d->num_spis * 4 ?
		       0 : -ENC_E_VALUE;
	default:
		return -ENC_E_VALUE;
	}
}

/*
 * Traffic Selector, TSi and TSr (3.13):
 * +---------------+-+-------------+-------------------------------+
 * | Number of TSs |                 RESERVED                      |
 * +---------------+-----------------------------------------------+
 * ~                       <Traffic Selectors>                     ~
 */
static const struct enc_field ts_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_U8, PL(ts.num) },
	{ EF_RESERVED24, 0 },
	{ EF_BODY, PL(ts.selectors) },
};

static int ts_verify(struct enc_payload *p, bool response)
{
	(void)response;
	return enc_ts_verify(&p->u.ts);
}

/*
 * Encrypted and Authenticated (3.14); Next Payload names the first inner:
 * +---------------+-+-------------+-------------------------------+
 * ~    Initialization Vector, Encrypted IKE Payloads, Padding,    ~
 * ~    Pad Length, Integrity Checksum Data                        ~
 */
static const struct enc_field sk_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_BODY, PL(sk.data) },
};

static int sk_verify(struct enc_payload *p, bool response)
{
	(void)response;
	return p->u.sk.data.len ? 0 : -ENC_E_VALUE;
}

/*
 * Encrypted and Authenticated Fragment (RFC 7383 2.5):
 * +---------------+-+-------------+-------------------------------+
 * |        Fragment Number        |        Total Fragments        |
 * +-------------------------------+-------------------------------+
 * ~    Initialization Vector, Encrypted content, ..., ICV         ~
 */
static const struct enc_field skf_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_U16, PL(sk.number) },
	{ EF_U16, PL(sk.total) },
	{ EF_BODY, PL(sk.data) },
};

static int skf_verify(struct enc_payload *p, bool response)
{
	const struct enc_sk *f = &p->u.sk;

	(void)response;
	/*
	 * RFC 7383 2.6: a number of 0 or above the total is invalid; the cap
	 * bounds the reassembly state a peer can make us keep. Only the
	 * first fragment names the inner payload (others send 0, which we
	 * do not insist on).
	 */
	if (f->number < 1 || f->number > f->total ||
	    f->total > ENC_MAX_FRAGMENTS || f->data.len == 0)
		return -ENC_E_FRAGMENT;
	if (f->number == 1 && p->next == IKE_PL_NONE)
		return -ENC_E_FRAGMENT;
	return 0;
}

/*
 * Configuration (3.15):
 * +---------------+-+-------------+-------------------------------+
 * |   CFG Type    |                    RESERVED                   |
 * +---------------+-----------------------------------------------+
 * ~                   Configuration Attributes                    ~
 */
static const struct enc_field cp_fields[] = {
	ENC_GENERIC_HEADER,
	{ EF_U8, PL(cp.type) },
	{ EF_RESERVED24, 0 },
	{ EF_BODY, PL(cp.attributes) },
};

static int cp_verify(struct enc_payload *p, bool response)
{
	(void)response;
	return p->u.cp.type >= CFG_REQUEST && p->u.cp.type <= CFG_ACK ?
	       0 : -ENC_E_VALUE;
}

static const struct enc_payload_desc descs[] = {
	{ IKE_PL_SA, ENC_STRUCT("SA", sa_fields), sa_verify },
	{ IKE_PL_KE, ENC_STRUCT("KE", ke_fields), ke_verify },
	{ IKE_PL_IDI, ENC_STRUCT("IDi", id_fields), id_verify },
	{ IKE_PL_IDR, ENC_STRUCT("IDr", id_fields), id_verify },
	{ IKE_PL_CERT, ENC_STRUCT("CERT", cert_fields), cert_verify },
	{ IKE_PL_CERTREQ, ENC_STRUCT("CERTREQ", cert_fields), cert_verify },
	{ IKE_PL_AUTH, ENC_STRUCT("AUTH", auth_fields), auth_verify },
	{ IKE_PL_NONCE, ENC_STRUCT("No", nonce_fields), nonce_verify },
	{ IKE_PL_NOTIFY, ENC_STRUCT("N", notify_fields), notify_verify },
	{ IKE_PL_DELETE, ENC_STRUCT("D", delete_fields), delete_verify },
	{ IKE_PL_VENDOR, ENC_STRUCT("V", nonce_fields), NULL },
	{ IKE_PL_TSI, ENC_STRUCT("TSi", ts_fields), ts_verify },
	{ IKE_PL_TSR, ENC_STRUCT("TSr", ts_fields), ts_verify },
	{ IKE_PL_SK, ENC_STRUCT("SK", sk_fields), sk_verify },
	{ IKE_PL_CP, ENC_STRUCT("CP", cp_fields), cp_verify },
	{ IKE_PL_EAP, ENC_STRUCT("EAP", nonce_fields), eap_verify },
	{ IKE_PL_SKF, ENC_STRUCT("SKF", skf_fields), skf_verify },
};

const struct enc_payload_desc *enc_payload_desc(uint8_t type)
{
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		if (descs[i].type == type)
			return &descs[i];
	return NULL;
}

const char *enc_payload_name(uint8_t type)
{
	const struct enc_payload_desc *d = enc_payload_desc(type);

	return d ? d->s.name : "unknown";
}
