// SPDX-License-Identifier: GPL-2.0 OR MIT
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <linux/actun.h>

#include "fleet_proto.h"
#include "log.h"
#include "publish.h"
#include "record.h"
#include "replica.h"
#include "seal.h"
#include "store.h"

/* A write waiting for the store: a sealed value (PUT) or none (DEL). */
struct publish_op {
	struct publish_op *next;
	char key[RECORD_KEY_LEN];
	int len;		/* -1: delete */
	uint8_t value[];
};

/* Someone accepts connections on @sun (a stale file refuses them). */
static int socket_live(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), live;

	if (fd < 0)
		return 0;
	live = !connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return live;
}

int publisher_open(struct publisher *p, const char *path,
		   struct fleet_store *st, const struct fleet_key *key,
		   struct replica *replica)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;

	memset(p, 0, sizeof(*p));
	p->st = st;
	p->key = key;
	p->replica = replica;
	p->path = path;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fleet_log(LOG_ERR, "socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	p->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC |
			      SOCK_NONBLOCK, 0);
	if (p->listen_fd < 0)
		goto fail;
	/* a live socket belongs to a running acfleetd: do not take it */
	if (socket_live(&sun)) {
		fleet_log(LOG_ERR, "socket %s: another acfleetd is running", path);
		close(p->listen_fd);
		p->listen_fd = -1;
		return -1;
	}
	unlink(path);
	old = umask(077);	/* the socket carries keys */
	if (bind(p->listen_fd, (struct sockaddr *)&sun, sizeof(sun))) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (listen(p->listen_fd, 16))
		goto fail;
	return 0;
fail:
	fleet_log(LOG_ERR, "socket %s: %s", path, strerror(errno));
	if (p->listen_fd >= 0)
		close(p->listen_fd);
	p->listen_fd = -1;
	return -1;
}

static void op_free(struct publish_op *op)
{
	if (op->len > 0)
		OPENSSL_cleanse(op->value, op->len);
	free(op);
}

void publisher_close(struct publisher *p)
{
	struct publish_op *op;
	int i;

	for (i = 0; i < p->n_clients; i++)
		close(p->clients[i]);
	p->n_clients = 0;
	if (p->listen_fd >= 0) {
		close(p->listen_fd);
		unlink(p->path);
	}
	p->listen_fd = -1;
	while ((op = p->head)) {
		p->head = op->next;
		op_free(op);
	}
	if (p->queued)
		fleet_log(LOG_WARN, "%u writes for the store were still waiting",
			  p->queued);
	p->queued = 0;
}

int publisher_pollfds(const struct publisher *p, struct pollfd *pfd)
{
	int i;

	pfd[0].fd = p->listen_fd;
	pfd[0].events = POLLIN;
	for (i = 0; i < p->n_clients; i++) {
		pfd[1 + i].fd = p->clients[i];
		pfd[1 + i].events = POLLIN;
	}
	return 1 + p->n_clients;
}

static int op_send(struct publisher *p, struct publish_op *op)
{
	int ret = op->len < 0 ? store_obj_del(p->st, op->key) :
				store_obj_put(p->st, op->key, op->value,
					      op->len);

	if (!ret && op->len < 0)
		p->withdrawn++;
	else if (!ret)
		p->published++;
	return ret;
}

/* Write now, or queue behind what already waits (order matters). */
static void op_submit(struct publisher *p, struct publish_op *op)
{
	if (!p->head && !op_send(p, op)) {
		op_free(op);
		return;
	}
	if (p->queued >= PUBLISH_QUEUE_MAX) {
		p->dropped++;
		fleet_log(LOG_ERR, "store unreachable and %u writes waiting: %s dropped",
			  p->queued, op->key);
		op_free(op);
		return;
	}
	if (!p->head)
		fleet_log(LOG_WARN, "store unreachable: writes wait from %s on",
			  op->key);
	op->next = NULL;
	if (p->tail)
		p->tail->next = op;
	else
		p->head = op;
	p->tail = op;
	p->queued++;
}

int publisher_flush(struct publisher *p)
{
	struct publish_op *op;
	struct timespec t0, t;

	/* a slice at a time: the claim's renewals must not wait for a
	 * long queue (acfleetd's loop calls again soon) */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((op = p->head)) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 > PUBLISH_SLICE_MS)
			return 1;
		if (op_send(p, op))
			return 1;
		p->head = op->next;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		op_free(op);
		if (!p->head)
			fleet_log(LOG_INFO, "store reachable: queued writes done");
	}
	return 0;
}

