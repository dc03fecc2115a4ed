// SPDX-License-Identifier: GPL-2.0
/*
 * SA commands (NEW, DEL, GET and its dump, the EXPIRE notification), the
 * namespace's fleet identity and claim, and the NAT-T socket hand-over.
 * Keys go in and never come out: no reply or notification carries them.
 */

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "device.h"
#include "esp.h"
#include "netlink.h"
#include "sa.h"
#include "tunnel.h"

/* ---- replies ----------------------------------------------------------- */

static int actun_nl_sa_put_stats(struct sk_buff *skb, struct actun_sa *sa)
{
	u64 c[ACTUN_SC_MAX];
	struct nlattr *nest;
	int i, attr;

	/* As for tunnels: counters added since the pad attribute follow it. */
	BUILD_BUG_ON(ACTUN_SA_STATS_A_PACKETS + ACTUN_SC_MAX !=
		     ACTUN_SA_STATS_A_MAX);
	actun_counters_read(sa->stats, ACTUN_SC_MAX, c);
	nest = nla_nest_start(skb, ACTUN_SA_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ACTUN_SC_MAX; i++) {
		attr = ACTUN_SA_STATS_A_PACKETS + i;
		if (attr >= ACTUN_SA_STATS_A_PAD)
			attr++;
		if (nla_put_u64_64bit(skb, attr, c[i], ACTUN_SA_STATS_A_PAD))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The server id and epoch an outbound SA's IVs carry: a fleet SA's are the
 * namespace's claim at the time, none while there is no claim.
 */
static int actun_nl_sa_put_iv(struct sk_buff *skb, struct actun_sa *sa)
{
	struct actun_fleet *fleet;
	u32 claim;

	if (sa->dir != ACTUN_SA_DIR_OUT)
		return 0;
	if (!sa->fleet)
		return nla_put_u16(skb, ACTUN_SA_A_SERVER_ID, sa->server_id) ||
		       nla_put_u16(skb, ACTUN_SA_A_EPOCH, sa->epoch);
	fleet = &actun_net(dev_net(sa->tunnel->adev->dev))->fleet;
	if (!actun_fleet_claimed(fleet, &claim))
		return 0;
	return nla_put_u16(skb, ACTUN_SA_A_SERVER_ID, claim >> 16) ||
	       nla_put_u16(skb, ACTUN_SA_A_EPOCH, claim & 0xffff);
}

static int actun_nl_sa_put(struct sk_buff *skb, struct actun_sa *sa)
{
	struct actun_tunnel *tunnel = sa->tunnel;
	struct nlattr *nest;

	nest = nla_nest_start(skb, ACTUN_A_SA);
	if (!nest ||
	    nla_put_u32(skb, ACTUN_SA_A_TUNNEL_ID, tunnel->id) ||
	    nla_put_string(skb, ACTUN_SA_A_TUNNEL_NAME, tunnel->name) ||
	    nla_put_u32(skb, ACTUN_SA_A_IFINDEX, tunnel->adev->dev->ifindex) ||
	    nla_put_u32(skb, ACTUN_SA_A_SPI, sa->spi) ||
	    nla_put_u8(skb, ACTUN_SA_A_DIR, sa->dir) ||
	    nla_put_u8(skb, ACTUN_SA_A_ENC_ALG, sa->enc) ||
	    nla_put_u8(skb, ACTUN_SA_A_AUTH_ALG, sa->auth) ||
	    (sa->encap &&
	     (nla_put_u16(skb, ACTUN_SA_A_ENCAP_SPORT, ntohs(sa->sport)) ||
	      nla_put_u16(skb, ACTUN_SA_A_ENCAP_DPORT, ntohs(sa->dport)))) ||
	    nla_put_u32(skb, ACTUN_SA_A_REPLAY_WINDOW, sa->replay_window) ||
	    nla_put_u64_64bit(skb, ACTUN_SA_A_SOFT_BYTES, sa->soft_bytes,
			      ACTUN_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, ACTUN_SA_A_HARD_BYTES, sa->hard_bytes,
			      ACTUN_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, ACTUN_SA_A_SOFT_SECONDS, sa->soft_seconds,
			      ACTUN_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, ACTUN_SA_A_HARD_SECONDS, sa->hard_seconds,
			      ACTUN_SA_A_PAD) ||
	    nla_put_u8(skb, ACTUN_SA_A_EXPIRED, READ_ONCE(sa->expiry)) ||
	    nla_put_u64_64bit(skb, ACTUN_SA_A_AGE,
			      ktime_get_seconds() - sa->added, ACTUN_SA_A_PAD) ||
	    actun_nl_sa_put_iv(skb, sa) ||
	    (sa->fleet && nla_put_flag(skb, ACTUN_SA_A_FLEET)) ||
	    actun_nl_sa_put_stats(skb, sa))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int actun_nl_sa_fill(struct sk_buff *skb, struct actun_sa *sa,
			    u32 portid, u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &actun_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, ACTUN_A_IFINDEX, sa->tunnel->adev->dev->ifindex) ||
	    actun_nl_sa_put(skb, sa)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static void actun_nl_sa_notify(struct sk_buff *notify, struct actun_sa *sa,
			       u8 cmd, struct genl_info *info)
{
	if (notify)
		actun_nl_notify_commit(notify, info,
				       actun_nl_sa_fill(notify, sa, info->snd_portid,
							info->snd_seq, 0, cmd));
}

/**
 * actun_nl_sa_expire_notify - tell listeners an SA reached a lifetime
 * @sa: a linked SA (or one being unlinked: its device is still alive)
 * @expiry: enum actun_sa_expiry
 *
 * Context: any; allocates atomically. A lost notification is reported to
 * the group as ENOBUFS, as every lost actun event is.
 */
void actun_nl_sa_expire_notify(struct actun_sa *sa, u8 expiry)
{
	struct net *net = dev_net(sa->tunnel->adev->dev);
	struct sk_buff *skb;

	if (!genl_has_listeners(&actun_nl_family, net, ACTUN_NLGRP_CONFIG))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb || actun_nl_sa_fill(skb, sa, 0, 0, 0, ACTUN_CMD_SA_EXPIRE)) {
		nlmsg_free(skb);
		genl_set_err(&actun_nl_family, net, 0, ACTUN_NLGRP_CONFIG,
			     -ENOBUFS);
		return;
	}
	genlmsg_multicast_netns(&actun_nl_family, net, skb, 0,
				ACTUN_NLGRP_CONFIG, GFP_ATOMIC);
}

/* ---- requests ---------------------------------------------------------- */

static int actun_nl_sa_parse(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[ACTUN_A_SA];

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing SA attributes");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, ACTUN_A_SA);
		return -EINVAL;
	}
	return nla_parse_nested(tb, ACTUN_SA_A_MAX, nest, actun_sa_nl_policy,
				info->extack);
}

/* The SA identity every request but a dump needs: direction and SPI. */
static int actun_nl_sa_ident(struct nlattr **tb, struct nlattr *nest,
			     u8 *dir, u32 *spi, struct netlink_ext_ack *extack)
{
	if (!tb[ACTUN_SA_A_DIR]) {
		NL_SET_ERR_MSG_MOD(extack, "missing SA direction");
		NL_SET_ERR_ATTR_MISS(extack, nest, ACTUN_SA_A_DIR);
		return -EINVAL;
	}
	*dir = nla_get_u8(tb[ACTUN_SA_A_DIR]);
	if (*dir != ACTUN_SA_DIR_IN && *dir != ACTUN_SA_DIR_OUT) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_SA_A_DIR], "SA direction must be in or out");
		return -EINVAL;
	}
	if (!tb[ACTUN_SA_A_SPI]) {
		NL_SET_ERR_MSG_MOD(extack, "missing SPI");
		NL_SET_ERR_ATTR_MISS(extack, nest, ACTUN_SA_A_SPI);
		return -EINVAL;
	}
	*spi = nla_get_u32(tb[ACTUN_SA_A_SPI]);
	if (*spi < ACTUN_SA_SPI_MIN) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_SA_A_SPI], "SPIs 0-255 are reserved");
		return -EINVAL;
	}
	return 0;
}

