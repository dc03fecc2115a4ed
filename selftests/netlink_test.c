// SPDX-License-Identifier: GPL-2.0
/*
 * The "actun" generic netlink family seen raw: requests acctl never builds
 * (unknown, malformed, read-only attributes, missing nests,
 * routes whose prefix disagrees with its family or length), the extack each
 * one earns, NLM_F_ECHO on create, and tunnel and route dumps torn by a
 * concurrent change being flagged NLM_F_DUMP_INTR.
 *
 * Each test runs in a network namespace of its own with one device, ac0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "kselftest_harness.h"
#include "actun.h"

FIXTURE(nl) {
	struct actun_sock *sock;
	struct actun_error err;
	uint32_t ifindex;
};

FIXTURE_SETUP(nl)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up && ip link add ac0 type actun && ip link add dummy0 type dummy"));
	self->ifindex = if_nametoindex("ac0");
	ASSERT_NE(0, self->ifindex);
	ASSERT_EQ(0, actun_sock_open(&self->sock, &self->err));
}

FIXTURE_TEARDOWN(nl)
{
	actun_sock_close(self->sock);
}

static struct nl_msg *tunnel_msg(struct actun_sock *sock, uint8_t cmd,
				 uint32_t ifindex, struct nlattr **nest)
{
	struct nl_msg *msg = actun_msg_new(sock, cmd, NLM_F_ACK);

	if (ifindex)
		nla_put_u32(msg, ACTUN_A_IFINDEX, ifindex);
	*nest = nla_nest_start(msg, ACTUN_A_TUNNEL | NLA_F_NESTED);
	return msg;
}

/*
 * A valid NEW body: name, mode gre, local 192.0.2.1, and a remote of its
 * own (two gre tunnels may not share local, remote and key).
 */
static void put_valid(struct nl_msg *msg, const char *name)
{
	static uint32_t next_remote = 0x0a000001;	/* 10.0.0.1 */

	nla_put_string(msg, ACTUN_TUNNEL_A_NAME, name);
	nla_put_u8(msg, ACTUN_TUNNEL_A_MODE, ACTUN_MODE_GRE);
	nla_put_u32(msg, ACTUN_TUNNEL_A_LOCAL_IPV4, inet_addr("192.0.2.1"));
	nla_put_u32(msg, ACTUN_TUNNEL_A_REMOTE_IPV4, htonl(next_remote++));
}

static int send_msg(struct actun_sock *sock, struct nl_msg *msg,
		    struct nlattr *nest, struct actun_error *err)
{
	int ret;

	if (nest)
		nla_nest_end(msg, nest);
	ret = actun_request(sock, msg, NULL, NULL, err);
	nlmsg_free(msg);
	return ret;
}

static int add_valid(struct actun_sock *sock, uint32_t ifindex,
		     const char *name, struct actun_error *err)
{
	struct nlattr *nest;
	struct nl_msg *msg = tunnel_msg(sock, ACTUN_CMD_TUNNEL_NEW, ifindex, &nest);

	put_valid(msg, name);
	return send_msg(sock, msg, nest, err);
}

TEST_F(nl, valid_new_by_ifname)
{
	struct nl_msg *msg = actun_msg_new(self->sock, ACTUN_CMD_TUNNEL_NEW, NLM_F_ACK);
	struct actun_tunnel_cfg which, out;
	struct nlattr *nest;

	nla_put_string(msg, ACTUN_A_IFNAME, "ac0");
	nest = nla_nest_start(msg, ACTUN_A_TUNNEL | NLA_F_NESTED);
	put_valid(msg, "t1");
	ASSERT_EQ(0, send_msg(self->sock, msg, nest, &self->err));

	actun_tunnel_cfg_init(&which);
	strcpy(which.name, "t1");
	actun_tunnel_mark(&which, ACTUN_TUNNEL_A_NAME);
	ASSERT_EQ(0, actun_tunnel_get(self->sock, self->ifindex, &which, &out, &self->err));
	EXPECT_EQ(1, out.id);
	EXPECT_EQ(self->ifindex, out.ifindex);
	EXPECT_EQ(inet_addr("10.0.0.1"), out.remote4.s_addr);
}

TEST_F(nl, unknown_top_level_attribute)
{
	struct nlattr *nest;
	struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW, self->ifindex, &nest);

	put_valid(msg, "t1");
	nla_nest_end(msg, nest);
	nla_put_u32(msg, ACTUN_A_MAX + 1, 1);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, NULL, &self->err));
	EXPECT_STREQ("Unknown attribute type", self->err.msg);
	EXPECT_TRUE(self->err.has_offs);
	EXPECT_EQ(ACTUN_A_MAX + 1, self->err.attr);
}

TEST_F(nl, unknown_tunnel_attribute)
{
	struct nlattr *nest;
	struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW, self->ifindex, &nest);

	put_valid(msg, "t1");
	nla_put_u32(msg, ACTUN_TUNNEL_A_MAX + 1, 1);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("Unknown attribute type", self->err.msg);
	EXPECT_EQ(ACTUN_A_TUNNEL, self->err.nest);
	EXPECT_EQ(ACTUN_TUNNEL_A_MAX + 1, self->err.attr);
}

