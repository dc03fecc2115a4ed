// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_socket.c - socket.c on loopback UDP: the non-ESP marker is
 * stripped on receive and added on send on port 4500 sockets and never on
 * port 500 ones, NAT keepalives and ESP that reached the socket are
 * dropped, IP_PKTINFO reports the local address, a wildcard socket
 * answers from the address it was reached on, and socket_set_pick()
 * chooses the right socket. Ports are ephemeral: nothing here needs root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "socket.h"
#include "testutil.h"

/* ---- classification ------------------------------------------------ */

static void test_classify(void **state)
{
	static const uint8_t keepalive[] = { 0xff };
	static const uint8_t ike[] = { 0, 0, 0, 0, 0x11, 0x22 };
	static const uint8_t marker_only[] = { 0, 0, 0, 0 };
	static const uint8_t esp[] = { 0, 0, 0x10, 0x01, 0, 0, 0, 1 };
	static const uint8_t zero[] = { 0 };
	size_t off = 99;

	(void)state;
	assert_int_equal(socket_classify(true, keepalive, 1, &off),
			 SOCKET_KEEPALIVE);
	assert_int_equal(socket_classify(true, ike, sizeof(ike), &off),
			 SOCKET_IKE);
	assert_int_equal(off, NON_ESP_MARKER_LEN);
	assert_int_equal(socket_classify(true, esp, sizeof(esp), &off),
			 SOCKET_DROP);
	assert_int_equal(socket_classify(true, marker_only,
					 sizeof(marker_only), &off),
			 SOCKET_DROP);
	assert_int_equal(socket_classify(true, zero, 1, &off), SOCKET_DROP);
	assert_int_equal(socket_classify(true, ike, 0, &off), SOCKET_DROP);

	/* port 500: IKE as it comes, even what looks like a keepalive */
	assert_int_equal(socket_classify(false, ike, sizeof(ike), &off),
			 SOCKET_IKE);
	assert_int_equal(off, 0);
	assert_int_equal(socket_classify(false, keepalive, 1, &off),
			 SOCKET_IKE);
	assert_int_equal(socket_classify(false, ike, 0, &off), SOCKET_DROP);
}

/* ---- loopback --------------------------------------------------------- */

struct rx {
	unsigned int n;
	struct sockaddr_in local, remote;
	bool natt;
	uint8_t msg[256];
	size_t len;
};

static void rx_cb(void *arg, const struct sockaddr_in *local,
		  const struct sockaddr_in *remote, bool natt,
		  struct chunk msg)
{
	struct rx *rx = arg;

	rx->n++;
	rx->local = *local;
	rx->remote = *remote;
	rx->natt = natt;
	assert_true(msg.len <= sizeof(rx->msg));
	memcpy(rx->msg, msg.ptr, msg.len);
	rx->len = msg.len;
}

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* A plain UDP socket on 127.0.0.1, the "peer". */
static int peer_open(struct sockaddr_in *addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr = ip("127.0.0.1") };
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	return fd;
}

static void peer_send(int fd, const struct sockaddr_in *to, const void *buf,
		      size_t len)
{
	assert_int_equal(sendto(fd, buf, len, 0, (const struct sockaddr *)to,
				sizeof(*to)), (ssize_t)len);
}

/* Read what @s has (datagrams on loopback arrive before sendto returns). */
static int drain(struct ike_socket *s, struct rx *rx)
{
	uint8_t buf[2048];

	return socket_read(s, buf, sizeof(buf), rx_cb, rx);
}

/* Receive one datagram on the peer, with its source address. */
static ssize_t peer_recv(int fd, uint8_t *buf, size_t cap,
			 struct sockaddr_in *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t len = sizeof(*from);

	assert_int_equal(poll(&p, 1, 2000), 1);
	return recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &len);
}

