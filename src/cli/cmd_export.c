/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/tz.h"
#include "core/text.h"
#include "core/xmalloc.h"
#include "db/db.h"
#include "db/exports.h"
#include "db/rdvlist.h"
#include "export/rdvexport.h"
#include "export/writer.h"

/*
 * rdv export rdvs [filtres] --format xlsx|pdf -o FICHIER [--store]
 * rdv export list
 * rdv export get ID -o FICHIER
 *
 * The client runs "rdv export rdvs … --store --progress-fd N" in a child
 * process: the same filters and columns, its own connection and snapshot,
 * and progress lines on fd N ("progress DONE TOTAL", then "done ID ROWS" or
 * "error MESSAGE").
 */

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int
export_usage(FILE *out)
{
	fprintf(out,
	        "usage : rdv export rdvs --format xlsx|pdf [-o FICHIER] [--store] [--db CONNINFO]\n"
	        "                        [--agent ID] [--motif ID] [--service ID] [--lieu ID]\n"
	        "                        [--status "
	        "seen|excused|revoked|noshow|unknown_past|unknown_future]\n"
	        "                        [--from AAAA-MM-JJ] [--to AAAA-MM-JJ]\n"
	        "                        [--scope all|services|assigned] [--now AAAA-MM-JJTHH:MM]\n"
	        "        rdv export list [--db CONNINFO]\n"
	        "        rdv export get ID -o FICHIER [--db CONNINFO]\n");
	return out == stdout ? 0 : EXIT_BAD_INPUT;
}

/* --db, else RDV_DB (how the client hands its connection to the child), else PG*. */
static const char *
export_conninfo(const char *opt)
{
	if (opt)
		return opt;
	const char *env = getenv("RDV_DB");
	return env && *env ? env : NULL;
}

static struct db *
export_connect(const char *conninfo)
{
	struct db_error *err = NULL;
	struct db *db = db_connect(export_conninfo(conninfo), &err);
	if (db == NULL) {
		text_fprintf(stderr, "rdv: %s\n", err->message);
		db_error_free(err);
	}
	return db;
}

static bool
parse_id(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v <= 0 || v > 2147483647L)
		return false;
	*out = (int)v;
	return true;
}

static bool
choice_known(const struct rdvlist_choice *c, int n, int id)
{
	for (int i = 0; i < n; i++)
		if (c[i].id == id)
			return true;
	return false;
}

struct progress {
	FILE *out; /* the progress fd, or NULL */
};

static bool
export_progress(void *ctx, long done, long total)
{
	struct progress *p = ctx;
	if (p->out) {
		fprintf(p->out, "progress %ld %ld\n", done, total);
		fflush(p->out);
	}
	return !interrupted;
}