TEST_F(nl, wrong_attribute_length)
{
	struct nlattr *nest;
	struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW, self->ifindex, &nest);
	uint16_t half = 1;

	nla_put_string(msg, ACTUN_TUNNEL_A_NAME, "t1");
	nla_put_u8(msg, ACTUN_TUNNEL_A_MODE, ACTUN_MODE_GRE);
	nla_put(msg, ACTUN_TUNNEL_A_LOCAL_IPV4, sizeof(half), &half);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("invalid attribute length", self->err.msg);
	EXPECT_EQ(ACTUN_TUNNEL_A_LOCAL_IPV4, self->err.attr);
}

TEST_F(nl, name_without_nul)
{
	struct nlattr *nest;
	struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW, self->ifindex, &nest);

	nla_put(msg, ACTUN_TUNNEL_A_NAME, 2, "t1");
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("Attribute failed policy validation", self->err.msg);
	EXPECT_EQ(ACTUN_TUNNEL_A_NAME, self->err.attr);
}

TEST_F(nl, empty_name)
{
	struct nlattr *nest;
	struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW, self->ifindex, &nest);

	put_valid(msg, "");
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: tunnel name must not be empty", self->err.msg);
}

TEST_F(nl, name_with_space)
{
	EXPECT_EQ(-EINVAL, add_valid(self->sock, self->ifindex, "a b", &self->err));
	EXPECT_STREQ("actun: tunnel name may only contain printable characters other than space",
		     self->err.msg);
}

TEST_F(nl, read_only_attributes)
{
	static const struct { int attr; const char *msg; } cases[] = {
		{ ACTUN_TUNNEL_A_STATE, "actun: tunnel state is read-only" },
		{ ACTUN_TUNNEL_A_IFINDEX,
		  "actun: tunnel ifindex is read-only (name the device with ACTUN_A_IFINDEX)" },
		{ ACTUN_TUNNEL_A_STATS, "actun: tunnel statistics are read-only" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nlattr *nest, *inner;
		struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW,
						self->ifindex, &nest);

		put_valid(msg, "t1");
		if (cases[i].attr == ACTUN_TUNNEL_A_STATS) {
			/* as a client would send it: a flagged nest */
			inner = nla_nest_start(msg, ACTUN_TUNNEL_A_STATS | NLA_F_NESTED);
			nla_put_u64(msg, ACTUN_STATS_A_RX_PACKETS, 1);
			nla_nest_end(msg, inner);
		} else if (cases[i].attr == ACTUN_TUNNEL_A_STATE) {
			nla_put_u8(msg, cases[i].attr, ACTUN_STATE_UP);
		} else {
			nla_put_u32(msg, cases[i].attr, self->ifindex);
		}
		EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
		EXPECT_STREQ(cases[i].msg, self->err.msg);
		EXPECT_EQ(cases[i].attr, self->err.attr);
	}
}

TEST_F(nl, sa_and_fleet_requests)
{
	static const uint8_t key[20];
	struct nl_msg *msg = actun_msg_new(self->sock, ACTUN_CMD_SA_NEW, NLM_F_ACK);
	struct nlattr *nest;

	/* A read-only SA attribute is refused and pointed at. */
	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	nest = nla_nest_start(msg, ACTUN_A_SA | NLA_F_NESTED);
	nla_put_u32(msg, ACTUN_SA_A_SPI, 0x100);
	nla_put_u8(msg, ACTUN_SA_A_DIR, ACTUN_SA_DIR_OUT);
	nla_put_u8(msg, ACTUN_SA_A_ENC_ALG, ACTUN_SA_ENC_GCM_AES_128);
	nla_put(msg, ACTUN_SA_A_ENC_KEY, sizeof(key), key);
	nla_put_u16(msg, ACTUN_SA_A_SERVER_ID, 1);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: attribute is read-only", self->err.msg);
	EXPECT_EQ(ACTUN_SA_A_SERVER_ID, self->err.attr);

	/* FLEET_SET names no device, but needs its nest. */
	msg = actun_msg_new(self->sock, ACTUN_CMD_FLEET_SET, NLM_F_ACK);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, NULL, &self->err));
	EXPECT_STREQ("actun: missing fleet attributes", self->err.msg);

	/* A command past the last one: the generic netlink core refuses it. */
	msg = actun_msg_new(self->sock, ACTUN_CMD_MAX + 1, NLM_F_ACK);
	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	EXPECT_EQ(-EOPNOTSUPP, send_msg(self->sock, msg, NULL, &self->err));
}

/* FLEET_SET of a server id with the read-only lease left, as none sends. */
static int fleet_set_lease_left(struct actun_sock *sock, struct actun_error *err)
{
	struct nl_msg *msg = actun_msg_new(sock, ACTUN_CMD_FLEET_SET, NLM_F_ACK);
	struct nlattr *nest = nla_nest_start(msg, ACTUN_A_FLEET | NLA_F_NESTED);

	nla_put_u16(msg, ACTUN_FLEET_A_SERVER_ID, 7);
	nla_put_u32(msg, ACTUN_FLEET_A_LEASE_LEFT_MS, 1000);
	return send_msg(sock, msg, nest, err);
}

