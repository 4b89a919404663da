/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/xmalloc.h"

#define CLUSTER_PORT "5432"

char *
cluster_default_dir(void)
{
	const char *env = getenv("RDV_DEMO_DIR");
	if (env && *env)
		return xstrdup(env);
	if (geteuid() == 0)
		return xstrdup("/var/lib/rdv/demo");
	env = getenv("XDG_DATA_HOME");
	if (env && *env == '/')
		return xasprintf("%s/rdv/demo", env);
	const char *home = getenv("HOME");
	if (home == NULL || *home == '\0') {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : "/tmp";
	}
	return xasprintf("%s/.local/share/rdv/demo", home);
}

struct cluster *
cluster_new(const char *dir)
{
	struct cluster *c = xcalloc(1, sizeof *c);
	c->dir = xstrdup(dir);
	c->datadir = xasprintf("%s/data", dir);
	const char *bindir = getenv("PG_BINDIR");
	c->bindir = xstrdup(bindir && *bindir ? bindir : RDV_PG_BINDIR);
	return c;
}

void
cluster_free(struct cluster *c)
{
	if (c == NULL)
		return;
	free(c->dir);
	free(c->datadir);
	free(c->bindir);
	free(c);
}

/* mkdir -p, mode 0700 for the last component. */
static bool
mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			free(p);
			return false;
		}
		*s = '/';
	}
	bool ok = mkdir(p, 0700) == 0 || errno == EEXIST;
	free(p);
	return ok;
}

/* The uid that may own the demo's directory: ours; as root, postgres's too. */
static bool
dir_owner_ok(uid_t uid)
{
	if (uid == geteuid())
		return true;
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		return pw != NULL && uid == pw->pw_uid;
	}
	return false;
}

bool
cluster_prepare_dir(struct cluster *c, char **err)
{
	/* Every existing parent: one that others may write to (without the
	 * sticky bit, as /tmp has) lets them swap the directory under us. */
	char *path = c->dir[0] == '/' ? xstrdup(c->dir) : NULL;
	if (path == NULL) {
		char cwd[4096];
		if (getcwd(cwd, sizeof cwd) == NULL) {
			*err = xasprintf("dossier courant illisible : %s", strerror(errno));
			return false;
		}
		path = xasprintf("%s/%s", cwd, c->dir);
	}
	struct stat st;
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		bool exists = stat(path, &st) == 0;
		if (exists && (st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
			*err = xasprintf("le dossier %s est modifiable par d'autres utilisateurs (mode %04o) : "
					 "la démonstration refuse de s'y installer (RDV_DEMO_DIR)",
					 path, (unsigned)(st.st_mode & 07777));
			free(path);
			return false;
		}
		*s = '/';
	}
	free(path);
	if (lstat(c->dir, &st) != 0) {
		if (errno != ENOENT || !mkdir_p(c->dir) || chmod(c->dir, 0700) != 0 ||
		    lstat(c->dir, &st) != 0) {
			*err = xasprintf("impossible de créer %s : %s", c->dir, strerror(errno));
			return false;
		}
	}
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
		*err = xasprintf("%s n'est pas un dossier (un lien symbolique est refusé) : "
				 "la démonstration refuse de s'y installer (RDV_DEMO_DIR)", c->dir);
		return false;
	}
	if (!dir_owner_ok(st.st_uid)) {
		*err = xasprintf("le dossier %s appartient à un autre utilisateur : "
				 "la démonstration refuse de s'y installer (RDV_DEMO_DIR)", c->dir);
		return false;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		*err = xasprintf("le dossier %s est modifiable par d'autres utilisateurs (mode %04o) : "
				 "la démonstration refuse de s'y installer ; chmod 700 %s ou un autre "
				 "RDV_DEMO_DIR", c->dir, (unsigned)(st.st_mode & 07777), c->dir);
		return false;
	}
	return true;
}

/*
 * Run a PostgreSQL server program with its output in a log file; as root
 * through runuser so that it runs as postgres. No shell is involved.
 */