static const struct {
	u8 enc;
	u8 keylen;
} actun_nl_enc_keylen[] = {
	{ ACTUN_SA_ENC_NULL, 0 },
	{ ACTUN_SA_ENC_GCM_AES_128, 20 },
	{ ACTUN_SA_ENC_GCM_AES_256, 36 },
	{ ACTUN_SA_ENC_CBC_AES_128, 16 },
	{ ACTUN_SA_ENC_CBC_AES_256, 32 },
};

static int actun_nl_sa_enc(struct nlattr **tb, struct nlattr *nest,
			   struct actun_sa_config *cfg,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *key = tb[ACTUN_SA_A_ENC_KEY];
	unsigned int i;

	if (!tb[ACTUN_SA_A_ENC_ALG]) {
		NL_SET_ERR_MSG_MOD(extack, "missing encryption transform");
		NL_SET_ERR_ATTR_MISS(extack, nest, ACTUN_SA_A_ENC_ALG);
		return -EINVAL;
	}
	cfg->enc = nla_get_u8(tb[ACTUN_SA_A_ENC_ALG]);
	for (i = 0; i < ARRAY_SIZE(actun_nl_enc_keylen); i++)
		if (actun_nl_enc_keylen[i].enc == cfg->enc)
			break;
	if (i == ARRAY_SIZE(actun_nl_enc_keylen)) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_SA_A_ENC_ALG], "unknown encryption transform");
		return -EINVAL;
	}
	if ((key ? nla_len(key) : 0) != actun_nl_enc_keylen[i].keylen) {
		ACTUN_ERR_ATTR(extack, key ?: nest,
			       "encryption key length does not fit the transform (bytes: gcm-aes-128 20 and gcm-aes-256 36, each with the 4-byte salt; cbc-aes-128 16; cbc-aes-256 32; null none)");
		return -EINVAL;
	}
	cfg->enc_key = key ? nla_data(key) : NULL;
	cfg->enc_keylen = key ? nla_len(key) : 0;
	return 0;
}