#define FLEET(...) (&(struct actun_fleet){ __VA_ARGS__ })
#define F_ID(v)	.server_id = (v), .present = ACTUN_FLEET_F(ACTUN_FLEET_A_SERVER_ID)
#define F_CLAIM(id, e, ms)	.server_id = (id), .epoch = (e), .lease_ms = (ms), \
	.present = ACTUN_FLEET_F(ACTUN_FLEET_A_SERVER_ID) | \
		   ACTUN_FLEET_F(ACTUN_FLEET_A_EPOCH) | \
		   ACTUN_FLEET_F(ACTUN_FLEET_A_LEASE_MS)

/*
 * The claim of FLEET_SET: which combinations it takes, the lease's range,
 * the read-only lease left, renewals of a claim the namespace does not
 * hold, and what GET reports.
 */
TEST_F(nl, fleet_claim)
{
	struct actun_fleet got;

	EXPECT_EQ(-EINVAL, fleet_set_lease_left(self->sock, &self->err));
	EXPECT_STREQ("actun: lease left is read-only", self->err.msg);
	EXPECT_EQ(ACTUN_FLEET_A_LEASE_LEFT_MS, self->err.attr);

	EXPECT_EQ(-EINVAL, actun_fleet_set(self->sock,
		  FLEET(.server_id = 7, .epoch = 9,
			.present = ACTUN_FLEET_F(ACTUN_FLEET_A_SERVER_ID) |
				   ACTUN_FLEET_F(ACTUN_FLEET_A_EPOCH)),
		  &self->err));
	EXPECT_STREQ("actun: a claim needs server id, epoch and lease", self->err.msg);
	EXPECT_TRUE(self->err.has_miss_type);
	EXPECT_EQ(ACTUN_FLEET_A_LEASE_MS, self->err.miss_type);

	EXPECT_EQ(-EINVAL, actun_fleet_set(self->sock,
		  FLEET(F_ID(7), .renew = true), &self->err));
	EXPECT_STREQ("actun: a renewal needs server id, epoch and lease", self->err.msg);

	EXPECT_EQ(-EINVAL, actun_fleet_set(self->sock,
		  FLEET(F_ID(7), .release = true), &self->err));
	EXPECT_STREQ("actun: release takes no other fleet attribute", self->err.msg);
	EXPECT_EQ(ACTUN_FLEET_A_RELEASE, self->err.attr);

	EXPECT_EQ(-ERANGE, actun_fleet_set(self->sock, FLEET(F_CLAIM(7, 9, 0)),
					   &self->err));
	EXPECT_STREQ("actun: lease out of range (1-3600000 ms)", self->err.msg);
	EXPECT_EQ(ACTUN_FLEET_A_LEASE_MS, self->err.attr);
	EXPECT_EQ(-ERANGE, actun_fleet_set(self->sock,
		  FLEET(F_CLAIM(7, 9, ACTUN_FLEET_LEASE_MS_MAX + 1)), &self->err));

	/* A new namespace holds no claim: nothing to renew. */
	EXPECT_EQ(-ESRCH, actun_fleet_set(self->sock,
		  FLEET(F_CLAIM(7, 9, 1000), .renew = true), &self->err));
	EXPECT_EQ(0, strncmp("actun: no such claim to renew", self->err.msg, 29));
	ASSERT_EQ(0, actun_fleet_get(self->sock, &got, &self->err));
	EXPECT_FALSE(actun_fleet_claimed(&got));
	EXPECT_FALSE(got.present & ACTUN_FLEET_F(ACTUN_FLEET_A_LEASE_LEFT_MS));

	/* A claim; GET reports it; only its own pair renews it. */
	ASSERT_EQ(0, actun_fleet_set(self->sock,
		  FLEET(F_CLAIM(7, 9, ACTUN_FLEET_LEASE_MS_MAX)), &self->err));
	ASSERT_EQ(0, actun_fleet_get(self->sock, &got, &self->err));
	EXPECT_EQ(7, got.server_id);
	EXPECT_TRUE(actun_fleet_claimed(&got));
	EXPECT_EQ(9, got.epoch);
	EXPECT_TRUE(got.present & ACTUN_FLEET_F(ACTUN_FLEET_A_LEASE_LEFT_MS));
	EXPECT_GT(got.lease_left_ms, ACTUN_FLEET_LEASE_MS_MAX - 60000);
	EXPECT_LE(got.lease_left_ms, ACTUN_FLEET_LEASE_MS_MAX);
	EXPECT_EQ(-ESRCH, actun_fleet_set(self->sock,
		  FLEET(F_CLAIM(7, 10, 1000), .renew = true), &self->err));
	EXPECT_EQ(-ESRCH, actun_fleet_set(self->sock,
		  FLEET(F_CLAIM(8, 9, 1000), .renew = true), &self->err));
	EXPECT_EQ(0, actun_fleet_set(self->sock,
		  FLEET(F_CLAIM(7, 9, 1000), .renew = true), &self->err));
	ASSERT_EQ(0, actun_fleet_get(self->sock, &got, &self->err));
	EXPECT_LE(got.lease_left_ms, 1000);

	/* A bare server id drops the claim, and so does release. */
	EXPECT_EQ(0, actun_fleet_set(self->sock, FLEET(F_ID(7)), &self->err));
	ASSERT_EQ(0, actun_fleet_get(self->sock, &got, &self->err));
	EXPECT_FALSE(actun_fleet_claimed(&got));
	EXPECT_EQ(-ESRCH, actun_fleet_set(self->sock,
		  FLEET(F_CLAIM(7, 9, 1000), .renew = true), &self->err));
	ASSERT_EQ(0, actun_fleet_set(self->sock, FLEET(F_CLAIM(7, 11, 1000)),
				     &self->err));
	EXPECT_EQ(0, actun_fleet_set(self->sock, FLEET(.release = true), &self->err));
	ASSERT_EQ(0, actun_fleet_get(self->sock, &got, &self->err));
	EXPECT_EQ(7, got.server_id);
	EXPECT_FALSE(actun_fleet_claimed(&got));
	/* Releasing no claim is no error. */
	EXPECT_EQ(0, actun_fleet_set(self->sock, FLEET(.release = true), &self->err));
}