static int
run_pg(const struct cluster *c, const char *log, char *const args[])
{
	char *argv[32];
	int n = 0;
	if (geteuid() == 0) {
		argv[n++] = "runuser";
		argv[n++] = "-u";
		argv[n++] = "postgres";
		argv[n++] = "--";
	}
	for (int i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			close(devnull);
		}
		(void)c;
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool
cluster_exists(const struct cluster *c)
{
	char *v = xasprintf("%s/PG_VERSION", c->datadir);
	bool ok = access(v, F_OK) == 0;
	free(v);
	return ok;
}

bool
cluster_running(const struct cluster *c)
{
	char *pgctl = xasprintf("%s/pg_ctl", c->bindir);
	char *log = xasprintf("%s/pg_ctl.log", c->dir);
	char *args[] = {pgctl, "-D", c->datadir, "status", NULL};
	int rc = run_pg(c, log, args);
	free(pgctl);
	free(log);
	return rc == 0;
}

/* Last line of a log file, for an error message. Caller frees. */
static char *
log_tail(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512], last[512] = "";
	while (f && fgets(line, sizeof line, f))
		if (line[0] != '\n')
			memcpy(last, line, sizeof last);
	if (f)
		fclose(f);
	last[strcspn(last, "\n")] = '\0';
	return xstrdup(last);
}

bool
cluster_init(struct cluster *c, char **err)
{
	if (!mkdir_p(c->dir)) {
		*err = xasprintf("impossible de créer %s : %s", c->dir, strerror(errno));
		return false;
	}
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		if (pw == NULL || chown(c->dir, pw->pw_uid, pw->pw_gid) != 0) {
			*err = xasprintf("l'utilisateur système postgres est introuvable "
					 "(apt-get install postgresql)");
			return false;
		}
	}
	char *initdb = xasprintf("%s/initdb", c->bindir);
	char *log = xasprintf("%s/initdb.log", c->dir);
	char *args[] = {initdb, "-D", c->datadir, "-U", "postgres", "-A", "trust", "-E", "UTF8",
			"--locale=C.UTF-8", "--no-sync", NULL};
	int rc = run_pg(c, log, args);
	if (rc != 0) {
		char *tail = log_tail(log);
		*err = rc == 127 ? xasprintf("%s introuvable (PG_BINDIR ?)", initdb)
				 : xasprintf("initdb a échoué : %s", tail);
		free(tail);
	}
	free(initdb);
	free(log);
	return rc == 0;
}

bool
cluster_start(struct cluster *c, char **err)
{
	char *pgctl = xasprintf("%s/pg_ctl", c->bindir);
	char *log = xasprintf("%s/server.log", c->dir);
	char *opts = xasprintf("-c listen_addresses='' -c unix_socket_directories='%s' -p %s",
			       c->dir, CLUSTER_PORT);
	char *args[] = {pgctl, "-D", c->datadir, "-l", log, "-w", "-s", "-o", opts, "start", NULL};
	char *ctl_log = xasprintf("%s/pg_ctl.log", c->dir);
	int rc = run_pg(c, ctl_log, args);
	if (rc != 0) {
		char *tail = log_tail(log);
		*err = xasprintf("le serveur PostgreSQL de démonstration ne démarre pas : %s", tail);
		free(tail);
	}
	free(pgctl);
	free(log);
	free(opts);
	free(ctl_log);
	return rc == 0;
}

bool
cluster_stop(struct cluster *c)
{
	char *pgctl = xasprintf("%s/pg_ctl", c->bindir);
	char *log = xasprintf("%s/pg_ctl.log", c->dir);
	char *args[] = {pgctl, "-D", c->datadir, "-m", "fast", "-w", "-s", "stop", NULL};
	int rc = run_pg(c, log, args);
	free(pgctl);
	free(log);
	return rc == 0;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

bool
cluster_destroy(struct cluster *c, char **err)
{
	if (cluster_exists(c) && cluster_running(c))
		cluster_stop(c);
	if (access(c->dir, F_OK) == 0 && nftw(c->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		*err = xasprintf("impossible d'effacer %s : %s", c->dir, strerror(errno));
		return false;
	}
	return true;
}

char *
cluster_conninfo(const struct cluster *c, const char *dbname, const char *user)
{
	/* The directory is ours and holds no quote or backslash we did not choose. */
	if (user)
		return xasprintf("host='%s' port=%s dbname=%s user='%s'", c->dir, CLUSTER_PORT, dbname,
				 user);
	return xasprintf("host='%s' port=%s dbname=%s", c->dir, CLUSTER_PORT, dbname);
}