/* A PUT: the record's plaintext sealed under its key. */
static struct publish_op *op_put(struct publisher *p, const struct fleet_msg *m,
				 const struct record *rec, const char *key)
{
	size_t plen = sizeof(struct record_hdr) + rec->nest_len;
	char aad[RECORD_KEY_LEN + 32];
	struct record_hdr hdr = { .kind = m->kind };
	struct publish_op *op;
	uint8_t *plain;

	op = malloc(sizeof(*op) + plen + SEAL_OVERHEAD);
	plain = malloc(plen);
	if (!op || !plain) {
		free(op);
		free(plain);
		return NULL;
	}
	memcpy(hdr.dev, rec->dev, sizeof(hdr.dev));
	hdr.created_ms = htobe64(record_now_ms());
	memcpy(plain, &hdr, sizeof(hdr));
	memcpy(plain + sizeof(hdr), rec->nest, rec->nest_len);
	record_aad(aad, sizeof(aad), key);
	op->len = seal(p->key, aad, plain, plen, op->value);
	OPENSSL_cleanse(plain, plen);
	free(plain);
	if (op->len < 0) {
		free(op);
		return NULL;
	}
	snprintf(op->key, sizeof(op->key), "%s", key);
	return op;
}

static void handle_msg(struct publisher *p, const uint8_t *buf, size_t len)
{
	const struct fleet_msg *m = (const struct fleet_msg *)buf;
	char dev[sizeof(m->dev) + 1], key[RECORD_KEY_LEN];
	struct publish_op *op;
	struct record rec;
	const char *why = "bad header";

	if (len < sizeof(*m) || m->version != FLEET_PROTO_VERSION ||
	    (m->op != FLEET_MSG_PUT && m->op != FLEET_MSG_DEL))
		goto refuse;
	memcpy(dev, m->dev, sizeof(m->dev));
	dev[sizeof(m->dev)] = '\0';
	if (record_parse(m->kind, dev, buf + sizeof(*m), len - sizeof(*m),
			 &rec, key, &why))
		goto refuse;
	why = "an SA shared by the fleet must be a fleet SA";
	if (m->op == FLEET_MSG_PUT && rec.kind == FLEET_OBJ_SA && !rec.fleet)
		goto refuse;
	if (m->op == FLEET_MSG_DEL) {
		op = calloc(1, sizeof(*op));
		if (op) {
			op->len = -1;
			snprintf(op->key, sizeof(op->key), "%s", key);
		}
	} else {
		op = op_put(p, m, &rec, key);
	}
	if (!op) {
		fleet_log(LOG_ERR, "%s: out of memory or sealing failed", key);
		p->dropped++;
		return;
	}
	replica_published(p->replica, key, m->op == FLEET_MSG_PUT &&
			  rec.kind == FLEET_OBJ_SA &&
			  rec.sa_dir == ACTUN_SA_DIR_OUT);
	fleet_log(LOG_DEBUG, "%s %s", m->op == FLEET_MSG_PUT ? "publish" :
		  "withdraw", key);
	op_submit(p, op);
	return;
refuse:
	p->refused++;
	fleet_log(LOG_WARN, "refused a message from acikd: %s", why);
}

/* Drop the closed clients (-1), keeping the others in order. */
static void client_compact(struct publisher *p)
{
	int i, k = 0;

	for (i = 0; i < p->n_clients; i++)
		if (p->clients[i] >= 0)
			p->clients[k++] = p->clients[i];
	p->n_clients = k;
}

void publisher_handle(struct publisher *p, const struct pollfd *pfd, int n)
{
	uint8_t buf[FLEET_MSG_MAX];
	ssize_t len;
	int i, fd;

	/* clients first, oldest connection first (a reconnected acikd's
	 * newer messages after its older ones); their indexes in @pfd are
	 * those of p->clients, which client_drop() then compacts
	 */
	for (i = 0; i < n - 1; i++) {
		if (!pfd[1 + i].revents)
			continue;
		for (;;) {
			len = recv(p->clients[i], buf, sizeof(buf), MSG_DONTWAIT);
			if (len > 0) {
				handle_msg(p, buf, len);
				OPENSSL_cleanse(buf, len);
				continue;
			}
			if (len == 0 || (errno != EAGAIN && errno != EINTR)) {
				close(p->clients[i]);
				p->clients[i] = -1;
			}
			break;
		}
	}
	client_compact(p);
	if (!(pfd[0].revents & POLLIN))
		return;
	while ((fd = accept4(p->listen_fd, NULL, NULL,
			     SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		if (p->n_clients == PUBLISH_MAX_CLIENTS) {
			fleet_log(LOG_ERR, "more than %d acikd connections",
				  PUBLISH_MAX_CLIENTS);
			close(fd);
			continue;
		}
		p->clients[p->n_clients++] = fd;
	}
}
