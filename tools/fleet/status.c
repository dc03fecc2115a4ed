// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "claim.h"
#include "fleet_conf.h"
#include "log.h"
#include "publish.h"
#include "replica.h"
#include "status.h"
#include "store.h"

static void status_print(FILE *fp, const struct status *st)
{
	struct replica *r = st->replica;
	char node[256];
	int i;

	fprintf(fp, "edge %s\npid %d\n", st->conf->name, (int)getpid());
	fprintf(fp, "store %s\nstore_node %s\n",
		fleet_store_connected(st->store) ? "connected" : "disconnected",
		fleet_store_node(st->store, node, sizeof(node)));
	fprintf(fp, "claimed %d\nserver_id %u\nepoch %u\n", st->claim->held,
		st->claim->id, st->claim->epoch);
	pthread_mutex_lock(&r->lock);
	/* ready: every record is in actun and actun may send on them */
	fprintf(fp, "ready %d\nrecords %zu\ninstalled %" PRIu64
		"\nremoved %" PRIu64 "\nlag_ms %" PRId64 "\n",
		r->ready && claim_valid(st->claim, claim_now_ms()),
		r->live.n, r->installed, r->removed, r->lag_ms);
	for (i = 0; i < REPLICA_N_REFUSALS; i++)
		fprintf(fp, "%s %" PRIu64 "\n", replica_refusal_names[i],
			r->refused[i]);
	pthread_mutex_unlock(&r->lock);
	fprintf(fp, "published %" PRIu64 "\nwithdrawn %" PRIu64
		"\nqueued %u\ndropped %" PRIu64 "\nrefused_message %" PRIu64
		"\n", st->pub->published, st->pub->withdrawn, st->pub->queued,
		st->pub->dropped, st->pub->refused);
}

void status_write(const char *path, const struct status *st)
{
	static int failed;
	char tmp[4096];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fp = fopen(tmp, "w");
	if (fp) {
		status_print(fp, st);
		if (fclose(fp) == 0 && rename(tmp, path) == 0) {
			failed = 0;
			return;
		}
		unlink(tmp);
	}
	if (!failed++)
		fleet_log(LOG_ERR, "status file %s: %s", path, strerror(errno));
}