static void progress_final(struct progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
progress_final(struct progress *p, const char *fmt, ...)
{
	if (p->out == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *line = xvasprintf(fmt, ap);
	text_fputs(line, p->out);
	free(line);
	va_end(ap);
	fputc('\n', p->out);
	fflush(p->out);
}

/* Local wall-clock now in the session's time zone (or the injected one). */
static rdv_time
export_now(bool have_now, rdv_time now, const char *time_zone)
{
	if (have_now)
		return now;
	rdv_time utc = (rdv_time)(time(NULL) / 60);
	struct tz *tz = tz_open(time_zone);
	rdv_time local = tz ? tz_utc_to_local(tz, utc) : utc;
	tz_free(tz);
	return local;
}

/* What `rdv export rdvs` was asked. */
struct export_opts {
	struct rdvlist_filters f;
	const char *conninfo, *output;
	int format, progress_fd, batch;
	bool store, have_now;
	rdv_time now;
};

/*
 * One option of `rdv export rdvs` into o. Returns -1 when it is taken, else
 * the exit status (help, or bad input said on stderr).
 */
static int
export_option(int c, struct export_opts *o)
{
	struct rdvlist_filters *f = &o->f;
	int *id = NULL;
	const char *what = NULL;
	switch (c) {
	case 'd':
		o->conninfo = optarg;
		break;
	case 'a':
		id = &f->agent_id, what = "--agent";
		break;
	case 'm':
		id = &f->motif_id, what = "--motif";
		break;
	case 's':
		id = &f->service_id, what = "--service";
		break;
	case 'l':
		id = &f->lieu_id, what = "--lieu";
		break;
	case 'S': {
		int st = db_rdvlist_status_filter_parse(optarg);
		if (st < 0)
			return cli_usage_error("--status : seen, excused, revoked, noshow, "
			                       "unknown_past ou unknown_future, pas « %s »",
			                       optarg);
		f->status = (enum rdvlist_status_filter)st;
		break;
	}
	case 'F':
		if (!cal_parse_date(optarg, &f->from))
			return cli_usage_error("--from : date AAAA-MM-JJ attendue, pas « %s »",
			                       optarg);
		f->have_from = true;
		break;
	case 'T':
		if (!cal_parse_date(optarg, &f->to))
			return cli_usage_error("--to : date AAAA-MM-JJ attendue, pas « %s »",
			                       optarg);
		f->have_to = true;
		break;
	case 'c': {
		int sc = db_rdvlist_scope_parse(optarg);
		if (sc < 0)
			return cli_usage_error("--scope : all, services ou assigned, pas « %s »",
			                       optarg);
		f->scope = (enum rdvlist_scope)sc;
		break;
	}
	case 'f':
		o->format = export_format_parse(optarg);
		if (o->format < 0)
			return cli_usage_error("--format : xlsx ou pdf, pas « %s »", optarg);
		break;
	case 'o':
		o->output = optarg;
		break;
	case 'K':
		o->store = true;
		break;
	case 'n':
		if (!cal_parse_datetime(optarg, &o->now))
			return cli_usage_error("--now : AAAA-MM-JJTHH:MM attendu, pas « %s »",
			                       optarg);
		o->have_now = true;
		break;
	case 'P':
		if (!parse_id(optarg, &o->progress_fd) || o->progress_fd < 3)
			return cli_usage_error(
			    "--progress-fd : descripteur ≥ 3 attendu, pas « %s »", optarg);
		break;
	case 'b':
		if (!parse_id(optarg, &o->batch))
			return cli_usage_error(
			    "--batch : nombre entier positif attendu, pas « %s »", optarg);
		break;
	case 'h':
		return export_usage(stdout);
	default:
		return export_usage(stderr);
	}
	if (id && !parse_id(optarg, id))
		return cli_usage_error("%s : identifiant numérique attendu, pas « %s »", what,
		                       optarg);
	return -1;
}

/* The options of `rdv export rdvs` into o: -1 when they hold together, else the exit status. */
static int
export_parse(int argc, char **argv, struct export_opts *o)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"agent", required_argument, NULL, 'a'},
	    {"motif", required_argument, NULL, 'm'},
	    {"service", required_argument, NULL, 's'},
	    {"lieu", required_argument, NULL, 'l'},
	    {"status", required_argument, NULL, 'S'},
	    {"from", required_argument, NULL, 'F'},
	    {"to", required_argument, NULL, 'T'},
	    {"scope", required_argument, NULL, 'c'},
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"store", no_argument, NULL, 'K'},
	    {"now", required_argument, NULL, 'n'},
	    {"progress-fd", required_argument, NULL, 'P'},
	    {"batch", required_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	*o = (struct export_opts){.format = -1, .progress_fd = -1};
	optind = 1;
	int c, st;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1)
		if ((st = export_option(c, o)) >= 0)
			return st;
	if (optind < argc)
		return cli_usage_error("argument inattendu « %s »", argv[optind]);
	if (o->format < 0)
		return cli_usage_error("--format xlsx ou --format pdf est obligatoire");
	if (o->output == NULL && !o->store)
		return cli_usage_error("-o FICHIER est obligatoire (ou --store)");
	if (o->f.have_from && o->f.have_to && o->f.from > o->f.to)
		return cli_usage_error("--from est après --to");
	if (!o->have_now) {
		const char *env = getenv("RDV_NOW");
		if (env && *env) {
			if (!cal_parse_datetime(env, &o->now))
				return cli_usage_error("RDV_NOW : AAAA-MM-JJTHH:MM attendu");
			o->have_now = true;
		}
	}
	return -1;
}

