/* SPDX-License-Identifier: GPL-2.0 */
/* Empty: route_trie_test.c defines what kernel/route.c needs (kshim.h). */
