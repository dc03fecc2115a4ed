// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * steer.c - the classic BPF program that picks a worker's socket (see
 * steer.h).
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/sock_diag.h>

#include <openssl/rand.h>

#include "ike_sa.h"
#include "loop.h"

#include "steer.h"

/* Offsets in the IKE header (RFC 7296 3.1; its length and flags are
 * encoding/payload.h's). */
#define IKE_SPI_I		0
#define IKE_SPI_R		8
#define IKE_FLAGS		19
/* The IPv4 source address, through the network header. */
#define IPV4_SADDR		((uint32_t)(SKF_NET_OFF + 12))

#define LD_LEN		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0)
#define LD_W(k)		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (k))
#define LD_B(k)		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (k))
#define MOD(k)		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, (k))
#define RET_A		BPF_STMT(BPF_RET | BPF_A, 0)
#define RET(k)		BPF_STMT(BPF_RET | BPF_K, (k))

/*
 * The IKE part, @m bytes into the payload. Jumps are relative and only
 * forward: SPII is 8, MOD 9, ADDR 11 and RET0 14 instructions in.
 */
#define BODY_LEN	15
#define BODY_RET0	14

static size_t body(struct sock_filter *p, uint32_t m, uint32_t workers)
{
	const struct sock_filter b[BODY_LEN] = {
		LD_B(m + IKE_FLAGS),
		/* not from the original initiator: our SPI is SPIi */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, IKE_FLAG_INITIATOR, 0, 6),
		LD_W(m + IKE_SPI_R),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5),
		LD_W(m + IKE_SPI_R + 4),
		/* SPIr zero: an IKE_SA_INIT request, steered by address */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0),
		LD_W(m + IKE_SPI_R),
		BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
		LD_W(m + IKE_SPI_I),			/* SPII */
		MOD(workers),				/* MOD */
		RET_A,
		LD_W(IPV4_SADDR),			/* ADDR */
		MOD(workers),
		RET_A,
		RET(0),					/* RET0 */
	};

	memcpy(p, b, sizeof(b));
	return BODY_LEN;
}

size_t steer_program(struct sock_filter *prog, unsigned int workers,
		     bool natt)
{
	size_t n = 0, ret0;

	if (!natt) {
		ret0 = 2 + BODY_RET0;
		prog[n++] = (struct sock_filter)LD_LEN;
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
			IKE_HEADER_LEN, 0, (uint8_t)(ret0 - 2));
		return n + body(prog + n, 0, workers);
	}
	/* ESP in UDP (no zero marker) and keepalives: worker 0, actun's */
	ret0 = 4 + BODY_RET0;
	prog[n++] = (struct sock_filter)LD_LEN;
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
		4 + IKE_HEADER_LEN, 0, (uint8_t)(ret0 - 2));
	prog[n++] = (struct sock_filter)LD_W(0);
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0,
		0, (uint8_t)(ret0 - 4));
	return n + body(prog + n, 4, workers);
}

int steer_reuseport(int fd)
{
	int one = 1;

	return setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ?
	       -errno : 0;
}

int steer_attach(int fd, unsigned int workers, bool natt)
{
	struct sock_filter prog[STEER_PROG_MAX];
	struct sock_fprog fprog = { .filter = prog };

	fprog.len = (unsigned short)steer_program(prog, workers, natt);
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &fprog,
		       sizeof(fprog)))
		return -errno;
	return 0;
}

/* The probe: [marker] IKE header, Initiator flag, SPIr the worker's. */
static size_t probe_build(uint8_t *buf, bool natt, unsigned int worker,
			  unsigned int workers)
{
	size_t m = natt ? 4 : 0;
	uint32_t hi;

	memset(buf, 0, m + IKE_HEADER_LEN);
	if (RAND_bytes(buf + m, 16) != 1)
		return 0;
	hi = ike_shard_fit(enc_get_be32(buf + m + IKE_SPI_R), worker, workers);
	enc_put_be32(buf + m + IKE_SPI_R, hi);
	buf[m + 17] = IKE_VERSION_MAJOR << 4 | IKE_VERSION_MINOR;
	buf[m + IKE_FLAGS] = IKE_FLAG_INITIATOR;
	buf[m + 27] = IKE_HEADER_LEN;	/* exchange type 0: no core takes it */
	return m + IKE_HEADER_LEN;
}

/* Datagrams @fd dropped so far (a full receive queue), or 0. */
static uint32_t drops(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) ||
	    len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
		return 0;
	return mem[SK_MEMINFO_DROPS];
}

/* Empty @fd's queue: what waited there is lost anyway (a new socket's
 * peers retransmit), and a full queue would drop the probe. */
static void drain(int fd)
{
	uint8_t buf[64];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

/* Read @fd until @probe comes back or @deadline; 0 or -EXDEV. */
static int probe_wait(int fd, const uint8_t *probe, size_t len,
		      uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t buf[64];
	uint64_t now;
	ssize_t n;

	while ((now = loop_now_ms()) < deadline) {
		if (poll(&pfd, 1, (int)(deadline - now)) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == (ssize_t)len && !memcmp(buf, probe, len))
			return 0;
	}
	return -EXDEV;
}

/* Is the loopback device up? Datagrams to a local address go through it. */
static bool loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up;

	if (fd < 0)
		return true;	/* cannot tell: let the probe say */
	up = ioctl(fd, SIOCGIFFLAGS, &ifr) || (ifr.ifr_flags & IFF_UP);
	close(fd);
	return up;
}

/* One probe: 0, -EXDEV, -EAGAIN (the socket dropped datagrams meanwhile:
 * maybe the probe), or another -errno. */
static int probe_once(int fd, const struct sockaddr_in *to, bool natt,
		      unsigned int worker, unsigned int workers, int timeout_ms)
{
	uint8_t probe[4 + IKE_HEADER_LEN];
	size_t len = probe_build(probe, natt, worker, workers);
	uint32_t dropped;
	int tx, ret = 0;

	if (!len)
		return -EIO;
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (tx < 0)
		return -errno;
	drain(fd);
	dropped = drops(fd);
	if (sendto(tx, probe, len, 0, (const struct sockaddr *)to,
		   sizeof(*to)) != (ssize_t)len)
		ret = -errno;
	if (!ret)
		ret = probe_wait(fd, probe, len, loop_now_ms() + (uint64_t)timeout_ms);
	if (ret == -EXDEV && drops(fd) != dropped)
		ret = -EAGAIN;
	close(tx);
	return ret;
}

int steer_probe(int fd, const struct sockaddr_in *bound, bool natt,
		unsigned int worker, unsigned int workers, int timeout_ms)
{
	struct sockaddr_in to = *bound;
	int ret = -EAGAIN;

	if (!loopback_up())
		return -ENETDOWN;
	/* a wildcard socket is reached on loopback like any address */
	if (to.sin_addr.s_addr == htonl(INADDR_ANY))
		to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < STEER_PROBE_TRIES && ret == -EAGAIN; i++)
		ret = probe_once(fd, &to, natt, worker, workers, timeout_ms);
	return ret;
}