/* The filter the agent cannot see ("agent", "motif", "service", "lieu"), or NULL. */
static const char *
export_unknown_choice(const struct rdvlist_filters *f, const struct rdvlist_choices *ch)
{
	if (f->agent_id && !choice_known(ch->agents, ch->nagents, f->agent_id))
		return "agent";
	if (f->motif_id && !choice_known(ch->motifs, ch->nmotifs, f->motif_id))
		return "motif";
	if (f->service_id && !choice_known(ch->services, ch->nservices, f->service_id))
		return "service";
	if (f->lieu_id && !choice_known(ch->lieux, ch->nlieux, f->lieu_id))
		return "lieu";
	return NULL;
}

/* Store the written file in the export id; false with *msg (caller frees). */
static bool
export_store(struct db *db, const char *id, const char *path, const struct export_opts *o,
             const int *orgs, int norgs, long rows, char **msg)
{
	unsigned char *data = NULL;
	size_t size = 0;
	if (!export_file_read(path, &data, &size, msg))
		return false;
	char *name =
	    rdv_export_file_name(cal_time_date(o->now), orgs, norgs, (enum export_format)o->format);
	struct db_error *err = NULL;
	bool ok = db_export_finish(db, id, name, orgs, norgs, data, size, rows, &err);
	free(name);
	free(data);
	if (!ok)
		*msg = xasprintf("enregistrement de l'export : %s", db_error_text(err));
	db_error_free(err);
	return ok;
}

/* A temporary file to write into when the export is only stored; caller unlinks and frees. */
static char *
export_temp(char **msg)
{
	const char *dir = getenv("TMPDIR");
	char *tmp = xasprintf("%s/rdv-export-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(tmp);
	if (fd < 0) {
		*msg = xasprintf("fichier temporaire : %s", strerror(errno));
		free(tmp);
		return NULL;
	}
	close(fd);
	return tmp;
}

static void
export_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int
export_rdvs(int argc, char **argv)
{
	struct export_opts o;
	int st = export_parse(argc, argv, &o);
	if (st >= 0)
		return st;
	struct rdvlist_filters f = o.f;
	struct progress prog = {0};
	if (o.progress_fd >= 0) {
		prog.out = fdopen(o.progress_fd, "w");
		if (prog.out == NULL)
			return cli_usage_error("--progress-fd %d : %s", o.progress_fd,
			                       strerror(errno));
	}
	char *bad = NULL;
	if (o.output != NULL && !export_target_ok(o.output, &bad)) {
		int status = cli_usage_error("%s", bad);
		free(bad);
		return status;
	}
	export_signals();

	int status = 1;
	char *id = NULL, *summary = NULL, *tmp = NULL, *msg = NULL, *author = NULL;
	int *orgs = NULL, norgs = 0;
	long rows = 0;
	struct db_error *err = NULL;
	struct rdvlist_choices *choices = NULL;
	struct db_session *session = NULL;
	struct db *db = export_connect(o.conninfo);
	if (db == NULL) {
		progress_final(&prog, "error connexion impossible");
		goto out;
	}
	session = db_session_load(db, 0, &err);
	if (session == NULL)
		goto db_fail;
	choices = db_rdvlist_choices(db, &err);
	if (choices == NULL)
		goto db_fail;
	/* An id the agent cannot see is bad input, said as such. */
	const char *unknown = export_unknown_choice(&f, choices);
	if (unknown) {
		status = cli_usage_error("%s inconnu ou hors de vos organisations", unknown);
		progress_final(&prog, "error %s inconnu ou hors de vos organisations", unknown);
		goto out;
	}
	o.now = export_now(o.have_now, o.now, session->time_zone);
	summary = rdv_export_filters_summary(&f, choices);
	author = xasprintf("%s %s", session->first_name, session->last_name);
	if (o.store) {
		char *json = db_rdvlist_filters_json(&f);
		char *name = rdv_export_file_name(cal_time_date(o.now), NULL, 0, o.format);
		id = db_export_create(db, export_format_name(o.format), name, json, summary, NULL,
		                      0, &err);
		free(json);
		free(name);
		if (id == NULL)
			goto db_fail;
	}
	const char *path = o.output;
	if (path == NULL && (path = tmp = export_temp(&msg)) == NULL)
		goto fail;
	struct rdv_export_job job = {
	    .filters = &f,
	    .now = o.now,
	    .format = (enum export_format)o.format,
	    .path = path,
	    .summary = summary,
	    .author = author,
	    .progress = export_progress,
	    .progress_ctx = &prog,
	    .batch = o.batch,
	};
	if (!rdv_export_run(db, &job, &rows, &orgs, &norgs, &msg))
		goto fail;
	if (o.store && !export_store(db, id, path, &o, orgs, norgs, rows, &msg))
		goto fail;
	if (tmp)
		unlink(tmp);
	if (o.store)
		printf("%ld rendez-vous exportés (export %s)%s%s\n", rows, id,
		       o.output ? " dans " : "", o.output ? o.output : "");
	else
		printf("%ld rendez-vous exportés dans %s\n", rows, o.output);
	progress_final(&prog, "done %s %ld", id ? id : "-", rows);
	status = 0;
	goto out;

db_fail:
	msg = xstrdup(db_error_text(err));
fail:
	if (tmp)
		unlink(tmp);
	text_fprintf(stderr, "rdv: export impossible : %s\n", msg);
	progress_final(&prog, "error %s", msg);
	if (id) {
		struct db_error *e2 = NULL;
		db_export_fail(db, id, msg, &e2);
		db_error_free(e2);
	}
out:
	db_error_free(err);
	free(msg);
	free(id);
	free(summary);
	free(author);
	free(tmp);
	free(orgs);
	db_rdvlist_choices_free(choices);
	db_session_free(session);
	db_free(db);
	if (prog.out)
		fclose(prog.out);
	return status;
}

static const char *
export_status_fr(const char *status)
{
	if (strcmp(status, "available") == 0)
		return "disponible";
	if (strcmp(status, "pending") == 0)
		return "en cours";
	if (strcmp(status, "failed") == 0)
		return "échec";
	return "expiré";
}

static int
export_list(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *conninfo = NULL;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'd')
			conninfo = optarg;
		else
			return export_usage(c == 'h' ? stdout : stderr);
	}
	if (optind < argc)
		return cli_usage_error("argument inattendu « %s »", argv[optind]);
	struct db *db = export_connect(conninfo);
	if (db == NULL)
		return 1;
	struct db_error *err = NULL;
	struct db_session *s = db_session_load(db, 0, &err);
	struct db_exports *e = s ? db_exports_list(db, s->time_zone, &err) : NULL;
	int status = 0;
	if (e == NULL) {
		text_fprintf(stderr, "rdv: %s\n", db_error_text(err));
		status = 1;
	} else {
		for (int i = 0; i < e->n; i++) {
			const struct db_export *x = &e->items[i];
			text_fprintf(stdout, "%s\t%s\t%s\t%s\t%ld\t%lld\t%s\n", x->id, x->format,
			       export_status_fr(x->status), x->file_name, x->rows, x->size,
			       x->created);
		}
	}
	db_exports_free(e);
	db_error_free(err);
	db_session_free(s);
	db_free(db);
	return status;
}

