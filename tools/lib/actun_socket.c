// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: handing a device the UDP socket of ESP in UDP (RFC 3948):
 * opening and binding it, SOCKET_ATTACH and SOCKET_DETACH.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "actun_priv.h"

int actun_socket_udp4(struct in_addr addr, uint16_t port, int *fdp,
		      struct actun_error *err)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr = addr,
	};
	char text[INET_ADDRSTRLEN];
	int one = 1, fd, ret;

	actun_error_clear(err);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return actun_error_set(err, errno, "cannot open a UDP socket: %s",
				       strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))) {
		ret = errno;
		close(fd);
		return actun_error_set(err, ret, "cannot set SO_REUSEADDR: %s",
				       strerror(ret));
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		ret = errno;
		close(fd);
		inet_ntop(AF_INET, &addr, text, sizeof(text));
		return actun_error_set(err, ret, "cannot bind a UDP socket to %s port %u: %s",
				       text, port, strerror(ret));
	}
	*fdp = fd;
	return 0;
}

static int put_fd(struct nl_msg *msg, const void *fd)
{
	return nla_put_u32(msg, ACTUN_A_SOCKET_FD,
			   (uint32_t)*(const int *)fd) < 0 ? -EMSGSIZE : 0;
}

int actun_socket_attach(struct actun_sock *sock, uint32_t ifindex, int fd,
			struct actun_error *err)
{
	if (fd < 0)
		return actun_error_set(err, EBADF, "invalid file descriptor %d",
				       fd);
	return actun_object_request(sock, ACTUN_CMD_SOCKET_ATTACH, NLM_F_ACK,
				    ifindex, put_fd, &fd, "", NULL, NULL, err);
}

int actun_socket_detach(struct actun_sock *sock, uint32_t ifindex,
			struct actun_error *err)
{
	return actun_object_request(sock, ACTUN_CMD_SOCKET_DETACH, NLM_F_ACK,
				    ifindex, put_fd, NULL, "", NULL, NULL, err);
}
