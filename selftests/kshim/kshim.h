/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-ins for the kernel interfaces kernel/route.c uses, so that
 * route_trie_test.c can compile it unchanged and check it against a model.
 * The other headers in this directory are empty: they only shadow the
 * kernel's, whose includes route.c and route.h keep.
 *
 * Single-threaded: RCU readers are plain reads, and a "grace period"
 * (kshim_grace_period()) runs the callbacks call_rcu() queued. Slab caches
 * count their live objects and refuse to be destroyed with any left.
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

/* glibc's is a function, which case labels cannot use. */
#undef htons
#define htons(x)	((uint16_t)__builtin_bswap16(x))

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint16_t __be16;
typedef uint32_t __be32;
typedef unsigned int gfp_t;

#define U32_MAX		UINT32_MAX
#define U64_MAX		UINT64_MAX
#define GFP_KERNEL	0
#define __rcu
#define __aligned(x)	__attribute__((aligned(x)))

#define be32_to_cpu(x)	__builtin_bswap32(x)
#define cpu_to_be32(x)	__builtin_bswap32(x)
#define READ_ONCE(x)	(x)

static inline u64 get_unaligned_be64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return __builtin_bswap64(v);
}

static inline void put_unaligned_be64(u64 v, void *p)
{
	v = __builtin_bswap64(v);
	memcpy(p, &v, sizeof(v));
}

static inline unsigned long __fls(u64 x)
{
	return 63 - __builtin_clzll(x);
}

static inline u64 mul_u64_u32_shr(u64 a, u32 b, unsigned int shift)
{
	return (u64)(((unsigned __int128)a * b) >> shift);
}

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Locks and sleeping: nothing to do with one thread. */
struct mutex {
	int unused;
};

#define lockdep_assert_held(l)	((void)(l))
#define lockdep_is_held(l)	((void)(l), 1)
#define might_sleep()		do { } while (0)
#define cond_resched()		do { } while (0)

/* RCU */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

extern struct rcu_head *kshim_rcu_pending;

static inline void call_rcu(struct rcu_head *head,
			    void (*func)(struct rcu_head *head))
{
	head->func = func;
	head->next = kshim_rcu_pending;
	kshim_rcu_pending = head;
}

static inline void kshim_grace_period(void)
{
	struct rcu_head *head;

	while ((head = kshim_rcu_pending)) {
		kshim_rcu_pending = head->next;
		head->func(head);
	}
}

#define synchronize_rcu()	kshim_grace_period()
#define rcu_barrier()		kshim_grace_period()
#define rcu_read_lock()		do { } while (0)
#define rcu_read_unlock()	do { } while (0)
#define rcu_read_lock_bh_held()	1
#define RCU_INIT_POINTER(p, v)	((p) = (v))
#define rcu_assign_pointer(p, v) ((p) = (v))
#define rcu_access_pointer(p)	(p)
#define rcu_dereference_raw(p)	(p)
#define rcu_dereference_check(p, c)	(p)
#define rcu_dereference_protected(p, c)	(p)
#define rcu_replace_pointer(p, v, c) ({ __typeof__(p) __old = (p); (p) = (v); __old; })

/* Lists */
struct list_head {
	struct list_head *next, *prev;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

struct hlist_head {
	struct hlist_node *first;
};

static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l->prev = l;
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

#define list_entry(p, type, member)	container_of(p, type, member)
#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_entry((head)->next, __typeof__(*pos), member),	\
	     n = list_entry(pos->member.next, __typeof__(*pos), member);	\
	     &pos->member != (head);					\
	     pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

#define INIT_HLIST_HEAD(h)	((h)->first = NULL)
#define hlist_first_rcu(h)	((h)->first)

static inline bool hlist_empty(const struct hlist_head *h)
{
	return !h->first;
}

static inline void hlist_add_head_rcu(struct hlist_node *n,
				      struct hlist_head *h)
{
	n->next = h->first;
	n->pprev = &h->first;
	if (h->first)
		h->first->pprev = &n->next;
	h->first = n;
}

static inline void hlist_add_before_rcu(struct hlist_node *n,
					struct hlist_node *next)
{
	n->pprev = next->pprev;
	n->next = next;
	*n->pprev = n;
	next->pprev = &n->next;
}

static inline void hlist_add_behind_rcu(struct hlist_node *n,
					struct hlist_node *prev)
{
	n->next = prev->next;
	n->pprev = &prev->next;
	prev->next = n;
	if (n->next)
		n->next->pprev = &n->next;
}

static inline void hlist_del_rcu(struct hlist_node *n)
{
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	n->pprev = NULL;	/* the kernel poisons it */
}

#define hlist_entry_safe(p, type, member) \
	((p) ? container_of(p, type, member) : NULL)
#define hlist_for_each_entry(pos, head, member)				\
	for (pos = hlist_entry_safe((head)->first, __typeof__(*pos), member); \
	     pos;							\
	     pos = hlist_entry_safe(pos->member.next, __typeof__(*pos), member))
#define hlist_for_each_entry_rcu(pos, head, member, cond) \
	hlist_for_each_entry(pos, head, member)
#define hlist_for_each_entry_safe(pos, n, head, member)			\
	for (pos = hlist_entry_safe((head)->first, __typeof__(*pos), member); \
	     pos && ({ n = pos->member.next; 1; });			\
	     pos = hlist_entry_safe(n, __typeof__(*pos), member))

/* An xarray of allocated ids: a growing array, enough for tests. */
struct xarray {
	void **slot;
	unsigned long size;
};

struct xa_limit {
	u32 min, max;
};

#define XA_FLAGS_ALLOC1		0
#define XA_LIMIT(lo, hi)	((struct xa_limit){ .min = (lo), .max = (hi) })

static inline void xa_init_flags(struct xarray *xa, unsigned int flags)
{
	(void)flags;
	xa->slot = NULL;
	xa->size = 0;
}

static inline int xa_alloc_cyclic(struct xarray *xa, u32 *id, void *entry,
				  struct xa_limit limit, u32 *next, gfp_t gfp)
{
	unsigned long i, n;
	void **s;