static int actun_nl_sa_auth(struct nlattr **tb, struct nlattr *nest,
			    struct actun_sa_config *cfg,
			    struct netlink_ext_ack *extack)
{
	bool gcm = cfg->enc == ACTUN_SA_ENC_GCM_AES_128 ||
		   cfg->enc == ACTUN_SA_ENC_GCM_AES_256;
	struct nlattr *key = tb[ACTUN_SA_A_AUTH_KEY];
	unsigned int want;

	cfg->auth = tb[ACTUN_SA_A_AUTH_ALG] ?
		    nla_get_u8(tb[ACTUN_SA_A_AUTH_ALG]) : ACTUN_SA_AUTH_NONE;
	if (gcm && (cfg->auth != ACTUN_SA_AUTH_NONE || key)) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_SA_A_AUTH_ALG] ?: key,
			       "AES-GCM carries its own integrity check: no auth transform");
		return -EINVAL;
	}
	if (gcm)
		return 0;
	if (cfg->auth != ACTUN_SA_AUTH_HMAC_SHA256 &&
	    cfg->auth != ACTUN_SA_AUTH_HMAC_SHA1) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_SA_A_AUTH_ALG] ?: nest,
			       "cbc and null encryption need an auth transform: hmac-sha256 or hmac-sha1");
		return -EINVAL;
	}
	want = cfg->auth == ACTUN_SA_AUTH_HMAC_SHA256 ? 32 : 20;
	if (!key || nla_len(key) != want) {
		ACTUN_ERR_ATTR(extack, key ?: nest,
			       "integrity key length does not fit the transform (bytes: hmac-sha256 32, hmac-sha1 20)");
		return -EINVAL;
	}
	cfg->auth_key = nla_data(key);
	cfg->auth_keylen = nla_len(key);
	return 0;
}

static int actun_nl_sa_encap(struct nlattr **tb, struct actun_sa_config *cfg,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *sport = tb[ACTUN_SA_A_ENCAP_SPORT];
	struct nlattr *dport = tb[ACTUN_SA_A_ENCAP_DPORT];

	if (!sport && !dport)
		return 0;
	if (!sport || !dport || !nla_get_u16(sport) || !nla_get_u16(dport)) {
		ACTUN_ERR_ATTR(extack, sport ?: dport,
			       "UDP encapsulation needs a non-zero source and destination port");
		return -EINVAL;
	}
	cfg->encap = true;
	cfg->sport = htons(nla_get_u16(sport));
	cfg->dport = htons(nla_get_u16(dport));
	return 0;
}

static u64 actun_nl_u64(struct nlattr *attr)
{
	return attr ? nla_get_u64(attr) : 0;
}