static void test_natt_receive(void **state)
{
	static const uint8_t ike[] = { 0, 0, 0, 0, 'I', 'K', 'E' };
	static const uint8_t keepalive[] = { 0xff };
	static const uint8_t esp[] = { 0x00, 0x00, 0x12, 0x34, 0, 0, 0, 1, 9 };
	struct sockaddr_in peer_addr;
	struct ike_socket s;
	struct rx rx = { 0 };
	int peer;

	(void)state;
	assert_int_equal(socket_open(&s, ip("127.0.0.1"), 0, true), 0);
	assert_true(ntohs(s.bound.sin_port) != 0);
	peer = peer_open(&peer_addr);

	peer_send(peer, &s.bound, keepalive, sizeof(keepalive));
	peer_send(peer, &s.bound, esp, sizeof(esp));
	peer_send(peer, &s.bound, ike, sizeof(ike));
	assert_int_equal(drain(&s, &rx), 1);
	assert_int_equal(rx.n, 1);
	assert_true(rx.natt);
	assert_int_equal(rx.len, 3);
	assert_memory_equal(rx.msg, "IKE", 3);
	assert_int_equal(rx.remote.sin_port, peer_addr.sin_port);
	assert_int_equal(rx.remote.sin_addr.s_addr, peer_addr.sin_addr.s_addr);
	assert_int_equal(rx.local.sin_addr.s_addr, ip("127.0.0.1").s_addr);
	assert_int_equal(rx.local.sin_port, s.bound.sin_port);

	assert_int_equal(drain(&s, &rx), 0);	/* empty: -EAGAIN hidden */
	close(peer);
	socket_close(&s);
	assert_int_equal(s.lfd.fd, -1);
}

static void test_natt_send_adds_marker(void **state)
{
	static const uint8_t msg[] = { 'h', 'd', 'r' };
	struct sockaddr_in peer_addr, from;
	struct ike_socket s;
	uint8_t buf[64];
	int peer;

	(void)state;
	assert_int_equal(socket_open(&s, ip("127.0.0.1"), 0, true), 0);
	peer = peer_open(&peer_addr);
	assert_int_equal(socket_send(&s, &s.bound, &peer_addr,
				     chunk_from(msg, sizeof(msg))), 0);
	assert_int_equal(peer_recv(peer, buf, sizeof(buf), &from), 7);
	assert_memory_equal(buf, "\0\0\0\0hdr", 7);
	assert_int_equal(from.sin_port, s.bound.sin_port);
	close(peer);
	socket_close(&s);
}

/* RFC 3948 2.3: the one octet 0xFF, no marker; never on a 500 socket. */
static void test_natt_keepalive(void **state)
{
	struct sockaddr_in peer_addr, from;
	struct ike_socket s, s500;
	uint8_t buf[64];
	int peer;

	(void)state;
	assert_int_equal(socket_open(&s, ip("127.0.0.1"), 0, true), 0);
	assert_int_equal(socket_open(&s500, ip("127.0.0.1"), 0, false), 0);
	peer = peer_open(&peer_addr);
	assert_int_equal(socket_send_keepalive(&s, &s.bound, &peer_addr), 0);
	assert_int_equal(peer_recv(peer, buf, sizeof(buf), &from), 1);
	assert_int_equal(buf[0], 0xff);
	assert_int_equal(from.sin_port, s.bound.sin_port);
	assert_int_equal(socket_send_keepalive(&s500, &s500.bound, &peer_addr),
			 -EINVAL);
	close(peer);
	socket_close(&s500);
	socket_close(&s);
}

static void test_ike_port_plain(void **state)
{
	static const uint8_t msg[] = { 0, 0, 0, 0, 1, 2 };
	struct sockaddr_in peer_addr, from;
	struct ike_socket s;
	struct rx rx = { 0 };
	uint8_t buf[64];
	int peer;

	(void)state;
	assert_int_equal(socket_open(&s, ip("127.0.0.1"), 0, false), 0);
	peer = peer_open(&peer_addr);
	/* an IKE header may start with zero bytes: nothing is stripped */
	peer_send(peer, &s.bound, msg, sizeof(msg));
	assert_int_equal(drain(&s, &rx), 1);
	assert_false(rx.natt);
	assert_int_equal(rx.len, sizeof(msg));
	assert_memory_equal(rx.msg, msg, sizeof(msg));
	/* and nothing is added */
	assert_int_equal(socket_send(&s, &rx.local, &rx.remote,
				     chunk_from(msg, sizeof(msg))), 0);
	assert_int_equal(peer_recv(peer, buf, sizeof(buf), &from),
			 (ssize_t)sizeof(msg));
	assert_memory_equal(buf, msg, sizeof(msg));
	close(peer);
	socket_close(&s);
}

