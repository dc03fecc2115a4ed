/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * socket.h - acikd's UDP sockets: IKE on port 500, and IKE in UDP beside
 * ESP in UDP on port 4500 (RFC 3948, RFC 7296 2.23).
 *
 * On port 4500 an IKE message follows a 4-byte zero non-ESP marker, which
 * is stripped on receive and added on send; one-byte 0xff datagrams are
 * NAT keepalives and are dropped. Each 4500 socket is handed to the actun
 * device that its connections name (actun_socket_attach): actun's
 * encapsulation hook takes the ESP, everything else (IKE, keepalives)
 * still reaches acikd through the same socket.
 *
 * IP_PKTINFO tells which local address a datagram was sent to, so that a
 * socket bound to the wildcard address still answers from the address the
 * peer used (the anycast address).
 *
 * The module never calls into the daemon: the daemon watches each
 * socket's loop_fd and calls socket_read() with its receive callback.
 */
#ifndef ACIKD_SOCKET_H
#define ACIKD_SOCKET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chunk.h"
#include "loop.h"

struct acikd_config;
struct actun_sock;

#define IKE_PORT		500
#define IKE_NATT_PORT		4500
#define NON_ESP_MARKER_LEN	4
/* The largest UDP payload; IKE fragmentation keeps messages far below. */
#define SOCKET_BUF_SIZE		65536
/* Datagrams socket_read() takes per call. */
#define SOCKET_READ_BATCH	64

/* What a datagram received on a socket is. */
enum socket_verdict {
	SOCKET_IKE,		/* an IKE message, at the returned offset */
	SOCKET_KEEPALIVE,	/* a NAT keepalive (RFC 3948 2.3): drop */
	SOCKET_DROP,		/* ESP or garbage that reached us: drop */
};

/*
 * socket_classify() - what a datagram of @len bytes is
 * @natt: it came in on a port 4500 socket
 * @offset: receives where the IKE message starts (4 on port 4500)
 *
 * On port 500 every datagram is IKE (the core checks the header). On port
 * 4500: one 0xff byte is a keepalive, a zero marker followed by at least
 * one byte is IKE, and the rest is ESP that actun did not take (the
 * device has no socket attached, or no SA with that SPI): dropped.
 */
enum socket_verdict socket_classify(bool natt, const uint8_t *buf, size_t len,
				    size_t *offset);

/**
 * struct ike_socket - one bound UDP socket
 * @lfd: the descriptor, for the daemon's loop
 * @bound: the address and port it is bound to
 * @natt: port 4500 semantics (marker, keepalives, actun hand-over)
 * @attached: ifindex of the actun device it was handed to, 0 if none
 * @used: still wanted by the configuration (socket_set_sync)
 * @unchecked: one of several workers' sockets, bound but its place in the
 *	group not yet probed (steer_probe())
 */
struct ike_socket {
	struct loop_fd lfd;
	struct sockaddr_in bound;
	bool natt;
	uint32_t attached;
	bool used;
	bool unchecked;
};

/*
 * socket_open() - bind a non-blocking UDP socket with IP_PKTINFO
 * @port: host order; 0 picks a free port (tests), read back into @bound
 */
int socket_open(struct ike_socket *s, struct in_addr addr, uint16_t port,
		bool natt);
/*
 * socket_open_shared() - the same as one of @workers sockets on the
 * address and port (SO_REUSEPORT and the steering program of steer.h
 * when @workers > 1); a worker's place in the group is the order of the
 * binds, so workers bind one after the other (workers.h).
 */
int socket_open_shared(struct ike_socket *s, struct in_addr addr,
		       uint16_t port, bool natt, unsigned int workers);
void socket_close(struct ike_socket *s);

/* The receive callback: an IKE message (marker stripped) from @remote to
 * @local (the datagram's destination, with the socket's port). */
typedef void (*socket_rx_fn)(void *arg, const struct sockaddr_in *local,
			     const struct sockaddr_in *remote, bool natt,
			     struct chunk msg);

/*
 * socket_read() - read datagrams until the socket is empty (or
 * SOCKET_READ_BATCH of them) and pass the IKE messages to @rx. @buf holds @cap bytes. Returns the number of
 * messages passed on, or -errno of a receive error.
 */
int socket_read(struct ike_socket *s, uint8_t *buf, size_t cap,
		socket_rx_fn rx, void *arg);

/*
 * socket_send() - send @msg to @remote from @local's address (the marker
 * first on a 4500 socket). 0 or -errno.
 */
int socket_send(const struct ike_socket *s, const struct sockaddr_in *local,
		const struct sockaddr_in *remote, struct chunk msg);
/*
 * socket_send_keepalive() - a NAT keepalive (RFC 3948 2.3: the octet
 * 0xFF, no marker) on a 4500 socket; -EINVAL on a 500 one.
 */
int socket_send_keepalive(const struct ike_socket *s,
			  const struct sockaddr_in *local,
			  const struct sockaddr_in *remote);

/**
 * struct socket_set - the sockets the configuration needs
 * @v: the sockets (each allocated: their loop_fd addresses are stable)
 * @n: entries in @v
 * @buf: the receive buffer, SOCKET_BUF_SIZE bytes
 * @worker: this process's number among @workers (workers.h); only worker
 *	0 hands its 4500 sockets to actun, and the steering sends it all ESP
 * @workers: how many share each address and port; 0 or 1: none
 * @bind_failed: the last socket_set_sync() could not open a socket (with
 *	workers, the ones after this one must not bind it either)
 * @out_of_place: a socket's probe went to another worker (steer_probe()):
 *	the steering of its address is wrong until all workers restart
 */
struct socket_set {
	struct ike_socket **v;
	size_t n;
	uint8_t *buf;
	unsigned int worker, workers;
	bool bind_failed;
	bool out_of_place;
};

int socket_set_init(struct socket_set *set);

/*
 * socket_set_sync() - make the set what @cfg needs: for each distinct
 * local address of its connections a port 500 socket (or the port the
 * connection gives) and a port 4500 socket; the 4500 socket is attached
 * to each actun device the connections on that address name (@sock: a
 * libactun request socket; NULL skips the hand-over). Sockets no longer
 * needed are detached and closed. New sockets have lfd.epfd -1: the
 * caller adds them to its loop. With several workers each new socket's
 * place in its group is then probed (@set->out_of_place). Returns 0 or
 * the first -errno of a bind or hand-over (the other sockets are still
 * set up; errors are logged).
 */
int socket_set_sync(struct socket_set *set, const struct acikd_config *cfg,
		    struct actun_sock *sock);

/*
 * socket_set_pick() - the socket to send from: a 4500 one for @natt,
 * bound to @local's address or the wildcard, and to @local's port when
 * it has one. NULL if there is none.
 */
struct ike_socket *socket_set_pick(const struct socket_set *set,
				   const struct sockaddr_in *local, bool natt);

/* Detach from actun (@sock may be NULL) and close every socket. */
void socket_set_fini(struct socket_set *set, struct actun_sock *sock);

#endif /* ACIKD_SOCKET_H */