static int actun_nl_sa_limits(struct nlattr **tb, struct actun_sa_config *cfg,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *window = tb[ACTUN_SA_A_REPLAY_WINDOW];

	cfg->replay_window = window ? nla_get_u32(window) : 0;
	if (cfg->replay_window > ACTUN_SA_REPLAY_WINDOW_MAX) {
		ACTUN_ERR_ATTR(extack, window, "replay window out of range (0-4096)");
		return -ERANGE;
	}
	if (cfg->replay_window && cfg->dir != ACTUN_SA_DIR_IN) {
		ACTUN_ERR_ATTR(extack, window, "a replay window belongs on an inbound SA");
		return -EINVAL;
	}
	cfg->fleet = nla_get_flag(tb[ACTUN_SA_A_FLEET]);
	if (cfg->fleet && tb[ACTUN_SA_A_EPOCH]) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_SA_A_EPOCH],
			       "a fleet SA takes its epoch from the namespace's claim");
		return -EINVAL;
	}
	if (tb[ACTUN_SA_A_EPOCH]) {
		if (cfg->dir != ACTUN_SA_DIR_OUT) {
			ACTUN_ERR_ATTR(extack, tb[ACTUN_SA_A_EPOCH], "an IV epoch belongs on an outbound SA");
			return -EINVAL;
		}
		cfg->epoch = nla_get_u16(tb[ACTUN_SA_A_EPOCH]);
		cfg->has_epoch = true;
	}
	cfg->soft_bytes = actun_nl_u64(tb[ACTUN_SA_A_SOFT_BYTES]);
	cfg->hard_bytes = actun_nl_u64(tb[ACTUN_SA_A_HARD_BYTES]);
	cfg->soft_seconds = actun_nl_u64(tb[ACTUN_SA_A_SOFT_SECONDS]);
	cfg->hard_seconds = actun_nl_u64(tb[ACTUN_SA_A_HARD_SECONDS]);
	if (cfg->hard_bytes && cfg->soft_bytes > cfg->hard_bytes) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_SA_A_SOFT_BYTES],
			       "a soft lifetime cannot exceed its hard lifetime");
		return -EINVAL;
	}
	if (cfg->hard_seconds && cfg->soft_seconds > cfg->hard_seconds) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_SA_A_SOFT_SECONDS],
			       "a soft lifetime cannot exceed its hard lifetime");
		return -EINVAL;
	}
	if (cfg->hard_seconds > ACTUN_SA_SECONDS_MAX ||
	    cfg->soft_seconds > ACTUN_SA_SECONDS_MAX) {
		ACTUN_ERR_ATTR(extack, cfg->hard_seconds > ACTUN_SA_SECONDS_MAX ?
			       tb[ACTUN_SA_A_HARD_SECONDS] :
			       tb[ACTUN_SA_A_SOFT_SECONDS],
			       "lifetime in seconds too large (at most 7776000, 90 days)");
		return -ERANGE;
	}
	return 0;
}

static int actun_nl_sa_config(struct nlattr **tb, struct nlattr *nest,
			      struct actun_sa_config *cfg,
			      struct netlink_ext_ack *extack)
{
	int err;

	/* The policy refused the other read-only attributes. */
	err = actun_nl_refuse_read_only(tb, actun_sa_read_only, extack);
	if (err)
		return err;
	if (tb[ACTUN_SA_A_ESN]) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_SA_A_ESN],
			       "extended sequence numbers are not supported: anycast SAs run without ESN");
		return -EOPNOTSUPP;
	}
	memset(cfg, 0, sizeof(*cfg));
	err = actun_nl_sa_ident(tb, nest, &cfg->dir, &cfg->spi, extack);
	if (!err)
		err = actun_nl_sa_enc(tb, nest, cfg, extack);
	if (!err)
		err = actun_nl_sa_auth(tb, nest, cfg, extack);
	if (!err)
		err = actun_nl_sa_encap(tb, cfg, extack);
	if (!err)
		err = actun_nl_sa_limits(tb, cfg, extack);
	return err;
}

/* The ipsec tunnel a request names; the caller holds the device lock. */
static struct actun_tunnel *actun_nl_sa_tunnel(struct actun_dev *adev,
					       struct nlattr **tb,
					       struct nlattr *nest,
					       struct netlink_ext_ack *extack)
{
	struct actun_tunnel *tunnel;

	tunnel = actun_nl_find_tunnel(adev, tb[ACTUN_SA_A_TUNNEL_ID],
				      tb[ACTUN_SA_A_TUNNEL_NAME], nest,
				      ACTUN_SA_A_TUNNEL_NAME, extack);
	if (!IS_ERR(tunnel) && tunnel->mode != ACTUN_MODE_IPSEC) {
		NL_SET_ERR_MSG_MOD(extack, "SAs belong to ipsec tunnels; this is a gre tunnel");
		return ERR_PTR(-EINVAL);
	}
	return tunnel;
}

