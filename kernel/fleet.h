/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A network namespace's identity in its fleet: its server id, and the
 * claim of a (server id, epoch) pair that fleet SAs send under while the
 * claim's lease runs (Documentation/esp.md, "Fleet-safe GCM nonces").
 */
#ifndef _ACTUN_FLEET_H
#define _ACTUN_FLEET_H

#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <asm/barrier.h>

/**
 * struct actun_fleet - the fleet state of one network namespace
 * @lock: serialises changes, and the replies that report them
 * @server_id: the namespace's id (ACTUN_FLEET_A_SERVER_ID): outbound SAs
 *	other than fleet SAs take it when installed; a claim sets it too
 * @claimed: there is a claim: made since the module was loaded and
 *	neither released nor dropped by a bare server id. A lease that ran
 *	out leaves it set, as the pair is still the namespace's to renew.
 * @claim: the claim's server id << 16 | epoch, the upper half of the
 *	GCM IVs of fleet SAs
 * @until: jiffies when the claim's lease runs out
 *
 * Transmit reads @claimed, @claim and @until without the lock, one at a
 * time (actun_fleet_sending()), while FLEET_SET may be changing them, so
 * it may see a mix of an old and a new claim: the new pair with the old
 * deadline, the old pair with the new deadline, or a pair being released.
 * Each mix is harmless. The fleet hands out an (id, epoch) pair once and
 * never again, so any pair the namespace ever held is its own: no other
 * server sends with it, and since an SA's sequence numbers only grow, an
 * SA sending under an older pair of its own namespace repeats no nonce
 * either. At worst a packet leaves under a claim replaced or released an
 * instant earlier, or is dropped under one an instant old. A claim is
 * published with @claimed last (release, against the readers' acquire),
 * so that a reader that sees a claim also sees a pair that was held; a
 * release waits for the readers in flight (synchronize_net()) before its
 * request returns, after which nothing is sent under the released claim.
 *
 * jiffies is 64 bits wide on the 64-bit kernels actun is built for, so
 * @until never wraps; a 32-bit kernel would see a claim whose lease ran
 * out 2^31 jiffies (24 days at HZ=1000) before as valid again.
 */
struct actun_fleet {
	struct mutex lock; /* see @lock above */
	u16 server_id;
	bool claimed;
	u32 claim;
	unsigned long until;
};

/**
 * actun_fleet_claimed - the current claim, valid or not
 * @fleet: a namespace's fleet state; any context, no lock
 * @claim: set to the claim's server id << 16 | epoch
 *
 * Return: whether there is a claim.
 */
static inline bool actun_fleet_claimed(const struct actun_fleet *fleet,
				       u32 *claim)
{
	/* Pairs with actun_fleet_claim()'s release: the pair is set. */
	if (!smp_load_acquire(&fleet->claimed))
		return false;
	*claim = READ_ONCE(fleet->claim);
	return true;
}

/**
 * actun_fleet_sending - may a fleet SA send, and with which pair
 * @fleet: a namespace's fleet state; any context, no lock
 * @claim: set to the claim's server id << 16 | epoch, the upper half of
 *	the GCM IV
 *
 * Return: true while the namespace holds a claim whose lease runs.
 */
static inline bool actun_fleet_sending(const struct actun_fleet *fleet,
				       u32 *claim)
{
	return actun_fleet_claimed(fleet, claim) &&
	       time_before(jiffies, READ_ONCE(fleet->until));
}

void actun_fleet_init(struct actun_fleet *fleet);
void actun_fleet_destroy(struct actun_fleet *fleet);
bool actun_fleet_set_id(struct actun_fleet *fleet, u16 server_id);
void actun_fleet_claim(struct actun_fleet *fleet, u16 server_id, u16 epoch,
		       u32 lease_ms);
int actun_fleet_renew(struct actun_fleet *fleet, u16 server_id, u16 epoch,
		      u32 lease_ms);
bool actun_fleet_release(struct actun_fleet *fleet);
u32 actun_fleet_lease_left_ms(const struct actun_fleet *fleet);

#endif /* _ACTUN_FLEET_H */
