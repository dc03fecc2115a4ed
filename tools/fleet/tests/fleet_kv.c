// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fleet_kv - the tests' own look into the fleet store, with libnats as
 * acfleetd uses it (Debian has no NATS command line tool):
 *
 *	fleet_kv URLS dump BUCKET          every key and its value in hex
 *	fleet_kv URLS get BUCKET KEY       the value, raw, on stdout
 *	fleet_kv URLS put BUCKET KEY       standard input as the value
 *	fleet_kv URLS del BUCKET KEY
 *
 * URLS: comma-separated nats:// URLs. Exit 0, or 1 with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

static int fail(const char *what, natsStatus s)
{
	fprintf(stderr, "fleet_kv: %s: %s\n", what,
		s == NATS_OK ? "failed" : nats_GetLastError(NULL));
	return 1;
}

static int dump(kvStore *kv)
{
	kvWatchOptions o;
	kvWatcher *w;
	kvEntry *e;
	natsStatus s;
	int i;

	kvWatchOptions_Init(&o);
	o.IgnoreDeletes = true;
	s = kvStore_WatchAll(&w, kv, &o);
	if (s != NATS_OK)
		return fail("watch", s);
	while ((s = kvWatcher_Next(&e, w, 5000)) == NATS_OK && e) {
		const unsigned char *v = kvEntry_Value(e);

		printf("%s ", kvEntry_Key(e));
		for (i = 0; i < kvEntry_ValueLen(e); i++)
			printf("%02x", v[i]);
		printf("\n");
		kvEntry_Destroy(e);
	}
	kvWatcher_Destroy(w);
	return s == NATS_OK ? 0 : fail("watch", s);
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	natsConnection *nc;
	kvEntry *e;
	kvStore *kv;
	jsCtx *js;
	natsStatus s;
	uint64_t rev;
	size_t n;

	if (argc < 4 || (strcmp(argv[2], "dump") && argc < 5)) {
		fprintf(stderr, "usage: fleet_kv URLS {dump BUCKET | get|put|del BUCKET KEY}\n");
		return 1;
	}
	s = natsConnection_ConnectTo(&nc, argv[1]);
	if (s == NATS_OK)
		s = natsConnection_JetStream(&js, nc, NULL);
	if (s == NATS_OK)
		s = js_KeyValue(&kv, js, argv[3]);
	if (s != NATS_OK)
		return fail(argv[3], s);
	if (!strcmp(argv[2], "dump"))
		return dump(kv);
	if (!strcmp(argv[2], "get")) {
		s = kvStore_Get(&e, kv, argv[4]);
		if (s != NATS_OK)
			return fail(argv[4], s);
		fwrite(kvEntry_Value(e), 1, kvEntry_ValueLen(e), stdout);
		return 0;
	}
	if (!strcmp(argv[2], "put")) {
		n = fread(buf, 1, sizeof(buf), stdin);
		s = kvStore_Put(&rev, kv, argv[4], buf, (int)n);
		return s == NATS_OK ? 0 : fail(argv[4], s);
	}
	if (!strcmp(argv[2], "del")) {
		s = kvStore_Delete(kv, argv[4]);
		return s == NATS_OK ? 0 : fail(argv[4], s);
	}
	fprintf(stderr, "fleet_kv: unknown command %s\n", argv[2]);
	return 1;
}