static int actun_nl_sa_new_locked(struct actun_dev *adev, struct nlattr **tb,
				  struct actun_sa *sa, struct genl_info *info,
				  struct sk_buff *notify)
{
	struct nlattr *nest = info->attrs[ACTUN_A_SA];
	const struct actun_tunnel_params *p;
	struct actun_tunnel *tunnel;
	int err;

	tunnel = actun_nl_sa_tunnel(adev, tb, nest, info->extack);
	if (IS_ERR(tunnel))
		return PTR_ERR(tunnel);
	p = rcu_dereference_protected(tunnel->params,
				      lockdep_is_held(&adev->lock));
	if (sa->enc == ACTUN_SA_ENC_NULL && !p->allow_null) {
		ACTUN_ERR_ATTR(info->extack, tb[ACTUN_SA_A_ENC_ALG],
			       "null encryption needs the tunnel's explicit opt-in (allow-null)");
		return -EPERM;
	}
	err = actun_sa_link(&actun_net(dev_net(adev->dev))->sa_in, tunnel, sa,
			    info->extack);
	if (err)
		return err;
	actun_net_changed(dev_net(adev->dev));
	actun_nl_sa_notify(notify, sa, ACTUN_CMD_SA_NEW, info);
	return 0;
}

int actun_nl_sa_new(struct sk_buff *skb, struct genl_info *info)
{
	struct actun_dev *adev = info->user_ptr[0];
	struct nlattr *tb[ACTUN_SA_A_MAX + 1];
	struct actun_sa_config cfg;
	struct sk_buff *notify;
	struct actun_sa *sa;
	int err;

	err = actun_nl_sa_parse(info, tb);
	if (!err)
		err = actun_nl_sa_config(tb, info->attrs[ACTUN_A_SA], &cfg,
					 info->extack);
	if (err)
		return err;
	sa = actun_sa_create(&cfg,
			     READ_ONCE(actun_net(dev_net(adev->dev))->fleet.server_id),
			     info->extack);
	if (IS_ERR(sa))
		return PTR_ERR(sa);
	notify = actun_nl_notify_alloc(info);
	if (IS_ERR(notify)) {
		actun_sa_destroy_unpublished(sa);
		return PTR_ERR(notify);
	}
	mutex_lock(&adev->lock);
	err = actun_nl_sa_new_locked(adev, tb, sa, info, notify);
	mutex_unlock(&adev->lock);
	if (err) {
		nlmsg_free(notify);
		actun_sa_destroy_unpublished(sa);
	}
	return err;
}

/* The SA a DEL or GET names; the caller holds the device lock. */
static struct actun_sa *actun_nl_sa_find(struct actun_dev *adev,
					 struct nlattr **tb,
					 struct genl_info *info)
{
	struct nlattr *nest = info->attrs[ACTUN_A_SA];
	struct actun_tunnel *tunnel;
	struct actun_sa *sa;
	u8 dir;
	u32 spi;
	int err;

	err = actun_nl_sa_ident(tb, nest, &dir, &spi, info->extack);
	if (err)
		return ERR_PTR(err);
	tunnel = actun_nl_sa_tunnel(adev, tb, nest, info->extack);
	if (IS_ERR(tunnel))
		return ERR_CAST(tunnel);
	sa = actun_sa_find(tunnel, dir, spi);
	if (!sa) {
		ACTUN_ERR_ATTR(info->extack, tb[ACTUN_SA_A_SPI],
			       "the tunnel has no SA with this SPI in this direction");
		return ERR_PTR(-ENOENT);
	}
	return sa;
}

int actun_nl_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	struct actun_dev *adev = info->user_ptr[0];
	struct nlattr *tb[ACTUN_SA_A_MAX + 1];
	struct sk_buff *notify;
	struct actun_sa *sa;
	int err;

	err = actun_nl_sa_parse(info, tb);
	if (err)
		return err;
	notify = actun_nl_notify_alloc(info);
	if (IS_ERR(notify))
		return PTR_ERR(notify);
	mutex_lock(&adev->lock);
	sa = actun_nl_sa_find(adev, tb, info);
	if (IS_ERR(sa)) {
		err = PTR_ERR(sa);
		nlmsg_free(notify);
	} else {
		actun_nl_sa_notify(notify, sa, ACTUN_CMD_SA_DEL, info);
		actun_sa_unlink(&actun_net(dev_net(adev->dev))->sa_in, sa);
		actun_net_changed(dev_net(adev->dev));
	}
	mutex_unlock(&adev->lock);
	return err;
}

