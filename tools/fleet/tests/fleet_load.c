// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fleet_load - play acikd for the fleet benchmark: send N Child SA pairs
 * (fleet SAs on device DEV, random AES-GCM-128 keys) to an acfleetd
 * socket, all at once or at RATE pairs a second.
 *
 *	fleet_load SOCKET DEV TUNNEL N [RATE] [FIRST_SPI] [TUNNELS]
 *
 * SPIs: FIRST_SPI (default 0x10000000) + 2i (in) and + 2i + 1 (out).
 * Pair i goes to tunnel TUNNEL, or with TUNNELS to TUNNEL<i % TUNNELS>
 * (actun holds at most 512 SAs per tunnel).
 * Prints "sent N pairs in S s". Exit 0, or 1 with a message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <netlink/msg.h>
#include <openssl/rand.h>

#include <actun.h>

#include "fleet_proto.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int send_sa(int fd, const char *dev, const char *tunnel, uint8_t dir,
		   uint32_t spi)
{
	uint8_t buf[FLEET_MSG_MAX];
	struct fleet_msg *m = (struct fleet_msg *)buf;
	struct nl_msg *msg = nlmsg_alloc();
	struct actun_sa sa;
	size_t len;

	actun_sa_init(&sa);
	snprintf(sa.tunnel_name, sizeof(sa.tunnel_name), "%s", tunnel);
	actun_sa_mark(&sa, ACTUN_SA_A_TUNNEL_NAME);
	sa.dir = dir;
	actun_sa_mark(&sa, ACTUN_SA_A_DIR);
	sa.spi = spi;
	actun_sa_mark(&sa, ACTUN_SA_A_SPI);
	sa.enc_alg = ACTUN_SA_ENC_GCM_AES_128;
	actun_sa_mark(&sa, ACTUN_SA_A_ENC_ALG);
	sa.enc_key_len = 20;
	RAND_bytes(sa.enc_key, sa.enc_key_len);
	actun_sa_mark(&sa, ACTUN_SA_A_ENC_KEY);
	sa.hard_seconds = 4 * 3600;
	actun_sa_mark(&sa, ACTUN_SA_A_HARD_SECONDS);
	actun_sa_mark(&sa, ACTUN_SA_A_FLEET);
	if (!msg || actun_sa_put(msg, &sa))
		return -1;
	len = nlmsg_datalen(nlmsg_hdr(msg));
	memset(m, 0, sizeof(*m));
	m->version = FLEET_PROTO_VERSION;
	m->op = FLEET_MSG_PUT;
	m->kind = FLEET_OBJ_SA;
	snprintf(m->dev, sizeof(m->dev), "%s", dev);
	memcpy(buf + sizeof(*m), nlmsg_data(nlmsg_hdr(msg)), len);
	nlmsg_free(msg);
	actun_sa_clear(&sa);
	/* blocking: the benchmark wants every message delivered */
	return send(fd, buf, sizeof(*m) + len, 0) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	double rate, start, due;
	char tunnel[32];
	uint32_t spi;
	long n, i, tunnels;
	int fd;

	if (argc < 5) {
		fprintf(stderr, "usage: fleet_load SOCKET DEV TUNNEL N [RATE] [FIRST_SPI]\n");
		return 1;
	}
	n = atol(argv[4]);
	rate = argc > 5 ? atof(argv[5]) : 0;
	spi = argc > 6 ? strtoul(argv[6], NULL, 0) : 0x10000000;
	tunnels = argc > 7 ? atol(argv[7]) : 0;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[1]);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		fprintf(stderr, "fleet_load: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	start = now_s();
	for (i = 0; i < n; i++) {
		if (rate > 0) {
			due = start + i / rate;
			while (now_s() < due)
				usleep(1000);
		}
		if (tunnels > 0)
			snprintf(tunnel, sizeof(tunnel), "%s%ld", argv[3],
				 i % tunnels);
		else
			snprintf(tunnel, sizeof(tunnel), "%s", argv[3]);
		if (send_sa(fd, argv[2], tunnel, ACTUN_SA_DIR_IN, spi + 2 * i) ||
		    send_sa(fd, argv[2], tunnel, ACTUN_SA_DIR_OUT,
			    spi + 2 * i + 1)) {
			fprintf(stderr, "fleet_load: send: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("sent %ld pairs in %.2f s\n", n, now_s() - start);
	close(fd);
	return 0;
}
