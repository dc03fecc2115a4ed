// SPDX-License-Identifier: GPL-2.0
/*
 * The fleet state of a network namespace: its server id and the claim of
 * a (server id, epoch) pair with a lease, which fleet SAs send under. The
 * fleet's agent claims a pair from its store with compare-and-set and
 * keeps it by renewing the lease; an edge whose agent stopped renewing
 * stops sending on replicated SAs when the lease runs out. The netlink
 * side is actun_nl_fleet_set() in netlink_sa.c; the readers are inline in
 * fleet.h, where the lock-free protocol is explained.
 */

#include <linux/jiffies.h>
#include <linux/lockdep.h>

#include "fleet.h"

/**
 * actun_fleet_init - a namespace's fleet state: server id 0, no claim
 * @fleet: the state to set up
 */
void actun_fleet_init(struct actun_fleet *fleet)
{
	mutex_init(&fleet->lock);
	fleet->server_id = 0;
	fleet->claimed = false;
	fleet->claim = 0;
	fleet->until = 0;
}

/**
 * actun_fleet_destroy - the namespace goes
 * @fleet: the state, no longer used
 */
void actun_fleet_destroy(struct actun_fleet *fleet)
{
	mutex_destroy(&fleet->lock);
}

/**
 * actun_fleet_release - drop the claim
 * @fleet: the state; the caller holds its lock
 *
 * Readers may still be sending under the claim: a caller that wants none
 * to be once it returns waits for them (synchronize_net()).
 *
 * Return: whether there was a claim.
 */
bool actun_fleet_release(struct actun_fleet *fleet)
{
	bool was = fleet->claimed;

	lockdep_assert_held(&fleet->lock);
	WRITE_ONCE(fleet->claimed, false);
	return was;
}

/**
 * actun_fleet_set_id - set the server id alone, dropping any claim
 * @fleet: the state; the caller holds its lock
 * @server_id: the new id
 *
 * Return: whether a claim was dropped (see actun_fleet_release()).
 */
bool actun_fleet_set_id(struct actun_fleet *fleet, u16 server_id)
{
	lockdep_assert_held(&fleet->lock);
	WRITE_ONCE(fleet->server_id, server_id);
	return actun_fleet_release(fleet);
}

/**
 * actun_fleet_claim - claim a pair for a lease, replacing any claim
 * @fleet: the state; the caller holds its lock
 * @server_id: the pair's server id, which becomes the namespace's
 * @epoch: the pair's epoch
 * @lease_ms: the lease, from now, 1..ACTUN_FLEET_LEASE_MS_MAX
 */
void actun_fleet_claim(struct actun_fleet *fleet, u16 server_id, u16 epoch,
		       u32 lease_ms)
{
	lockdep_assert_held(&fleet->lock);
	WRITE_ONCE(fleet->server_id, server_id);
	WRITE_ONCE(fleet->claim, (u32)server_id << 16 | epoch);
	WRITE_ONCE(fleet->until, jiffies + msecs_to_jiffies(lease_ms));
	/* Last: a reader that sees the claim sees its pair (fleet.h). */
	smp_store_release(&fleet->claimed, true);
}

/**
 * actun_fleet_renew - extend the lease of the current claim
 * @fleet: the state; the caller holds its lock
 * @server_id: the claim's server id
 * @epoch: the claim's epoch
 * @lease_ms: the new lease, from now
 *
 * A claim whose lease ran out may be renewed: no other server can have
 * claimed its pair since.
 *
 * Return: 0, or -ESRCH when the namespace holds no claim of this pair.
 */
int actun_fleet_renew(struct actun_fleet *fleet, u16 server_id, u16 epoch,
		      u32 lease_ms)
{
	lockdep_assert_held(&fleet->lock);
	if (!fleet->claimed || fleet->claim != ((u32)server_id << 16 | epoch))
		return -ESRCH;
	WRITE_ONCE(fleet->until, jiffies + msecs_to_jiffies(lease_ms));
	return 0;
}

/**
 * actun_fleet_lease_left_ms - what is left of the claim's lease
 * @fleet: the state, with a claim
 *
 * Return: milliseconds, 0 once the lease ran out.
 */
u32 actun_fleet_lease_left_ms(const struct actun_fleet *fleet)
{
	unsigned long until = READ_ONCE(fleet->until), now = jiffies;

	return time_before(now, until) ? jiffies_to_msecs(until - now) : 0;
}
