// SPDX-License-Identifier: GPL-2.0 OR MIT
/* msg.c - one CREATE_CHILD_SA message's payloads and their storage. */
#include <stdlib.h>
#include <string.h>

#include "msg.h"

struct task_msg *task_msg_new(void)
{
	struct task_msg *x = calloc(1, sizeof(*x));

	if (x) {
		x->sb = enc_buf_init(x->scratch, sizeof(x->scratch));
		x->sb2 = enc_buf_init(x->scratch2, sizeof(x->scratch2));
	}
	return x;
}

void task_msg_free(struct task_msg *x)
{
	/* A public value: nothing to wipe. */
	if (x)
		chunk_free(&x->pub);
	free(x);
}

struct enc_payload *task_msg_add(struct task_msg *x, uint8_t type)
{
	struct enc_payload *p = &x->p[x->n++];

	memset(p, 0, sizeof(*p));
	p->type = type;
	return p;
}

int task_msg_add_ke(struct task_msg *x, uint16_t group, struct dh_key **key)
{
	struct enc_payload *p;
	int err = dh_key_create(group, key);

	if (!err)
		err = dh_public_value(*key, &x->pub);
	if (err)
		return err;
	p = task_msg_add(x, IKE_PL_KE);
	p->u.ke.group = group;
	p->u.ke.data = x->pub;
	return 0;
}

void task_msg_refuse(struct task_msg *x, uint16_t type, uint8_t protocol)
{
	struct enc_payload *p;

	/* A KE value already made stays owned by @x until it is freed. */
	x->n = 0;
	p = task_msg_add(x, IKE_PL_NOTIFY);
	p->u.notify.type = type;
	p->u.notify.protocol = protocol;
	if (protocol)
		p->u.notify.spi = chunk_from(x->data, x->data_len);
	else
		p->u.notify.data = chunk_from(x->data, x->data_len);
}