int actun_nl_sa_get(struct sk_buff *skb, struct genl_info *info)
{
	struct actun_dev *adev = info->user_ptr[0];
	struct nlattr *tb[ACTUN_SA_A_MAX + 1];
	struct sk_buff *reply;
	struct actun_sa *sa;
	int err;

	err = actun_nl_sa_parse(info, tb);
	if (err)
		return err;
	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	mutex_lock(&adev->lock);
	sa = actun_nl_sa_find(adev, tb, info);
	err = IS_ERR(sa) ? PTR_ERR(sa) :
	      actun_nl_sa_fill(reply, sa, info->snd_portid, info->snd_seq, 0,
			       ACTUN_CMD_SA_GET);
	mutex_unlock(&adev->lock);
	if (err) {
		nlmsg_free(reply);
		return err;
	}
	return genlmsg_reply(reply, info);
}

/* ---- dump -------------------------------------------------------------- */

/*
 * cb->args: [0] ifindex, [1] the only tunnel (0: all), [2] tunnel id to
 * resume at, [3] SAs of that tunnel already dumped, [4] set once the
 * request was checked.
 */
static int actun_nl_sa_dump_check(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct nlattr *tb[ACTUN_SA_A_MAX + 1];
	struct nlattr *nest = info->attrs[ACTUN_A_SA];
	struct actun_tunnel *tunnel;
	struct actun_dev *adev;
	int err = 0;

	adev = actun_nl_get_dev(sock_net(skb->sk), info->attrs, cb->extack);
	if (IS_ERR(adev))
		return PTR_ERR(adev);
	cb->args[0] = adev->dev->ifindex;
	if (nest)
		err = nla_parse_nested(tb, ACTUN_SA_A_MAX, nest,
				       actun_sa_nl_policy, cb->extack);
	if (!err && nest &&
	    (tb[ACTUN_SA_A_TUNNEL_ID] || tb[ACTUN_SA_A_TUNNEL_NAME])) {
		mutex_lock(&adev->lock);
		tunnel = actun_nl_sa_tunnel(adev, tb, nest, cb->extack);
		if (IS_ERR(tunnel))
			err = PTR_ERR(tunnel);
		else
			cb->args[1] = tunnel->id;
		mutex_unlock(&adev->lock);
	}
	dev_put(adev->dev);
	return err;
}

static int actun_nl_sa_dump_tunnel(struct sk_buff *skb,
				   struct netlink_callback *cb,
				   struct actun_tunnel *tunnel)
{
	struct actun_sa *sa;
	long i = 0;

	list_for_each_entry(sa, &tunnel->sas, tunnel_node) {
		if (i++ < cb->args[3])
			continue;
		if (actun_nl_sa_fill(skb, sa, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI,
				     ACTUN_CMD_SA_GET))
			return -EMSGSIZE;
		cb->args[3] = i;
	}
	return 0;
}

int actun_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct actun_tunnel *tunnel;
	struct actun_dev *adev;
	unsigned long id;
	int err;

	cb->seq = atomic_read(&actun_net(net)->generation);
	if (!cb->args[4]) {
		err = actun_nl_sa_dump_check(skb, cb);
		if (err)
			return err;
		cb->args[4] = 1;
		cb->args[2] = cb->args[1];
	}
	adev = actun_dev_get_by_index(net, cb->args[0]);
	if (IS_ERR(adev))
		return 0;
	mutex_lock(&adev->lock);
	id = cb->args[2];
	xa_for_each_start(&adev->tunnels.by_id, id, tunnel, cb->args[2]) {
		if (cb->args[1] && id != cb->args[1])
			break;
		if (tunnel->mode == ACTUN_MODE_IPSEC &&
		    actun_nl_sa_dump_tunnel(skb, cb, tunnel))
			break;
		cb->args[2] = id + 1;
		cb->args[3] = 0;
	}
	mutex_unlock(&adev->lock);
	dev_put(adev->dev);
	return skb->len;
}

/* ---- fleet identity and claim, NAT-T socket ----------------------------- */

