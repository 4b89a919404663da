/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "export/rdvexport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "core/xmalloc.h"

/*
 * The columns. Adding one: a line here, and its field in the SQL of
 * db/rdvlist.c (an expression with that alias in export_sql, and in
 * list_sql too when the list screen shows it).
 *
 * PDF widths are relative (about points on A4 landscape): a date, a time
 * and a year never wrap; the rest wraps inside its column. On the list
 * screen, date, time and status have fixed widths, the lieu shows on wide
 * terminals only, and the agents take what the others leave.
 */
/* clang-format off */
const struct rdv_column rdv_columns[] = {
    /* header, fields, how to read them, kind, PDF width, list: {order, title, width, share, from} */
    {"année", "created", NULL, RDV_READ_YEAR, EXPORT_NUMBER, 24, {0}},
    {"date prise rdv", "created", NULL, RDV_READ_DATE, EXPORT_DATE, 40, {0}},
    {"heure prise rdv", "created", NULL, RDV_READ_TIME, EXPORT_TIME, 24, {0}},
    {"origine", "origin", NULL, RDV_READ_ORIGIN, EXPORT_TEXT, 40, {0}},
    {"date rdv", "starts", NULL, RDV_READ_DATE, EXPORT_DATE, 40, {1, "Date", 10, 0, 0}},
    {"heure rdv", "starts", NULL, RDV_READ_TIME, EXPORT_TIME, 24, {2, "Heure", 5, 0, 0}},
    {"service", "service", NULL, RDV_READ_TEXT, EXPORT_TEXT, 44, {0}},
    {"motif", "motif", NULL, RDV_READ_TEXT, EXPORT_TEXT, 46, {3, "Motif", 0, 30, 0}},
    {"contexte", "context", NULL, RDV_READ_TEXT, EXPORT_TEXT, 44, {0}},
    {"statut", "status", "starts", RDV_READ_STATUS, EXPORT_TEXT, 42, {7, "Statut", 26, 0, 0}},
    {"lieu", "lieu", NULL, RDV_READ_TEXT, EXPORT_TEXT, 54, {6, "Lieu", 0, 20, 120}},
    {"professionnel.le(s)", "agents", NULL, RDV_READ_TEXT, EXPORT_TEXT, 46,
     {5, "Agent(s)", 0, 0, 0}},
    {"usager(s)", "usagers", NULL, RDV_READ_TEXT, EXPORT_TEXT, 46, {4, "Usager(s)", 0, 38, 0}},
    {"commune du premier responsable", "commune", NULL, RDV_READ_TEXT, EXPORT_TEXT, 40, {0}},
    {"au moins un usager mineur ?", "minor", NULL, RDV_READ_YESNO, EXPORT_TEXT, 26, {0}},
    {"résultat des notifications", "notifications", NULL, RDV_READ_TEXT, EXPORT_TEXT, 30, {0}},
    {"Organisation", "organisation", NULL, RDV_READ_TEXT, EXPORT_TEXT, 42, {0}},
    {"date naissance", "birth_dates", NULL, RDV_READ_TEXT, EXPORT_TEXT, 42, {0}},
    {"code postal du premier responsable", "post_code", NULL, RDV_READ_TEXT, EXPORT_TEXT, 28,
     {0}},
    {"créé par", "created_by", NULL, RDV_READ_TEXT, EXPORT_TEXT, 42, {0}},
    {"email(s) professionnel.le(s)", "agent_emails", NULL, RDV_READ_TEXT, EXPORT_TEXT, 54, {0}},
};
/* clang-format on */

const int rdv_ncolumns = (int)(sizeof rdv_columns / sizeof rdv_columns[0]);

/* Field names of the columns chosen (two per column), built once. */
static const struct rdvlist_fields *
fields_of(bool list_only, const char **names, struct rdvlist_fields *out)
{
	if (out->names != NULL)
		return out;
	int n = 0;
	for (int c = 0; c < rdv_ncolumns; c++) {
		if (list_only && rdv_columns[c].list.order == 0)
			continue;
		names[n++] = rdv_columns[c].field;
		names[n++] = rdv_columns[c].field2;
	}
	out->n = n;
	out->names = names;
	return out;
}

#define MAX_FIELDS 128

const struct rdvlist_fields *
rdv_columns_fields(void)
{
	static const char *names[MAX_FIELDS];
	static struct rdvlist_fields f;
	return fields_of(false, names, &f);
}

const struct rdvlist_fields *
rdv_columns_list_fields(void)
{
	static const char *names[MAX_FIELDS];
	static struct rdvlist_fields f;
	return fields_of(true, names, &f);
}

char *
rdv_export_format_hhmm(int minute_of_day, char buf[8])
{
	snprintf(buf, 8, "%02dh%02d", minute_of_day / 60 % 100, minute_of_day % 60);
	return buf;
}

