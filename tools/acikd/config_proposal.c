// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * config_proposal.c - strongSwan-style proposal strings
 * ("aes256gcm16-prfsha384-ecp384") into struct ike_proposal, and the
 * seeds' default proposal lists.
 *
 * Only the transforms the seeds list (and crypto/ implements) have a
 * keyword; every other strongSwan keyword is refused by name rather than
 * ignored, so that a configuration never silently offers less than it
 * says.
 */
#include <errno.h>
#include <string.h>

#include "config_int.h"
#include "crypto/dh.h"
#include "crypto/transform.h"

enum kw_kind { KW_ENCR, KW_INTEG, KW_PRF, KW_DH, KW_ESN };

#define FOR_IKE 1u
#define FOR_ESP 2u

/**
 * struct keyword - one proposal keyword
 * @name: as written (strongSwan's spelling)
 * @kind: enum kw_kind
 * @id: the transform ID
 * @keybits: key length for encryption algorithms
 * @aead: combined-mode encryption (no integrity algorithm)
 * @where: FOR_IKE and/or FOR_ESP; 0: never accepted
 * @why_not: the reason given where @where does not allow it
 */
struct keyword {
	const char *name;
	enum kw_kind kind;
	uint16_t id;
	uint16_t keybits;
	bool aead;
	unsigned int where;
	const char *why_not;
};

#define BOTH (FOR_IKE | FOR_ESP)
#define NO_PRF "a PRF is negotiated for IKE SAs only"
#define NO_NONE "an IKE SA always needs a key exchange group"

static const struct keyword keywords[] = {
	{ "aes128gcm16", KW_ENCR, ENCR_AES_GCM_16, 128, true, BOTH, NULL },
	{ "aes256gcm16", KW_ENCR, ENCR_AES_GCM_16, 256, true, BOTH, NULL },
	{ "aes128gcm", KW_ENCR, ENCR_AES_GCM_16, 128, true, BOTH, NULL },
	{ "aes256gcm", KW_ENCR, ENCR_AES_GCM_16, 256, true, BOTH, NULL },
	{ "aes128", KW_ENCR, ENCR_AES_CBC, 128, false, FOR_ESP,
	  "AES-CBC-128 is not supported for IKE SAs (use aes256 or "
	  "aes128gcm16)" },
	{ "aes256", KW_ENCR, ENCR_AES_CBC, 256, false, BOTH, NULL },
	{ "null", KW_ENCR, ENCR_NULL, 0, false, FOR_ESP,
	  "NULL encryption is for ESP only" },
	{ "sha256", KW_INTEG, AUTH_HMAC_SHA2_256_128, 0, false, BOTH, NULL },
	{ "sha2_256", KW_INTEG, AUTH_HMAC_SHA2_256_128, 0, false, BOTH, NULL },
	{ "sha1", KW_INTEG, AUTH_HMAC_SHA1_96, 0, false, FOR_ESP,
	  "HMAC-SHA1-96 is supported for ESP only" },
	{ "prfsha256", KW_PRF, PRF_HMAC_SHA2_256, 0, false, FOR_IKE, NO_PRF },
	{ "prfsha384", KW_PRF, PRF_HMAC_SHA2_384, 0, false, FOR_IKE, NO_PRF },
	{ "prfsha512", KW_PRF, PRF_HMAC_SHA2_512, 0, false, FOR_IKE, NO_PRF },
	{ "modp1536", KW_DH, DH_GROUP_MODP_1536, 0, false, BOTH, NULL },
	{ "modp2048", KW_DH, DH_GROUP_MODP_2048, 0, false, BOTH, NULL },
	{ "ecp384", KW_DH, DH_GROUP_ECP_384, 0, false, BOTH, NULL },
	{ "none", KW_DH, DH_NONE, 0, false, FOR_ESP, NO_NONE },
	{ "modpnone", KW_DH, DH_NONE, 0, false, FOR_ESP, NO_NONE },
	{ "noesn", KW_ESN, 0, 0, false, FOR_ESP,
	  "sequence numbers are negotiated for ESP only" },
	{ "esn", KW_ESN, 1, 0, false, 0, "extended sequence numbers are not "
	  "supported (the seeds require ESN off)" },
};