/*
 * The policies generated from the spec: each command takes only the
 * attributes the spec lists for its requests, and read-only attributes
 * are refused by every command, a nest by the handler.
 */
TEST_F(nl, spec_policies)
{
	struct nlattr *nest, *inner;
	struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW,
					self->ifindex, &nest);

	put_valid(msg, "t1");
	nla_nest_end(msg, nest);
	/* not empty: libnl drops an empty nest */
	inner = nla_nest_start(msg, ACTUN_A_ROUTE | NLA_F_NESTED);
	nla_put_u8(msg, ACTUN_ROUTE_A_FAMILY, AF_INET);
	nla_nest_end(msg, inner);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, NULL, &self->err));
	EXPECT_STREQ("Unsupported attribute", self->err.msg);
	EXPECT_EQ(ACTUN_A_ROUTE, self->err.attr);

	/* FLEET_GET takes nothing, not even a device. */
	msg = actun_msg_new(self->sock, ACTUN_CMD_FLEET_GET, NLM_F_ACK);
	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, NULL, &self->err));
	EXPECT_EQ(ACTUN_A_IFINDEX, self->err.attr);

	/* SA_DEL as well as SA_NEW refuses a read-only attribute. */
	msg = actun_msg_new(self->sock, ACTUN_CMD_SA_DEL, NLM_F_ACK);
	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	nest = nla_nest_start(msg, ACTUN_A_SA | NLA_F_NESTED);
	nla_put_u32(msg, ACTUN_SA_A_SPI, 0x100);
	nla_put_u8(msg, ACTUN_SA_A_DIR, ACTUN_SA_DIR_OUT);
	nla_put_u64(msg, ACTUN_SA_A_AGE, 1);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: attribute is read-only", self->err.msg);
	EXPECT_EQ(ACTUN_SA_A_AGE, self->err.attr);

	/* A read-only nest, from the generated table. */
	msg = actun_msg_new(self->sock, ACTUN_CMD_SA_NEW, NLM_F_ACK);
	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	nest = nla_nest_start(msg, ACTUN_A_SA | NLA_F_NESTED);
	nla_put_u32(msg, ACTUN_SA_A_SPI, 0x100);
	nla_put_u8(msg, ACTUN_SA_A_DIR, ACTUN_SA_DIR_OUT);
	inner = nla_nest_start(msg, ACTUN_SA_A_STATS | NLA_F_NESTED);
	nla_put_u64(msg, ACTUN_SA_STATS_A_PACKETS, 1);
	nla_nest_end(msg, inner);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: attribute is read-only", self->err.msg);
	EXPECT_EQ(ACTUN_SA_A_STATS, self->err.attr);
}

TEST_F(nl, missing_device)
{
	struct nlattr *nest;
	struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW, 0, &nest);

	put_valid(msg, "t1");
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: missing device: give ACTUN_A_IFINDEX or ACTUN_A_IFNAME",
		     self->err.msg);
	EXPECT_TRUE(self->err.has_miss_type);
	EXPECT_EQ(ACTUN_A_IFINDEX, self->err.miss_type);
}

TEST_F(nl, wrong_device)
{
	struct nlattr *nest;
	struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW,
					if_nametoindex("dummy0"), &nest);

	put_valid(msg, "t1");
	EXPECT_EQ(-EOPNOTSUPP, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: the device is not an actun device", self->err.msg);
	EXPECT_EQ(ACTUN_A_IFINDEX, self->err.attr);

	msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW, 99999, &nest);
	put_valid(msg, "t1");
	EXPECT_EQ(-ENODEV, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: no such device in this network namespace", self->err.msg);
}

TEST_F(nl, missing_tunnel_nest)
{
	struct nl_msg *msg = actun_msg_new(self->sock, ACTUN_CMD_TUNNEL_NEW, NLM_F_ACK);

	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, NULL, &self->err));
	EXPECT_STREQ("actun: missing tunnel attributes (ACTUN_A_TUNNEL)", self->err.msg);
	EXPECT_EQ(ACTUN_A_TUNNEL, self->err.miss_type);
}