/* Reference §5.2 column 4, from rdvs.created_by. */
static const char *
origin_label(const char *origin)
{
	if (strcmp(origin, "usager") == 0)
		return "RDV Pris sur internet";
	if (strcmp(origin, "file_attente") == 0)
		return "RDV en file d'attente";
	if (strcmp(origin, "prescripteur") == 0)
		return "Rdv pris par un prescripteur";
	return "Créé par un agent";
}

const char *
rdv_column_text(const struct rdv_column *c, const char *f, const char *f2, rdv_date today,
                char buf[RDV_CELL_BUF])
{
	if (f == NULL)
		return "";
	rdv_time t = 0;
	int y, m, d;
	switch (c->read) {
	case RDV_READ_TEXT:
		return f;
	case RDV_READ_YEAR:
		cal_parse_datetime(f, &t);
		cal_ymd(cal_time_date(t), &y, &m, &d);
		snprintf(buf, RDV_CELL_BUF, "%d", y);
		return buf;
	case RDV_READ_DATE:
		cal_parse_datetime(f, &t);
		return cal_format_date_fr(cal_time_date(t), buf);
	case RDV_READ_TIME:
		cal_parse_datetime(f, &t);
		return rdv_export_format_hhmm(cal_time_minute(t), buf);
	case RDV_READ_ORIGIN:
		return origin_label(f);
	case RDV_READ_STATUS: {
		int st = rdv_status_parse(f);
		if (f2 != NULL)
			cal_parse_datetime(f2, &t);
		return rdv_status_label_fr(st < 0 ? RDV_UNKNOWN : (enum rdv_status)st,
		                           cal_time_date(t), today);
	}
	case RDV_READ_YESNO:
		return f[0] == 't' ? "oui" : "non";
	}
	return f;
}

static const char *
choice_label(const struct rdvlist_choice *c, int n, int id, char *buf, size_t size)
{
	for (int i = 0; i < n; i++)
		if (c[i].id == id)
			return c[i].label;
	snprintf(buf, size, "n° %d", id);
	return buf;
}