/* The caller holds the fleet lock, so that the reply is one state. */
static int actun_nl_fleet_fill(struct sk_buff *skb, struct actun_fleet *fleet,
			       u32 portid, u32 seq, u8 cmd)
{
	struct nlattr *nest;
	void *hdr;
	u32 claim;

	lockdep_assert_held(&fleet->lock);
	hdr = genlmsg_put(skb, portid, seq, &actun_nl_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, ACTUN_A_FLEET);
	if (!nest ||
	    nla_put_u16(skb, ACTUN_FLEET_A_SERVER_ID, fleet->server_id) ||
	    (actun_fleet_claimed(fleet, &claim) &&
	     (nla_put_u16(skb, ACTUN_FLEET_A_EPOCH, claim & 0xffff) ||
	      nla_put_u32(skb, ACTUN_FLEET_A_LEASE_LEFT_MS,
			  actun_fleet_lease_left_ms(fleet))))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/* What a FLEET_SET request asks for. */
enum actun_nl_fleet_op {
	ACTUN_NL_FLEET_SET_ID,
	ACTUN_NL_FLEET_CLAIM,
	ACTUN_NL_FLEET_RENEW,
	ACTUN_NL_FLEET_RELEASE,
};

/*
 * The four requests FLEET_SET takes: server id alone; server id, epoch
 * and lease (a claim); the same with renew; release alone. Returns the
 * enum actun_nl_fleet_op, or a negative errno for any other mix.
 */
static int actun_nl_fleet_op(struct nlattr **tb, struct nlattr *nest,
			     struct netlink_ext_ack *extack)
{
	bool renew = tb[ACTUN_FLEET_A_RENEW];
	u32 lease;

	if (tb[ACTUN_FLEET_A_RELEASE]) {
		if (tb[ACTUN_FLEET_A_SERVER_ID] || tb[ACTUN_FLEET_A_EPOCH] ||
		    tb[ACTUN_FLEET_A_LEASE_MS] || renew) {
			ACTUN_ERR_ATTR(extack, tb[ACTUN_FLEET_A_RELEASE],
				       "release takes no other fleet attribute");
			return -EINVAL;
		}
		return ACTUN_NL_FLEET_RELEASE;
	}
	if (!tb[ACTUN_FLEET_A_EPOCH] && !tb[ACTUN_FLEET_A_LEASE_MS] && !renew) {
		if (!tb[ACTUN_FLEET_A_SERVER_ID]) {
			NL_SET_ERR_MSG_MOD(extack, "nothing to set: give a server id");
			NL_SET_ERR_ATTR_MISS(extack, nest, ACTUN_FLEET_A_SERVER_ID);
			return -EINVAL;
		}
		return ACTUN_NL_FLEET_SET_ID;
	}
	if (!tb[ACTUN_FLEET_A_SERVER_ID] || !tb[ACTUN_FLEET_A_EPOCH] ||
	    !tb[ACTUN_FLEET_A_LEASE_MS]) {
		if (renew)
			NL_SET_ERR_MSG_MOD(extack, "a renewal needs server id, epoch and lease");
		else
			NL_SET_ERR_MSG_MOD(extack, "a claim needs server id, epoch and lease");
		NL_SET_ERR_ATTR_MISS(extack, nest,
				     !tb[ACTUN_FLEET_A_SERVER_ID] ? ACTUN_FLEET_A_SERVER_ID :
				     !tb[ACTUN_FLEET_A_EPOCH] ? ACTUN_FLEET_A_EPOCH :
				     ACTUN_FLEET_A_LEASE_MS);
		return -EINVAL;
	}
	lease = nla_get_u32(tb[ACTUN_FLEET_A_LEASE_MS]);
	if (!lease || lease > ACTUN_FLEET_LEASE_MS_MAX) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_FLEET_A_LEASE_MS],
			       "lease out of range (1-3600000 ms)");
		return -ERANGE;
	}
	return renew ? ACTUN_NL_FLEET_RENEW : ACTUN_NL_FLEET_CLAIM;
}

/*
 * Carry out @op under the fleet lock. Sets *@dropped when a claim went,
 * and fills @notify (if any) with the state it leaves.
 */