TEST_F(nl, missing_required_attributes)
{
	static const struct { int skip; const char *msg; int miss; } cases[] = {
		{ ACTUN_TUNNEL_A_NAME, "actun: missing tunnel name", ACTUN_TUNNEL_A_NAME },
		{ ACTUN_TUNNEL_A_MODE, "actun: missing tunnel mode", ACTUN_TUNNEL_A_MODE },
		{ ACTUN_TUNNEL_A_LOCAL_IPV4, "actun: missing local address",
		  ACTUN_TUNNEL_A_LOCAL_IPV4 },
		{ ACTUN_TUNNEL_A_REMOTE_IPV4, "actun: missing remote address",
		  ACTUN_TUNNEL_A_REMOTE_IPV4 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nlattr *nest;
		struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW,
						self->ifindex, &nest);

		if (cases[i].skip != ACTUN_TUNNEL_A_NAME)
			nla_put_string(msg, ACTUN_TUNNEL_A_NAME, "t1");
		if (cases[i].skip != ACTUN_TUNNEL_A_MODE)
			nla_put_u8(msg, ACTUN_TUNNEL_A_MODE, ACTUN_MODE_GRE);
		if (cases[i].skip != ACTUN_TUNNEL_A_LOCAL_IPV4)
			nla_put_u32(msg, ACTUN_TUNNEL_A_LOCAL_IPV4, inet_addr("192.0.2.1"));
		if (cases[i].skip != ACTUN_TUNNEL_A_REMOTE_IPV4)
			nla_put_u32(msg, ACTUN_TUNNEL_A_REMOTE_IPV4, inet_addr("198.51.100.1"));
		EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
		EXPECT_STREQ(cases[i].msg, self->err.msg);
		EXPECT_TRUE(self->err.has_miss_type);
		EXPECT_EQ(cases[i].miss, self->err.miss_type);
		EXPECT_EQ(ACTUN_A_TUNNEL, self->err.miss_nest);
	}
}

TEST_F(nl, unknown_mode)
{
	struct nlattr *nest;
	struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW, self->ifindex, &nest);

	nla_put_string(msg, ACTUN_TUNNEL_A_NAME, "t1");
	nla_put_u8(msg, ACTUN_TUNNEL_A_MODE, 7);
	nla_put_u32(msg, ACTUN_TUNNEL_A_LOCAL_IPV4, inet_addr("192.0.2.1"));
	nla_put_u32(msg, ACTUN_TUNNEL_A_REMOTE_IPV4, inet_addr("198.51.100.1"));
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: unknown tunnel mode (gre or ipsec)", self->err.msg);
	EXPECT_EQ(ACTUN_TUNNEL_A_MODE, self->err.attr);
}

TEST_F(nl, set_only_flags_refused_on_new)
{
	struct nlattr *nest;
	struct nl_msg *msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_NEW, self->ifindex, &nest);

	put_valid(msg, "t1");
	nla_put_flag(msg, ACTUN_TUNNEL_A_NO_KEY);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: no-key and no-address only apply to an existing tunnel", self->err.msg);
}

TEST_F(nl, contradictory_set)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "t1", &self->err));

	msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_SET, self->ifindex, &nest);
	nla_put_string(msg, ACTUN_TUNNEL_A_NAME, "t1");
	nla_put_u32(msg, ACTUN_TUNNEL_A_KEY, 5);
	nla_put_flag(msg, ACTUN_TUNNEL_A_NO_KEY);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: key and no-key are mutually exclusive", self->err.msg);

	msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_SET, self->ifindex, &nest);
	nla_put_string(msg, ACTUN_TUNNEL_A_NAME, "t1");
	nla_put_u8(msg, ACTUN_TUNNEL_A_MODE, ACTUN_MODE_IPSEC);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: the mode of a tunnel cannot be changed", self->err.msg);

	msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_SET, self->ifindex, &nest);
	nla_put_string(msg, ACTUN_TUNNEL_A_NAME, "t1");
	nla_put_u32(msg, ACTUN_TUNNEL_A_ADDR_IPV4, inet_addr("10.0.0.0"));
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: an interface address needs a prefix length", self->err.msg);

	msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_SET, self->ifindex, &nest);
	nla_put_string(msg, ACTUN_TUNNEL_A_NAME, "t1");
	nla_put_u8(msg, ACTUN_TUNNEL_A_ADDR_PREFIXLEN, 31);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: a prefix length needs an interface address", self->err.msg);
}

TEST_F(nl, id_and_name_must_agree)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "t1", &self->err));
	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "t2", &self->err));

	msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_DEL, self->ifindex, &nest);
	nla_put_u32(msg, ACTUN_TUNNEL_A_ID, 1);
	nla_put_string(msg, ACTUN_TUNNEL_A_NAME, "t2");
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: tunnel id and name refer to different tunnels", self->err.msg);

	msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_DEL, self->ifindex, &nest);
	nla_put_u32(msg, ACTUN_TUNNEL_A_MTU, 1400);	/* libnl drops empty nests */
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: missing tunnel id or name", self->err.msg);

	msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_DEL, self->ifindex, &nest);
	nla_put_u32(msg, ACTUN_TUNNEL_A_ID, 77);
	EXPECT_EQ(-ENOENT, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: no tunnel with this id on the device", self->err.msg);

	msg = tunnel_msg(self->sock, ACTUN_CMD_TUNNEL_DEL, self->ifindex, &nest);
	nla_put_u32(msg, ACTUN_TUNNEL_A_ID, 2);
	nla_put_string(msg, ACTUN_TUNNEL_A_NAME, "t2");
	EXPECT_EQ(0, send_msg(self->sock, msg, nest, &self->err));
}