static int
export_get(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *conninfo = NULL, *output = NULL;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		if (c == 'd')
			conninfo = optarg;
		else if (c == 'o')
			output = optarg;
		else
			return export_usage(c == 'h' ? stdout : stderr);
	}
	if (optind != argc - 1)
		return cli_usage_error(
		    "rdv export get ID -o FICHIER : un identifiant d'export attendu");
	if (output == NULL)
		return cli_usage_error("-o FICHIER est obligatoire");
	char *bad = NULL;
	if (!export_target_ok(output, &bad)) {
		int status = cli_usage_error("%s", bad);
		free(bad);
		return status;
	}
	struct db *db = export_connect(conninfo);
	if (db == NULL)
		return 1;
	struct db_error *err = NULL;
	struct db_export_content *content = db_export_content(db, argv[optind], &err);
	int status = 0;
	char *msg = NULL;
	if (content == NULL) {
		text_fprintf(stderr, "rdv: %s\n", db_error_text(err));
		status = 1;
	} else if (!export_file_write(output, content->data, content->size, &msg)) {
		text_fprintf(stderr, "rdv: %s\n", msg);
		status = 1;
	}
	free(msg);
	db_export_content_free(content);
	db_error_free(err);
	db_free(db);
	return status;
}

int
cmd_export(int argc, char **argv)
{
	if (argc < 2)
		return export_usage(stderr);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return export_usage(stdout);
	if (strcmp(argv[1], "rdvs") == 0)
		return export_rdvs(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return export_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "get") == 0)
		return export_get(argc - 1, argv + 1);
	return cli_usage_error("rdv export : rdvs, list ou get, pas « %s »", argv[1]);
}
