/* SPDX-License-Identifier: MIT */
#ifndef RDV_CLI_CLUSTER_H
#define RDV_CLI_CLUSTER_H

#include <stdbool.h>

/*
 * A private PostgreSQL cluster in a directory of its own: the demo's. It
 * listens on a Unix socket in that directory only (no TCP), with trust
 * authentication, so it is reachable by its owner alone. As root the server
 * runs as the postgres system user (PostgreSQL refuses root).
 */
struct cluster {
	char *dir;      /* the cluster's directory: data/, socket, logs */
	char *datadir;
	char *bindir;   /* initdb, pg_ctl */
};

/*
 * The demo's directory: $RDV_DEMO_DIR, else $XDG_DATA_HOME/rdv/demo or
 * ~/.local/share/rdv/demo; as root /var/lib/rdv/demo (the postgres user
 * cannot enter /root). Caller frees.
 */
char *cluster_default_dir(void);

/* Caller frees with cluster_free(). */
struct cluster *cluster_new(const char *dir);
void cluster_free(struct cluster *c);

/*
 * Make sure the directory is the caller's own: create it (mode 0700, its
 * missing parents 0755) or accept an existing one only when it is a real
 * directory owned by the caller (as root: or by postgres) that neither group
 * nor others may write to, under parents others cannot write to (unless
 * sticky, like /tmp). A cluster there trusts every local connection through
 * its socket. On refusal *err holds a French message (caller frees).
 */
bool cluster_prepare_dir(struct cluster *c, char **err);

bool cluster_exists(const struct cluster *c);
bool cluster_running(const struct cluster *c);
/* initdb; on failure *err holds a French message (caller frees). */
bool cluster_init(struct cluster *c, char **err);
bool cluster_start(struct cluster *c, char **err);
bool cluster_stop(struct cluster *c);
/* Stop and delete everything in the directory. */
bool cluster_destroy(struct cluster *c, char **err);
/* "host=DIR port=5432 dbname=NAME" (+ " user=USER" when given). Caller frees. */
char *cluster_conninfo(const struct cluster *c, const char *dbname, const char *user);

#endif
