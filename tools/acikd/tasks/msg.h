/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * msg.h - the payloads of one CREATE_CHILD_SA message and what their
 * chunks point into, for child_create.c and ike_rekey.c: a payload only
 * points at its data, which must live until ike_sa_build() is done.
 */
#ifndef ACIKD_TASKS_MSG_H
#define ACIKD_TASKS_MSG_H

#include "ike_sa.h"

/* N(REKEY_SA), SA, Ni, KEi, TSi, TSr, and one spare. */
#define TASK_MSG_PAYLOADS	7
/* The largest SA a conn makes takes 1.3 KiB, so do TSi and TSr. */
#define TASK_MSG_SCRATCH	4096

/* On the heap: too big for a stack that holds an IKE_MSG_MAX buffer. */
struct task_msg {
	struct enc_payload p[TASK_MSG_PAYLOADS];
	size_t n;
	uint8_t scratch[TASK_MSG_SCRATCH], scratch2[TASK_MSG_SCRATCH];
	struct enc_buf sb;		/* SA (and a Child SA's TSi, TSr) */
	struct enc_buf sb2;		/* the IKE SA payload with SPIs */
	struct chunk pub;		/* our KE value (public), owned */
	uint8_t spi[IKE_SPI_LEN];	/* REKEY_SA's (4 bytes), an IKE SPI */
	uint8_t data[4];		/* a refusal's group or SPI */
	size_t data_len;
};

/**
 * task_msg_new() - an empty message, its scratch buffers ready
 *
 * Return: the message, for task_msg_free(), or NULL.
 */
struct task_msg *task_msg_new(void);

/**
 * task_msg_free() - free a message and the KE value it owns
 * @x: the message, or NULL
 */
void task_msg_free(struct task_msg *x);

/**
 * task_msg_add() - append a zeroed payload
 * @x: the message, holding fewer than TASK_MSG_PAYLOADS payloads
 * @type: IKE_PL_*
 *
 * Return: the payload, for the caller to fill in.
 */
struct enc_payload *task_msg_add(struct task_msg *x, uint8_t type);

/**
 * task_msg_add_ke() - a fresh key pair and its KE payload, once a message
 * @x: the message; it owns the public value the payload points at
 * @group: the key exchange group
 * @key: receives the key pair, the caller's to free (on failure too)
 *
 * Return: 0, or a negative errno and no payload added.
 */
int task_msg_add_ke(struct task_msg *x, uint16_t group, struct dh_key **key);

/**
 * task_msg_refuse() - replace the payloads with a refusal's notify (2.21)
 * @x: the message; @x->data holds the notify's data or SPI
 * @type: the notify type
 * @protocol: 0, or the protocol of the SA whose SPI @x->data is
 *            (CHILD_SA_NOT_FOUND, 3.10.1)
 */
void task_msg_refuse(struct task_msg *x, uint16_t type, uint8_t protocol);

#endif /* ACIKD_TASKS_MSG_H */