static int actun_nl_fleet_apply(struct actun_fleet *fleet, int op,
				struct nlattr **tb, struct genl_info *info,
				struct sk_buff *notify, bool *dropped)
{
	u16 id = tb[ACTUN_FLEET_A_SERVER_ID] ?
		 nla_get_u16(tb[ACTUN_FLEET_A_SERVER_ID]) : 0;
	u16 epoch = tb[ACTUN_FLEET_A_EPOCH] ?
		    nla_get_u16(tb[ACTUN_FLEET_A_EPOCH]) : 0;
	u32 lease = tb[ACTUN_FLEET_A_LEASE_MS] ?
		    nla_get_u32(tb[ACTUN_FLEET_A_LEASE_MS]) : 0;
	int err = 0;

	mutex_lock(&fleet->lock);
	switch (op) {
	case ACTUN_NL_FLEET_SET_ID:
		*dropped = actun_fleet_set_id(fleet, id);
		break;
	case ACTUN_NL_FLEET_CLAIM:
		actun_fleet_claim(fleet, id, epoch, lease);
		break;
	case ACTUN_NL_FLEET_RENEW:
		err = actun_fleet_renew(fleet, id, epoch, lease);
		if (err)
			ACTUN_ERR_ATTR(info->extack, tb[ACTUN_FLEET_A_EPOCH],
				       "no such claim to renew: the namespace holds no claim of this server id and epoch");
		break;
	default:
		*dropped = actun_fleet_release(fleet);
		break;
	}
	if (!err && notify)
		actun_nl_notify_commit(notify, info,
				       actun_nl_fleet_fill(notify, fleet,
							   info->snd_portid,
							   info->snd_seq,
							   ACTUN_CMD_FLEET_SET));
	mutex_unlock(&fleet->lock);
	return err;
}

int actun_nl_fleet_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ACTUN_FLEET_A_MAX + 1];
	struct nlattr *nest = info->attrs[ACTUN_A_FLEET];
	struct net *net = genl_info_net(info);
	struct sk_buff *notify;
	bool dropped = false;
	int op, err;

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing fleet attributes");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, ACTUN_A_FLEET);
		return -EINVAL;
	}
	err = nla_parse_nested(tb, ACTUN_FLEET_A_MAX, nest,
			       actun_fleet_nl_policy, info->extack);
	if (err)
		return err;
	op = actun_nl_fleet_op(tb, nest, info->extack);
	if (op < 0)
		return op;
	notify = actun_nl_notify_alloc(info);
	if (IS_ERR(notify))
		return PTR_ERR(notify);
	/*
	 * A new pair: senders that read the old claim, and the SAs they
	 * hold, finish first, so that no SA deleted before the agent listed
	 * the SAs of the new epoch can still send under it.
	 */
	if (op == ACTUN_NL_FLEET_CLAIM)
		synchronize_net();
	err = actun_nl_fleet_apply(&actun_net(net)->fleet, op, tb, info, notify,
				   &dropped);
	if (err) {
		nlmsg_free(notify);
		return err;
	}
	/* SAs report the claim's pair: a dump across a change is torn (a
	 * renewal changes no pair, and comes every few seconds).
	 */
	if (op != ACTUN_NL_FLEET_RENEW)
		actun_net_changed(net);
	/* No packet takes a dropped or replaced claim once the request
	 * returns.
	 */
	if (dropped || op == ACTUN_NL_FLEET_CLAIM)
		synchronize_net();
	return 0;
}

int actun_nl_fleet_get(struct sk_buff *skb, struct genl_info *info)
{
	struct actun_fleet *fleet = &actun_net(genl_info_net(info))->fleet;
	struct sk_buff *reply;
	int err;

	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	mutex_lock(&fleet->lock);
	err = actun_nl_fleet_fill(reply, fleet, info->snd_portid, info->snd_seq,
				  ACTUN_CMD_FLEET_GET);
	mutex_unlock(&fleet->lock);
	if (err) {
		nlmsg_free(reply);
		return err;
	}
	return genlmsg_reply(reply, info);
}

int actun_nl_socket_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct actun_dev *adev = info->user_ptr[0];

	if (!info->attrs[ACTUN_A_SOCKET_FD]) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing socket file descriptor");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, ACTUN_A_SOCKET_FD);
		return -EINVAL;
	}
	return actun_natt_attach(adev, nla_get_u32(info->attrs[ACTUN_A_SOCKET_FD]),
				 info->extack);
}

int actun_nl_socket_detach(struct sk_buff *skb, struct genl_info *info)
{
	if (!actun_natt_detach(info->user_ptr[0])) {
		NL_SET_ERR_MSG_MOD(info->extack, "the device has no socket attached");
		return -ENOENT;
	}
	return 0;
}
