// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: struct actun_error, and turning netlink error material
 * (libnl codes, extack TLVs, attribute offsets) into it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <linux/genetlink.h>

#include "actun_priv.h"

void actun_error_clear(struct actun_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int actun_error_set(struct actun_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		actun_error_clear(err);
		err->err = errnum;
		err->origin = ACTUN_ERR_LOCAL;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -errnum;
}

/* libnl's NLE_* codes (either sign) to the closest errno. */
int actun_errno_from_nl(int nlerr)
{
	static const struct {
		int nle;
		int err;
	} map[] = {
		{ NLE_INTR,		EINTR },
		{ NLE_BAD_SOCK,		EBADF },
		{ NLE_AGAIN,		EAGAIN },
		{ NLE_NOMEM,		ENOMEM },
		{ NLE_EXIST,		EEXIST },
		{ NLE_INVAL,		EINVAL },
		{ NLE_RANGE,		ERANGE },
		{ NLE_MSGSIZE,		EMSGSIZE },
		{ NLE_OPNOTSUPP,	EOPNOTSUPP },
		{ NLE_AF_NOSUPPORT,	EAFNOSUPPORT },
		{ NLE_OBJ_NOTFOUND,	ENOENT },
		{ NLE_SEQ_MISMATCH,	EPROTO },
		{ NLE_MSG_OVERFLOW,	ENOBUFS },
		{ NLE_MSG_TRUNC,	EBADMSG },
		{ NLE_NOADDR,		EADDRNOTAVAIL },
		{ NLE_MSG_TOOSHORT,	EBADMSG },
		{ NLE_PROTO_MISMATCH,	EPROTONOSUPPORT },
		{ NLE_NOACCESS,		EACCES },
		{ NLE_PERM,		EPERM },
		{ NLE_BUSY,		EBUSY },
		{ NLE_NODEV,		ENODEV },
		{ NLE_DUMP_INTR,	EINTR },
	};
	size_t i;

	nlerr = abs(nlerr);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].nle == nlerr)
			return map[i].err;
	return EIO;
}

/*
 * Parse the extack TLVs of an NLMSG_ERROR or NLMSG_DONE message starting
 * tlv_off bytes after its header start. The caller checked that the
 * message is at least tlv_off bytes long.
 */
void actun_error_extack(struct actun_error *err, const struct nlmsghdr *nlh,
			size_t tlv_off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *head;
	size_t n;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || tlv_off >= nlh->nlmsg_len)
		return;
	head = (struct nlattr *)((char *)nlh + tlv_off);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, head,
		      (int)(nlh->nlmsg_len - tlv_off), NULL) < 0)
		return;

	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		const char *s = nla_data(tb[NLMSGERR_ATTR_MSG]);

		n = strnlen(s, (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]));
		if (n >= sizeof(err->msg))
			n = sizeof(err->msg) - 1;
		memcpy(err->msg, s, n);
		/* the kernel's messages carry no newline; be safe anyway */
		while (n > 0 && (err->msg[n - 1] == '\n' || err->msg[n - 1] == '.'))
			n--;
		err->msg[n] = '\0';
	}
	if (tb[NLMSGERR_ATTR_OFFS] &&
	    nla_len(tb[NLMSGERR_ATTR_OFFS]) >= (int)sizeof(uint32_t)) {
		err->has_offs = true;
		err->offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= (int)sizeof(uint32_t)) {
		err->has_miss_type = true;
		err->miss_type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	}
	if (tb[NLMSGERR_ATTR_MISS_NEST] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_NEST]) >= (int)sizeof(uint32_t)) {
		err->has_miss_nest = true;
		err->miss_nest_offs = nla_get_u32(tb[NLMSGERR_ATTR_MISS_NEST]);
	}
}

/*
 * Find the attribute that starts at byte offs of the request (base is the
 * offset of head in it); set *type and the type of its enclosing nest.
 */
static bool find_attr(const struct nlattr *head, int len, size_t base,
		      uint32_t offs, uint16_t parent, uint16_t *type,
		      uint16_t *nest)
{
	const struct nlattr *nla;
	int rem = len;

	for (nla = head; nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
		size_t start = base + (size_t)((const char *)nla -
					       (const char *)head);

		if (start == offs) {
			*type = (uint16_t)nla_type(nla);
			*nest = parent;
			return true;
		}
		if ((nla->nla_type & NLA_F_NESTED) && offs > start &&
		    offs < start + nla->nla_len)
			return find_attr(nla_data(nla), nla_len(nla),
					 start + NLA_HDRLEN, offs,
					 (uint16_t)nla_type(nla), type, nest);
	}
	return false;
}

/* Name the attributes the extack offsets point at in the request. */
void actun_error_locate(struct actun_error *err, const struct nlmsghdr *req)
{
	size_t base = NLMSG_HDRLEN + GENL_HDRLEN;
	const struct nlattr *head;
	uint16_t type, nest;
	int len;

	if (req->nlmsg_len <= base)
		return;
	head = (const struct nlattr *)((const char *)req + base);
	len = (int)(req->nlmsg_len - base);

	if (err->has_offs && find_attr(head, len, base, err->offs, 0,
				       &type, &nest)) {
		err->attr = type;
		err->nest = nest;
	}
	if (err->has_miss_nest && find_attr(head, len, base,
					    err->miss_nest_offs, 0,
					    &type, &nest))
		err->miss_nest = type;
}