static const char *const kind_names[] = {
	[KW_ENCR] = "encryption algorithms",
	[KW_INTEG] = "integrity algorithms",
	[KW_PRF] = "PRFs",
	[KW_DH] = "key exchange groups",
	[KW_ESN] = "ESN keywords",
};

static const struct keyword *keyword_find(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strlen(keywords[i].name) == len &&
		    !strncmp(keywords[i].name, s, len))
			return &keywords[i];
	return NULL;
}

/* Append @id to a list of at most 4; a repeat is refused because it is
 * certainly a typo for something else. */
static int list_add(uint16_t *list, unsigned int *n, uint16_t id,
		    const struct keyword *kw, char *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (list[i] == id)
			return cv_why(buf, len, "'%s' appears twice", kw->name);
	if (*n >= 4)
		return cv_why(buf, len, "more than 4 %s in one proposal",
			      kind_names[kw->kind]);
	list[(*n)++] = id;
	return 0;
}

static int add_encr(struct ike_proposal *p, const struct keyword *kw,
		    char *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < p->n_encr; i++)
		if (p->encr[i] == kw->id && p->encr_keybits[i] == kw->keybits)
			return cv_why(buf, len, "'%s' appears twice", kw->name);
	if (p->n_encr >= 4)
		return cv_why(buf, len, "more than 4 %s in one proposal",
			      kind_names[KW_ENCR]);
	p->encr[p->n_encr] = kw->id;
	p->encr_keybits[p->n_encr++] = kw->keybits;
	return 0;
}

/* The whole-proposal rules, once every keyword is known. */
static int proposal_check(struct ike_proposal *p, bool esp, int aead,
			  bool has_null, char *buf, size_t len)
{
	unsigned int i;

	if (!p->n_encr)
		return cv_why(buf, len, "no encryption algorithm");
	if (aead && p->n_integ)
		return cv_why(buf, len, "an integrity algorithm with AEAD "
			      "(GCM) encryption: GCM authenticates by itself");
	if (!aead && !p->n_integ)
		return cv_why(buf, len, "no integrity algorithm (aes256, "
			      "aes128 and null need sha256 or sha1)");
	if (esp) {
		/* "none" alone is just no PFS: keep one representation. */
		if (p->n_dh == 1 && p->dh[0] == DH_NONE)
			p->n_dh = 0;
		return has_null ? CV_NULL : 0;
	}
	if (!p->n_prf) {
		if (aead)
			return cv_why(buf, len, "no PRF (an AEAD IKE "
				      "proposal needs prfsha256, prfsha384 "
				      "or prfsha512)");
		/* strongSwan derives the PRF from the integrity algorithm;
		 * in IKE the only one is sha256. */
		for (i = 0; i < p->n_integ; i++)
			if (p->integ[i] == AUTH_HMAC_SHA2_256_128)
				p->prf[p->n_prf++] = PRF_HMAC_SHA2_256;
	}
	if (!p->n_dh)
		return cv_why(buf, len, "no key exchange group (ecp384, "
			      "modp2048 or modp1536)");
	return 0;
}

/*
 * One proposal string into @p. Returns 0, CV_NULL for a valid ESP
 * proposal with NULL encryption (allowed only with allow_null, which the
 * caller checks once the whole connection is read), or -EINVAL.
 */