static int grab_tunnel(struct nl_msg *msg, void *arg)
{
	return actun_tunnel_parse(msg, arg);
}

/* NLM_F_ECHO on NEW returns the tunnel as created, with its allocated id. */
TEST_F(nl, echo_returns_allocated_id)
{
	struct nl_msg *msg = actun_msg_new(self->sock, ACTUN_CMD_TUNNEL_NEW,
					   NLM_F_ACK | NLM_F_ECHO);
	struct actun_tunnel_cfg got;
	struct nlattr *nest;

	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "first", &self->err));
	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	nest = nla_nest_start(msg, ACTUN_A_TUNNEL | NLA_F_NESTED);
	put_valid(msg, "echoed");
	nla_nest_end(msg, nest);
	actun_tunnel_cfg_init(&got);
	ASSERT_EQ(0, actun_request(self->sock, msg, grab_tunnel, &got, &self->err));
	nlmsg_free(msg);
	EXPECT_STREQ("echoed", got.name);
	EXPECT_EQ(2, got.id);
	EXPECT_EQ(ACTUN_MTU_DEFAULT, got.mtu);
}

/*
 * A dump that spans many messages, with a tunnel added between two of
 * them, must carry NLM_F_DUMP_INTR so the reader knows to start again.
 */
TEST_F(nl, torn_dump_is_flagged)
{
	struct nl_sock *raw = nl_socket_alloc();
	struct sockaddr_nl peer;
	struct nl_msg *req;
	unsigned char *buf;
	int family, len, msgs = 0, intr = 0, done = 0;
	char name[16];
	int i;

	for (i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		ASSERT_EQ(0, add_valid(self->sock, self->ifindex, name, &self->err));
	}
	ASSERT_NE(NULL, raw);
	ASSERT_EQ(0, genl_connect(raw));
	family = genl_ctrl_resolve(raw, ACTUN_GENL_NAME);
	ASSERT_GT(family, 0);
	req = nlmsg_alloc();
	genlmsg_put(req, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_DUMP,
		    ACTUN_CMD_TUNNEL_GET, ACTUN_GENL_VERSION);
	ASSERT_GT(nl_send_auto(raw, req), 0);
	nlmsg_free(req);

	while (!done) {
		struct nlmsghdr *nlh;

		len = nl_recv(raw, &peer, &buf, NULL);
		ASSERT_GT(len, 0);
		if (++msgs == 1)	/* the change lands between two parts */
			ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "late", &self->err));
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
				done = 1;
		}
		free(buf);
	}
	nl_socket_free(raw);
	EXPECT_GT(msgs, 2);
	EXPECT_EQ(1, intr);
}

static struct nl_msg *route_msg(struct actun_sock *sock, uint8_t cmd,
				uint32_t ifindex, struct nlattr **nest)
{
	struct nl_msg *msg = actun_msg_new(sock, cmd, NLM_F_ACK);

	if (ifindex)
		nla_put_u32(msg, ACTUN_A_IFINDEX, ifindex);
	*nest = nla_nest_start(msg, ACTUN_A_ROUTE | NLA_F_NESTED);
	return msg;
}

/* An IPv4 prefix (dotted quad), its length and the tunnel by name. */
static void put_route4(struct nl_msg *msg, const char *prefix, uint8_t plen,
		       const char *tunnel)
{
	nla_put_u8(msg, ACTUN_ROUTE_A_FAMILY, AF_INET);
	nla_put_u32(msg, ACTUN_ROUTE_A_PREFIX, inet_addr(prefix));
	nla_put_u8(msg, ACTUN_ROUTE_A_PREFIXLEN, plen);
	if (tunnel)
		nla_put_string(msg, ACTUN_ROUTE_A_TUNNEL_NAME, tunnel);
}

static int add_route4(struct actun_sock *sock, uint32_t ifindex,
		      const char *prefix, uint8_t plen, const char *tunnel,
		      struct actun_error *err)
{
	struct nlattr *nest;
	struct nl_msg *msg = route_msg(sock, ACTUN_CMD_ROUTE_NEW, ifindex, &nest);

	put_route4(msg, prefix, plen, tunnel);
	return send_msg(sock, msg, nest, err);
}

TEST_F(nl, route_prefix_with_host_bits)
{
	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "t1", &self->err));
	EXPECT_EQ(-EINVAL, add_route4(self->sock, self->ifindex, "203.0.113.1", 24,
				      "t1", &self->err));
	EXPECT_STREQ("actun: the prefix has host bits set", self->err.msg);
	EXPECT_EQ(ACTUN_A_ROUTE, self->err.nest);
	EXPECT_EQ(ACTUN_ROUTE_A_PREFIX, self->err.attr);
	EXPECT_EQ(0, add_route4(self->sock, self->ifindex, "203.0.113.0", 24,
				"t1", &self->err));
}