/* Append ", key value" pieces to a growing string. */
static void summary_add(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
summary_add(char **s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *piece = xvasprintf(fmt, ap);
	va_end(ap);
	char *t = xasprintf("%s%s%s", *s, **s ? " · " : "", piece);
	free(piece);
	free(*s);
	*s = t;
}

char *
rdv_export_filters_summary(const struct rdvlist_filters *f, const struct rdvlist_choices *ch)
{
	char *s = xstrdup("");
	char buf[32], d1[11], d2[11];
	static const struct rdvlist_choices empty;
	if (ch == NULL)
		ch = &empty;
	if (f->agent_id)
		summary_add(&s, "agent : %s",
		            choice_label(ch->agents, ch->nagents, f->agent_id, buf, sizeof buf));
	if (f->motif_id)
		summary_add(&s, "motif : %s",
		            choice_label(ch->motifs, ch->nmotifs, f->motif_id, buf, sizeof buf));
	if (f->service_id)
		summary_add(
		    &s, "service : %s",
		    choice_label(ch->services, ch->nservices, f->service_id, buf, sizeof buf));
	if (f->lieu_id)
		summary_add(&s, "lieu : %s",
		            choice_label(ch->lieux, ch->nlieux, f->lieu_id, buf, sizeof buf));
	if (f->status != RDVLIST_STATUS_ANY)
		summary_add(&s, "statut : %s", db_rdvlist_status_filter_label(f->status));
	if (f->have_from && f->have_to)
		summary_add(&s, "du %s au %s", cal_format_date_fr(f->from, d1),
		            cal_format_date_fr(f->to, d2));
	else if (f->have_from)
		summary_add(&s, "à partir du %s", cal_format_date_fr(f->from, d1));
	else if (f->have_to)
		summary_add(&s, "jusqu'au %s", cal_format_date_fr(f->to, d2));
	if (f->scope != RDVLIST_SCOPE_ALL)
		summary_add(&s, "%s", db_rdvlist_scope_label(f->scope));
	char *out = xasprintf("Filtres : %s", *s ? s : "aucun (tous les rendez-vous que je vois)");
	free(s);
	return out;
}

char *
rdv_export_file_name(rdv_date day, const int *orgs, int norgs, enum export_format format)
{
	char d[11];
	cal_format_date(day, d);
	if (norgs == 1)
		return xasprintf("export-rdv-%s-org-%06d.%s", d, orgs[0],
		                 export_format_name(format));
	return xasprintf("export-rdv-%s.%s", d, export_format_name(format));
}

/* The table the writers get: headers, widths and kinds from the columns; titles from the job. */
struct table_parts {
	struct export_table table;
	const char **headers;
	double *widths;
	enum export_kind *kinds;
	char *title, *subtitle, *generated;
};

static void
table_build(struct table_parts *t, const struct rdv_export_job *job, rdv_date today, long total)
{
	int n = rdv_ncolumns;
	t->headers = xcalloc((size_t)n, sizeof *t->headers);
	t->widths = xcalloc((size_t)n, sizeof *t->widths);
	t->kinds = xcalloc((size_t)n, sizeof *t->kinds);
	for (int c = 0; c < n; c++) {
		t->headers[c] = rdv_columns[c].header;
		t->widths[c] = rdv_columns[c].pdf_width;
		t->kinds[c] = rdv_columns[c].kind;
	}
	char d[11], hm[8];
	t->title = xasprintf("Liste des RDV — exportée le %s à %s", cal_format_date_fr(today, d),
	                     rdv_export_format_hhmm(cal_time_minute(job->now), hm));
	t->subtitle = xasprintf("%s · %ld rendez-vous", job->summary ? job->summary : "", total);
	t->generated = xasprintf("%s%s%s", t->title, job->author ? " par " : "",
	                         job->author ? job->author : "");
	t->table = (struct export_table){
	    .title = t->title,
	    .subtitle = t->subtitle,
	    .generated = t->generated,
	    .headers = t->headers,
	    .widths = t->widths,
	    .kinds = t->kinds,
	    .ncols = n,
	};
}

static void
table_free(struct table_parts *t)
{
	free(t->headers);
	free(t->widths);
	free(t->kinds);
	free(t->title);
	free(t->subtitle);
	free(t->generated);
}

static bool
progress(const struct rdv_export_job *job, long done, long total, char **err)
{
	if (job->progress && !job->progress(job->progress_ctx, done, total)) {
		*err = xstrdup("export interrompu");
		return false;
	}
	return true;
}

/* Every row of the cursor into w, each cell made by its column. */
static bool
rows_write(struct rdvlist_cursor *cur, struct export_writer *w, const struct rdv_export_job *job,
           rdv_date today, long *done, char **err)
{
	long total = db_rdvlist_cursor_total(cur);
	int n = rdv_ncolumns;
	const char **cells = xcalloc((size_t)n, sizeof *cells);
	char(*bufs)[RDV_CELL_BUF] = xcalloc((size_t)n, sizeof *bufs);
	bool ok = progress(job, 0, total, err);
	while (ok) {
		const char *const *fields;
		struct db_error *dberr = NULL;
		int got =
		    db_rdvlist_cursor_fetch(cur, job->batch > 0 ? job->batch : 1000, &fields, &dberr);
		if (got < 0) {
			*err = xasprintf("lecture des rendez-vous : %s", db_error_text(dberr));
			db_error_free(dberr);
			ok = false;
			break;
		}
		if (got == 0)
			break;
		for (int i = 0; i < got && ok; i++) {
			const char *const *row = fields + (size_t)i * 2 * (size_t)n;
			for (int c = 0; c < n; c++)
				cells[c] = rdv_column_text(&rdv_columns[c], row[2 * c],
				                           row[2 * c + 1], today, bufs[c]);
			ok = export_writer_row(w, cells, err);
		}
		*done += got;
		ok = ok && progress(job, *done, total, err);
	}
	free(cells);
	free(bufs);
	return ok;
}

bool
rdv_export_run(struct db *db, const struct rdv_export_job *job, long *rows, int **orgs, int *norgs,
               char **err)
{
	rdv_date today = cal_time_date(job->now);
	struct db_error *dberr = NULL;
	struct rdvlist_cursor *cur = db_rdvlist_cursor_open(db, job->filters, today, job->batch,
	                                                    rdv_columns_fields(), &dberr);
	if (cur == NULL) {
		*err = xasprintf("lecture des rendez-vous : %s", db_error_text(dberr));
		db_error_free(dberr);
		return false;
	}
	struct table_parts t;
	table_build(&t, job, today, db_rdvlist_cursor_total(cur));
	long done = 0;
	bool ok = false;
	struct export_writer *w = export_writer_open(job->format, job->path, &t.table, err);
	if (w != NULL && !rows_write(cur, w, job, today, &done, err))
		export_writer_abort(w);
	else if (w != NULL)
		ok = export_writer_close(w, err);
	if (ok) {
		*rows = done;
		int n;
		const int *o = db_rdvlist_cursor_organisations(cur, &n);
		*orgs = xcalloc((size_t)n + 1, sizeof **orgs);
		memcpy(*orgs, o, (size_t)n * sizeof **orgs);
		*norgs = n;
	}
	db_rdvlist_cursor_close(cur);
	table_free(&t);
	return ok;
}