	(void)gfp;
	for (n = 0; n <= (unsigned long)limit.max - limit.min; n++) {
		i = *next + n;
		if (i > limit.max)
			i = limit.min + (i - limit.max - 1);
		if (i >= xa->size) {
			s = realloc(xa->slot, (i + 1024) * sizeof(*s));
			if (!s)
				return -ENOMEM;
			memset(s + xa->size, 0,
			       (i + 1024 - xa->size) * sizeof(*s));
			xa->slot = s;
			xa->size = i + 1024;
		}
		if (!xa->slot[i]) {
			xa->slot[i] = entry;
			*id = (u32)i;
			*next = (u32)i + 1;
			return 0;
		}
	}
	return -EBUSY;
}

static inline void *xa_erase(struct xarray *xa, unsigned long i)
{
	void *old = i < xa->size ? xa->slot[i] : NULL;

	if (old)
		xa->slot[i] = NULL;
	return old;
}

static inline void xa_destroy(struct xarray *xa)
{
	free(xa->slot);
	xa->slot = NULL;
	xa->size = 0;
}

/* The first entry at or after *i, or NULL. */
static inline void *kshim_xa_find(struct xarray *xa, unsigned long *i)
{
	for (; *i < xa->size; (*i)++)
		if (xa->slot[*i])
			return xa->slot[*i];
	return NULL;
}

#define xa_for_each_start(xa, index, entry, start)			\
	for (index = (start), entry = kshim_xa_find(xa, &index);	\
	     entry; index++, entry = kshim_xa_find(xa, &index))

/* Slab caches that count. */
struct kmem_cache {
	const char *name;
	size_t size;
	long live;
};

static inline struct kmem_cache *kshim_cache_create(const char *name,
						    size_t size)
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	if (c) {
		c->name = name;
		c->size = size;
	}
	return c;
}

#define KMEM_CACHE(s, flags)	kshim_cache_create(#s, sizeof(struct s))

static inline void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t gfp)
{
	void *p;

	(void)gfp;
	p = calloc(1, c->size);
	if (p)
		c->live++;
	return p;
}

static inline void kmem_cache_free(struct kmem_cache *c, void *p)
{
	c->live--;
	free(p);
}

static inline void kmem_cache_destroy(struct kmem_cache *c)
{
	if (c && c->live) {
		fprintf(stderr, "kmem_cache_destroy %s: %ld objects left\n",
			c->name, c->live);
		abort();
	}
	free(c);
}

/* Netlink: only the message an extack carries. */
struct netlink_ext_ack {
	const char *_msg;
};

#define NL_SET_ERR_MSG_MOD(extack, msg) do {			\
	if (extack)						\
		(extack)->_msg = "actun: " msg;			\
} while (0)

/* Packets: the network header at skb->data. */
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD

struct sk_buff {
	__be16 protocol;
	unsigned char *data;
};

struct iphdr {
	u8 ihl_version, tos;
	__be16 tot_len, id, frag_off;
	u8 ttl, protocol;
	__be16 check;
	__be32 saddr, daddr;
};

struct ipv6hdr {
	u8 head[8];
	struct in6_addr saddr, daddr;
};

static inline struct iphdr *ip_hdr(const struct sk_buff *skb)
{
	return (struct iphdr *)skb->data;
}

static inline struct ipv6hdr *ipv6_hdr(const struct sk_buff *skb)
{
	return (struct ipv6hdr *)skb->data;
}

#endif /* KSHIM_H */
