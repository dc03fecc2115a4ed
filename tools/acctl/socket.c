// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: the socket object, the UDP socket of ESP in UDP (RFC 3948).
 *
 *	acctl socket { attach | detach | help } ...
 *
 * attach opens and binds the socket itself, in the namespace acctl runs in
 * (main() entered the -n namespace before any command), and hands it to
 * the device, which keeps its own reference: the socket outlives acctl.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "acctl.h"

#define SOCKET_PORT_DEFAULT	4500

static void socket_usage(FILE *fp)
{
	fprintf(fp,
"Usage: acctl socket attach dev DEV [ address ADDR ] [ port PORT ]\n"
"       acctl socket detach dev DEV\n"
"       acctl socket help\n"
"\n"
"attach opens a UDP socket bound to ADDR and PORT in the network namespace\n"
"acctl runs in, and hands it to device DEV, which then takes the ESP in UDP\n"
"(RFC 3948) arriving on it for its ipsec tunnels and keeps the socket open\n"
"after acctl exits, until detach or until the device is deleted. IKE and NAT\n"
"keepalives arriving on it are left to whoever else reads the socket (acctl\n"
"does not). detach gives the socket back and undoes that.\n"
"\n"
"DEV     the actun device.\n"
"ADDR    local IPv4 address to bind to. Default: 0.0.0.0 (every address).\n"
"PORT    local UDP port, 1 to 65535. Default: 4500.\n");
}

enum socket_cmd_bit {
	K_ATTACH = 1 << 0,
	K_DETACH = 1 << 1,
};

enum { KW_DEV, KW_ADDRESS, KW_PORT };

static const struct socket_kw {
	const char *word;
	unsigned int cmds, required;
} socket_kws[] = {
	[KW_DEV]     = { "dev",     K_ATTACH | K_DETACH, K_ATTACH | K_DETACH },
	[KW_ADDRESS] = { "address", K_ATTACH, 0 },
	[KW_PORT]    = { "port",    K_ATTACH, 0 },
};

#define NKWS	(sizeof(socket_kws) / sizeof(socket_kws[0]))

/**
 * struct socket_req - a parsed socket command line
 * @word: the command; @cmd: its K_* bit
 * @ifindex: from "dev"
 * @addr: from "address", network byte order
 * @port: from "port", host byte order
 * @given: bit per socket_kws[] entry seen, to catch duplicates
 */
struct socket_req {
	const char *word;
	unsigned int cmd;
	uint32_t ifindex;
	struct in_addr addr;
	uint16_t port;
	unsigned int given;
};

static int parse_kw(struct socket_req *req, int kw, const char *arg)
{
	struct inet_addr addr;

	switch (kw) {
	case KW_DEV:
		req->ifindex = strlen(arg) < IF_NAMESIZE ? if_nametoindex(arg) : 0;
		if (!req->ifindex) {
			fprintf(stderr, "Error: device \"%s\" does not exist.\n",
				arg);
			return -1;
		}
		return 0;
	case KW_ADDRESS:
		if (get_addr(&addr, arg) || addr.family != AF_INET)
			return invarg("address must be an IPv4 address", arg);
		req->addr = addr.v4;
		return 0;
	default:
		if (get_u16(&req->port, arg) || req->port == 0)
			return invarg("port must be a number from 1 to 65535",
				      arg);
		return 0;
	}
}

static int find_kw(const char *word)
{
	size_t i;

	for (i = 0; i < NKWS; i++)
		if (!strcmp(socket_kws[i].word, word))
			return (int)i;
	return -1;
}

static int socket_parse(struct socket_req *req, int argc, char **argv)
{
	int i;

	for (; argc > 0; argc -= 2, argv += 2) {
		i = find_kw(argv[0]);
		if (i < 0 || !(socket_kws[i].cmds & req->cmd)) {
			fprintf(stderr,
				"Error: unknown argument \"%s\" for \"socket %s\", try \"acctl socket help\".\n",
				argv[0], req->word);
			return -1;
		}
		if (argc < 2)
			return incomplete_command("socket");
		if (req->given & (1u << i))
			return duparg(argv[0], argv[1]);
		req->given |= 1u << i;
		if (parse_kw(req, i, argv[1]))
			return -1;
	}
	for (i = 0; i < (int)NKWS; i++)
		if ((socket_kws[i].required & req->cmd) &&
		    !(req->given & (1u << i)))
			return missarg(socket_kws[i].word);
	return 0;
}

static int socket_run(struct acctl *ac, struct socket_req *req)
{
	struct actun_error err;
	struct actun_sock *sock;
	int fd, ret;

	if (acctl_sock(ac, &sock))
		return 1;
	if (req->cmd == K_DETACH) {
		ret = actun_socket_detach(sock, req->ifindex, &err);
	} else {
		ret = actun_socket_udp4(req->addr, req->port, &fd, &err);
		if (!ret) {
			ret = actun_socket_attach(sock, req->ifindex, fd, &err);
			close(fd);	/* the device holds its own reference */
		}
	}
	if (ret) {
		acctl_print_error(&err);
		return 1;
	}
	return 0;
}

int do_socket(struct acctl *ac, int argc, char **argv)
{
	struct socket_req req = {
		.addr.s_addr = htonl(INADDR_ANY),
		.port = SOCKET_PORT_DEFAULT,
	};

	if (argc == 0) {
		incomplete_command("socket");
		return 1;
	}
	if (!strcmp(argv[0], "help")) {
		if (argc > 1) {
			fprintf(stderr, "Error: \"socket help\" takes no arguments.\n");
			return 1;
		}
		socket_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[0], "attach")) {
		req.cmd = K_ATTACH;
	} else if (!strcmp(argv[0], "detach")) {
		req.cmd = K_DETACH;
	} else {
		fprintf(stderr,
			"Command \"%s\" is unknown, try \"acctl socket help\".\n",
			argv[0]);
		return 1;
	}
	req.word = argv[0];
	if (socket_parse(&req, argc - 1, argv + 1))
		return 1;
	return socket_run(ac, &req);
}