TEST_F(nl, route_prefix_and_family_disagree)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "t1", &self->err));
	msg = route_msg(self->sock, ACTUN_CMD_ROUTE_NEW, self->ifindex, &nest);
	nla_put_u8(msg, ACTUN_ROUTE_A_FAMILY, AF_INET6);
	nla_put_u32(msg, ACTUN_ROUTE_A_PREFIX, inet_addr("203.0.113.0"));
	nla_put_u8(msg, ACTUN_ROUTE_A_PREFIXLEN, 24);
	nla_put_string(msg, ACTUN_ROUTE_A_TUNNEL_NAME, "t1");
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: the prefix does not match the address family (4 bytes for AF_INET, 16 for AF_INET6)",
		     self->err.msg);
	EXPECT_EQ(ACTUN_ROUTE_A_PREFIX, self->err.attr);

	msg = route_msg(self->sock, ACTUN_CMD_ROUTE_NEW, self->ifindex, &nest);
	nla_put_u8(msg, ACTUN_ROUTE_A_FAMILY, 7);
	nla_put_u32(msg, ACTUN_ROUTE_A_PREFIX, inet_addr("203.0.113.0"));
	nla_put_u8(msg, ACTUN_ROUTE_A_PREFIXLEN, 24);
	nla_put_string(msg, ACTUN_ROUTE_A_TUNNEL_NAME, "t1");
	EXPECT_EQ(-EAFNOSUPPORT, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: unknown address family (AF_INET or AF_INET6)", self->err.msg);
	EXPECT_EQ(ACTUN_ROUTE_A_FAMILY, self->err.attr);

	EXPECT_EQ(-ERANGE, add_route4(self->sock, self->ifindex, "203.0.113.0", 33,
				      "t1", &self->err));
	EXPECT_STREQ("actun: prefix length out of range (0-32 for IPv4, 0-128 for IPv6)",
		     self->err.msg);
	EXPECT_EQ(ACTUN_ROUTE_A_PREFIXLEN, self->err.attr);
}

TEST_F(nl, route_missing_attributes)
{
	static const struct { int skip; const char *msg; } cases[] = {
		{ ACTUN_ROUTE_A_FAMILY, "actun: missing route address family" },
		{ ACTUN_ROUTE_A_PREFIX, "actun: missing route prefix" },
		{ ACTUN_ROUTE_A_PREFIXLEN, "actun: missing route prefix length" },
		{ ACTUN_ROUTE_A_TUNNEL_NAME, "actun: missing tunnel id or name" },
	};
	struct nl_msg *msg;
	unsigned int i;

	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "t1", &self->err));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nlattr *nest;

		msg = route_msg(self->sock, ACTUN_CMD_ROUTE_NEW, self->ifindex, &nest);
		if (cases[i].skip != ACTUN_ROUTE_A_FAMILY)
			nla_put_u8(msg, ACTUN_ROUTE_A_FAMILY, AF_INET);
		if (cases[i].skip != ACTUN_ROUTE_A_PREFIX)
			nla_put_u32(msg, ACTUN_ROUTE_A_PREFIX, inet_addr("203.0.113.0"));
		if (cases[i].skip != ACTUN_ROUTE_A_PREFIXLEN)
			nla_put_u8(msg, ACTUN_ROUTE_A_PREFIXLEN, 24);
		if (cases[i].skip != ACTUN_ROUTE_A_TUNNEL_NAME)
			nla_put_string(msg, ACTUN_ROUTE_A_TUNNEL_NAME, "t1");
		EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
		EXPECT_STREQ(cases[i].msg, self->err.msg);
		EXPECT_TRUE(self->err.has_miss_type);
		EXPECT_EQ(cases[i].skip, self->err.miss_type);
		EXPECT_EQ(ACTUN_A_ROUTE, self->err.miss_nest);
	}

	msg = actun_msg_new(self->sock, ACTUN_CMD_ROUTE_DEL, NLM_F_ACK);
	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, NULL, &self->err));
	EXPECT_STREQ("actun: missing route attributes (ACTUN_A_ROUTE)", self->err.msg);
	EXPECT_EQ(ACTUN_A_ROUTE, self->err.miss_type);
}

TEST_F(nl, route_tunnel_by_id_and_name)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "t1", &self->err));
	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "t2", &self->err));

	msg = route_msg(self->sock, ACTUN_CMD_ROUTE_NEW, self->ifindex, &nest);
	put_route4(msg, "203.0.113.0", 24, "t2");
	nla_put_u32(msg, ACTUN_ROUTE_A_TUNNEL_ID, 1);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: tunnel id and name refer to different tunnels", self->err.msg);

	msg = route_msg(self->sock, ACTUN_CMD_ROUTE_NEW, self->ifindex, &nest);
	put_route4(msg, "203.0.113.0", 24, NULL);
	nla_put_u32(msg, ACTUN_ROUTE_A_TUNNEL_ID, 9);
	EXPECT_EQ(-ENOENT, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: no tunnel with this id on the device", self->err.msg);
	EXPECT_EQ(ACTUN_ROUTE_A_TUNNEL_ID, self->err.attr);

	msg = route_msg(self->sock, ACTUN_CMD_ROUTE_NEW, self->ifindex, &nest);
	put_route4(msg, "203.0.113.0", 24, "t2");
	nla_put_u32(msg, ACTUN_ROUTE_A_TUNNEL_ID, 2);
	EXPECT_EQ(0, send_msg(self->sock, msg, nest, &self->err));

	msg = route_msg(self->sock, ACTUN_CMD_ROUTE_DEL, self->ifindex, &nest);
	put_route4(msg, "203.0.113.0", 24, NULL);
	nla_put_u32(msg, ACTUN_ROUTE_A_TUNNEL_ID, 2);
	EXPECT_EQ(0, send_msg(self->sock, msg, nest, &self->err));
}