static int proposal_parse(const char *s, bool esp, struct ike_proposal *p,
			  char *buf, size_t len)
{
	unsigned int where = esp ? FOR_ESP : FOR_IKE;
	const char *tok = s, *end;
	int aead = -1, err = 0;
	bool has_null = false;

	memset(p, 0, sizeof(*p));
	for (; !err; tok = end + 1) {
		const struct keyword *kw;
		size_t n;

		end = strchr(tok, '-');
		if (!end)
			end = tok + strlen(tok);
		n = (size_t)(end - tok);
		if (!n)
			return cv_why(buf, len, "empty algorithm name in '%s'",
				      s);
		kw = keyword_find(tok, n);
		if (!kw)
			return cv_why(buf, len, "unknown algorithm '%.*s' in "
				      "'%s'", (int)n, tok, s);
		if (!(kw->where & where))
			return cv_why(buf, len, "'%s' refused in %s proposal: "
				      "%s", kw->name, esp ? "an ESP" : "an IKE",
				      kw->why_not);
		switch (kw->kind) {
		case KW_ENCR:
			/* strongSwan splits such a proposal in two behind
			 * the user's back; we make the user say so. */
			if (aead >= 0 && aead != kw->aead)
				return cv_why(buf, len, "AEAD (GCM) and "
					      "non-AEAD encryption must be in "
					      "separate proposals: '%s'", s);
			aead = kw->aead;
			has_null |= kw->id == ENCR_NULL;
			err = add_encr(p, kw, buf, len);
			break;
		case KW_INTEG:
			err = list_add(p->integ, &p->n_integ, kw->id, kw, buf,
				       len);
			break;
		case KW_PRF:
			err = list_add(p->prf, &p->n_prf, kw->id, kw, buf, len);
			break;
		case KW_DH:
			err = list_add(p->dh, &p->n_dh, kw->id, kw, buf, len);
			break;
		case KW_ESN:
			break;	/* noesn: what we do anyway */
		}
		if (!*end)
			break;
	}
	if (err)
		return err;
	return proposal_check(p, esp, aead > 0, has_null, buf, len);
}

int cv_ike_proposal(const struct config_item *it, void *field, size_t size,
		    char *why, size_t whylen)
{
	(void)size;
	return proposal_parse(it->s, false, field, why, whylen);
}

int cv_esp_proposal(const struct config_item *it, void *field, size_t size,
		    char *why, size_t whylen)
{
	(void)size;
	return proposal_parse(it->s, true, field, why, whylen);
}

/* The seeds' lists: every combination Cloudflare accepts. */
static const struct ike_proposal default_ike[] = {
	{
		.encr = { ENCR_AES_GCM_16, ENCR_AES_GCM_16 },
		.encr_keybits = { 256, 128 }, .n_encr = 2,
		.prf = { PRF_HMAC_SHA2_256, PRF_HMAC_SHA2_384,
			 PRF_HMAC_SHA2_512 }, .n_prf = 3,
		.dh = { DH_GROUP_ECP_384, DH_GROUP_MODP_2048,
			DH_GROUP_MODP_1536 }, .n_dh = 3,
	}, {
		.encr = { ENCR_AES_CBC }, .encr_keybits = { 256 }, .n_encr = 1,
		.integ = { AUTH_HMAC_SHA2_256_128 }, .n_integ = 1,
		.prf = { PRF_HMAC_SHA2_256, PRF_HMAC_SHA2_384,
			 PRF_HMAC_SHA2_512 }, .n_prf = 3,
		.dh = { DH_GROUP_ECP_384, DH_GROUP_MODP_2048,
			DH_GROUP_MODP_1536 }, .n_dh = 3,
	},
};

static const struct ike_proposal default_esp[] = {
	{
		.encr = { ENCR_AES_GCM_16, ENCR_AES_GCM_16 },
		.encr_keybits = { 256, 128 }, .n_encr = 2,
		.dh = { DH_GROUP_ECP_384, DH_GROUP_MODP_2048,
			DH_GROUP_MODP_1536, DH_NONE }, .n_dh = 4,
	}, {
		.encr = { ENCR_AES_CBC, ENCR_AES_CBC },
		.encr_keybits = { 256, 128 }, .n_encr = 2,
		.integ = { AUTH_HMAC_SHA2_256_128, AUTH_HMAC_SHA1_96 },
		.n_integ = 2,
		.dh = { DH_GROUP_ECP_384, DH_GROUP_MODP_2048,
			DH_GROUP_MODP_1536, DH_NONE }, .n_dh = 4,
	},
};

/**
 * config_proposal_defaults() - the proposals used when a connection
 *	sets none
 * @esp: the ESP list rather than the IKE one
 * @p: receives the proposals (room for CONFIG_MAX_PROPOSALS)
 * @n: receives their number
 */
void config_proposal_defaults(bool esp, struct ike_proposal *p,
			      unsigned int *n)
{
	const struct ike_proposal *d = esp ? default_esp : default_ike;
	size_t count = esp ? sizeof(default_esp) / sizeof(default_esp[0]) :
			     sizeof(default_ike) / sizeof(default_ike[0]);

	memcpy(p, d, count * sizeof(*d));
	*n = (unsigned int)count;
}
