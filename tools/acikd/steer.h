/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * steer.h - which worker's socket a datagram to port 500 or 4500 goes to.
 *
 * With several workers (workers.h) each binds its own socket to the same
 * address and port with SO_REUSEPORT; the kernel picks one of the group
 * per datagram, by the index a classic BPF program returns (the sockets in
 * the order they were bound: worker 0 first). The program reads the IKE
 * header (after the non-ESP marker on port 4500):
 *
 *  - a message that carries our SPI goes to the worker that drew it:
 *    our SPI is the responder's when the Initiator flag is set, the
 *    initiator's when it is not, and its first 32 bits modulo the number
 *    of workers is the worker (ike_shard_fit());
 *  - an IKE_SA_INIT request (responder SPI zero) goes to the peer's IPv4
 *    source address modulo the number of workers: its retransmissions,
 *    its COOKIE retry and a later IKE SA of the same peer (INITIAL_CONTACT)
 *    all reach the same worker;
 *  - on port 4500, ESP in UDP (no marker) and NAT keepalives go to
 *    worker 0, whose socket actun holds and decapsulates on;
 *  - anything too short to tell goes to worker 0.
 */
#ifndef ACIKD_STEER_H
#define ACIKD_STEER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/filter.h>
#include <netinet/in.h>

/* The longest program steer_program() writes. */
#define STEER_PROG_MAX	24

/*
 * steer_program() - the steering program for @workers (2 or more)
 * workers, for a port 4500 socket if @natt; written to @prog (room for
 * STEER_PROG_MAX instructions). Return: its length.
 */
size_t steer_program(struct sock_filter *prog, unsigned int workers,
		     bool natt);

/* SO_REUSEPORT on a worker's socket @fd, before bind(); 0 or -errno. */
int steer_reuseport(int fd);
/*
 * steer_attach() - the steering program on @fd, after bind() (it is the
 * group's: attaching it again from each worker is harmless); 0 or -errno.
 */
int steer_attach(int fd, unsigned int workers, bool natt);

/* Probes lost to a full receive queue are sent again, so many times. */
#define STEER_PROBE_TRIES	3

/*
 * steer_probe() - check that the group really gives worker @worker's
 * datagrams to @fd, its socket bound to @bound: send an IKE header
 * carrying an SPI of the worker's to @bound and wait up to @timeout_ms
 * for it on @fd. A group's places are the order of binding and a socket
 * that leaves moves the last one into its place, so a socket bound out
 * of turn, or one an earlier acikd left with actun, would silently send
 * every message to the wrong worker. What waits in the queue is dropped
 * first and datagrams read meanwhile are dropped too (the socket is new:
 * its peers retransmit); a probe the socket may have dropped (its drop
 * count moved: a flood) is sent again, up to STEER_PROBE_TRIES times.
 * It cannot see a group with fewer sockets than @worker + 1 (the kernel
 * then picks by hash): the workers bind in order so that there is none.
 * Return: 0; -EXDEV if the probe went elsewhere; -EAGAIN if every try was
 * lost to a full queue; -ENETDOWN if the loopback device is down (local
 * datagrams cannot arrive: no verdict); or another -errno.
 */
int steer_probe(int fd, const struct sockaddr_in *bound, bool natt,
		unsigned int worker, unsigned int workers, int timeout_ms);

#endif /* ACIKD_STEER_H */