static int grab_route(struct nl_msg *msg, void *arg)
{
	return actun_route_parse(msg, arg);
}

/* NLM_F_ECHO on ROUTE_NEW returns the route with the kernel's defaults. */
TEST_F(nl, route_echo)
{
	struct nl_msg *msg = actun_msg_new(self->sock, ACTUN_CMD_ROUTE_NEW,
					   NLM_F_ACK | NLM_F_ECHO);
	struct actun_route_cfg got;
	struct nlattr *nest;

	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "t1", &self->err));
	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	nest = nla_nest_start(msg, ACTUN_A_ROUTE | NLA_F_NESTED);
	put_route4(msg, "203.0.113.0", 24, "t1");
	nla_nest_end(msg, nest);
	actun_route_cfg_init(&got);
	ASSERT_EQ(0, actun_request(self->sock, msg, grab_route, &got, &self->err));
	nlmsg_free(msg);
	EXPECT_EQ(self->ifindex, got.ifindex);
	EXPECT_EQ(1, got.tunnel_id);
	EXPECT_STREQ("t1", got.tunnel_name);
	EXPECT_EQ(AF_INET, got.family);
	EXPECT_EQ(inet_addr("203.0.113.0"), got.prefix4.s_addr);
	EXPECT_EQ(24, got.prefixlen);
	EXPECT_EQ(ACTUN_ROUTE_PRIORITY_DEFAULT, got.priority);
	EXPECT_EQ(ACTUN_ROUTE_WEIGHT_DEFAULT, got.weight);
}

/* Route dumps need a device, and filter by tunnel only. */
TEST_F(nl, route_dump_requests)
{
	struct nl_msg *msg;
	struct nlattr *nest;

	msg = actun_msg_new(self->sock, ACTUN_CMD_ROUTE_GET, NLM_F_DUMP);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, NULL, &self->err));
	EXPECT_STREQ("actun: missing device: give ACTUN_A_IFINDEX or ACTUN_A_IFNAME",
		     self->err.msg);

	msg = actun_msg_new(self->sock, ACTUN_CMD_ROUTE_GET, NLM_F_DUMP);
	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	nest = nla_nest_start(msg, ACTUN_A_ROUTE | NLA_F_NESTED);
	nla_put_u8(msg, ACTUN_ROUTE_A_PREFIXLEN, 24);
	EXPECT_EQ(-EINVAL, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: route dumps can only be filtered by tunnel", self->err.msg);

	msg = actun_msg_new(self->sock, ACTUN_CMD_ROUTE_GET, NLM_F_DUMP);
	nla_put_u32(msg, ACTUN_A_IFINDEX, self->ifindex);
	nest = nla_nest_start(msg, ACTUN_A_ROUTE | NLA_F_NESTED);
	nla_put_string(msg, ACTUN_ROUTE_A_TUNNEL_NAME, "nope");
	EXPECT_EQ(-ENOENT, send_msg(self->sock, msg, nest, &self->err));
	EXPECT_STREQ("actun: no tunnel with this name on the device", self->err.msg);
}

/* As torn_dump_is_flagged, for a route dump. */
TEST_F(nl, torn_route_dump_is_flagged)
{
	struct nl_sock *raw = nl_socket_alloc();
	struct sockaddr_nl peer;
	struct nl_msg *req;
	unsigned char *buf;
	int family, len, msgs = 0, intr = 0, done = 0;
	char prefix[16];
	int i;

	ASSERT_EQ(0, add_valid(self->sock, self->ifindex, "t1", &self->err));
	for (i = 0; i < 1000; i++) {
		snprintf(prefix, sizeof(prefix), "10.%d.%d.0", i / 256, i % 256);
		ASSERT_EQ(0, add_route4(self->sock, self->ifindex, prefix, 24, "t1",
					&self->err));
	}
	ASSERT_NE(NULL, raw);
	ASSERT_EQ(0, genl_connect(raw));
	family = genl_ctrl_resolve(raw, ACTUN_GENL_NAME);
	ASSERT_GT(family, 0);
	req = nlmsg_alloc();
	genlmsg_put(req, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_DUMP,
		    ACTUN_CMD_ROUTE_GET, ACTUN_GENL_VERSION);
	nla_put_u32(req, ACTUN_A_IFINDEX, self->ifindex);
	ASSERT_GT(nl_send_auto(raw, req), 0);
	nlmsg_free(req);

	while (!done) {
		struct nlmsghdr *nlh;

		len = nl_recv(raw, &peer, &buf, NULL);
		ASSERT_GT(len, 0);
		if (++msgs == 1)	/* the change lands between two parts */
			ASSERT_EQ(0, add_route4(self->sock, self->ifindex, "192.0.2.0",
						24, "t1", &self->err));
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
				done = 1;
		}
		free(buf);
	}
	nl_socket_free(raw);
	EXPECT_GT(msgs, 2);
	EXPECT_EQ(1, intr);
}

TEST_HARNESS_MAIN