/* A wildcard socket reached on 127.0.0.2 learns it and answers from it. */
static void test_wildcard_pktinfo(void **state)
{
	static const uint8_t msg[] = { 0, 0, 0, 0, 'x' };
	struct sockaddr_in peer_addr, to, from;
	struct ike_socket s;
	struct rx rx = { 0 };
	uint8_t buf[64];
	int peer;

	(void)state;
	assert_int_equal(socket_open(&s, ip("0.0.0.0"), 0, true), 0);
	peer = peer_open(&peer_addr);
	to = s.bound;
	to.sin_addr = ip("127.0.0.2");
	peer_send(peer, &to, msg, sizeof(msg));
	assert_int_equal(drain(&s, &rx), 1);
	assert_int_equal(rx.local.sin_addr.s_addr, ip("127.0.0.2").s_addr);

	assert_int_equal(socket_send(&s, &rx.local, &rx.remote,
				     chunk_from("y", 1)), 0);
	assert_int_equal(peer_recv(peer, buf, sizeof(buf), &from), 5);
	assert_int_equal(from.sin_addr.s_addr, ip("127.0.0.2").s_addr);
	assert_memory_equal(buf, "\0\0\0\0y", 5);
	close(peer);
	socket_close(&s);
}

static void test_read_batch_bounded(void **state)
{
	static const uint8_t msg[] = { 0, 0, 0, 0, 'm' };
	struct sockaddr_in peer_addr;
	struct ike_socket s;
	struct rx rx = { 0 };
	int peer, i, one = 1 << 20;

	(void)state;
	assert_int_equal(socket_open(&s, ip("127.0.0.1"), 0, true), 0);
	setsockopt(s.lfd.fd, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
	peer = peer_open(&peer_addr);
	for (i = 0; i < SOCKET_READ_BATCH + 10; i++)
		peer_send(peer, &s.bound, msg, sizeof(msg));
	assert_int_equal(drain(&s, &rx), SOCKET_READ_BATCH);
	assert_int_equal(drain(&s, &rx), 10);
	assert_int_equal(rx.n, SOCKET_READ_BATCH + 10);
	close(peer);
	socket_close(&s);
}

static void test_pick(void **state)
{
	struct ike_socket a500, a4500, wild4500, *v[3];
	struct socket_set set = { .v = v, .n = 3 };
	struct sockaddr_in local = { .sin_family = AF_INET };

	(void)state;
	assert_int_equal(socket_open(&a500, ip("127.0.0.1"), 0, false), 0);
	assert_int_equal(socket_open(&a4500, ip("127.0.0.1"), 0, true), 0);
	assert_int_equal(socket_open(&wild4500, ip("0.0.0.0"), 0, true), 0);
	v[0] = &wild4500;
	v[1] = &a500;
	v[2] = &a4500;

	local.sin_addr = ip("127.0.0.1");
	assert_ptr_equal(socket_set_pick(&set, &local, false), &a500);
	assert_ptr_equal(socket_set_pick(&set, &local, true), &a4500);
	local.sin_addr = ip("127.0.0.9");
	assert_ptr_equal(socket_set_pick(&set, &local, true), &wild4500);
	assert_null(socket_set_pick(&set, &local, false));
	/* a port that no socket has */
	local.sin_addr = ip("127.0.0.1");
	local.sin_port = htons(1);
	assert_null(socket_set_pick(&set, &local, false));
	local.sin_port = a500.bound.sin_port;
	assert_ptr_equal(socket_set_pick(&set, &local, false), &a500);

	socket_close(&a500);
	socket_close(&a4500);
	socket_close(&wild4500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_natt_receive),
		cmocka_unit_test(test_natt_send_adds_marker),
		cmocka_unit_test(test_natt_keepalive),
		cmocka_unit_test(test_ike_port_plain),
		cmocka_unit_test(test_wildcard_pktinfo),
		cmocka_unit_test(test_read_batch_bounded),
		cmocka_unit_test(test_pick),
	};

	return cmocka_run_group_tests_name("socket", tests, NULL, NULL);
}
