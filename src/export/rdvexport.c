/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "export/rdvexport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "core/xmalloc.h"

const char *const rdv_export_headers[RDV_EXPORT_NCOLS] = {
    "année",
    "date prise rdv",
    "heure prise rdv",
    "origine",
    "date rdv",
    "heure rdv",
    "service",
    "motif",
    "contexte",
    "statut",
    "lieu",
    "professionnel.le(s)",
    "usager(s)",
    "commune du premier responsable",
    "au moins un usager mineur ?",
    "résultat des notifications",
    "Organisation",
    "date naissance",
    "code postal du premier responsable",
    "créé par",
    "email(s) professionnel.le(s)",
};

/*
 * Relative widths (about points on A4 landscape): a date, a time and a year
 * never wrap; the rest wraps inside its column.
 */
static const double widths[RDV_EXPORT_NCOLS] = {
    24, 40, 24, 40, 40, 24, 44, 46, 44, 42, 54, 46, 46, 40, 26, 30, 42, 42, 28, 42, 54,
};

static const enum export_kind kinds[RDV_EXPORT_NCOLS] = {
    [0] = EXPORT_NUMBER, [1] = EXPORT_DATE, [2] = EXPORT_TIME, [4] = EXPORT_DATE, [5] = EXPORT_TIME,
};

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

void
rdv_export_cells_fill(struct rdv_export_cells *out, const struct rdvlist_export_row *r,
                      rdv_date today)
{
	rdv_date cday = cal_time_date(r->created), sday = cal_time_date(r->starts);
	int y, m, d;
	cal_ymd(cday, &y, &m, &d);
	snprintf(out->year, sizeof out->year, "%d", y);
	cal_format_date_fr(cday, out->created_date);
	rdv_export_format_hhmm(cal_time_minute(r->created), out->created_time);
	cal_format_date_fr(sday, out->date);
	rdv_export_format_hhmm(cal_time_minute(r->starts), out->time);
	const char **c = out->cells;
	c[0] = out->year;
	c[1] = out->created_date;
	c[2] = out->created_time;
	c[3] = origin_label(r->origin);
	c[4] = out->date;
	c[5] = out->time;
	c[6] = r->service;
	c[7] = r->motif;
	c[8] = r->context;
	c[9] = rdv_status_label_fr(r->status, sday, today);
	c[10] = r->lieu;
	c[11] = r->agents;
	c[12] = r->usagers;
	c[13] = r->commune;
	c[14] = r->minor ? "oui" : "non";
	c[15] = r->notifications;
	c[16] = r->organisation;
	c[17] = r->birth_dates;
	c[18] = r->post_code;
	c[19] = r->created_by;
	c[20] = r->agent_emails;
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
		summary_add(&s, "statut : %s", rdvlist_status_filter_label(f->status));
	if (f->have_from && f->have_to)
		summary_add(&s, "du %s au %s", cal_format_date_fr(f->from, d1),
		            cal_format_date_fr(f->to, d2));
	else if (f->have_from)
		summary_add(&s, "à partir du %s", cal_format_date_fr(f->from, d1));
	else if (f->have_to)
		summary_add(&s, "jusqu'au %s", cal_format_date_fr(f->to, d2));
	if (f->scope != RDVLIST_SCOPE_ALL)
		summary_add(&s, "%s", rdvlist_scope_label(f->scope));
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

bool
rdv_export_run(struct db *db, const struct rdv_export_job *job, long *rows, int **orgs, int *norgs,
               char **err)
{
	rdv_date today = cal_time_date(job->now);
	struct db_error *dberr = NULL;
	struct rdvlist_cursor *cur =
	    db_rdvlist_cursor_open(db, job->filters, today, job->batch, &dberr);
	if (cur == NULL) {
		*err = xasprintf("lecture des rendez-vous : %s", db_error_text(dberr));
		db_error_free(dberr);
		return false;
	}
	long total = rdvlist_cursor_total(cur);
	char d[11], hm[8];
	char *title = xasprintf("Liste des RDV — exportée le %s à %s", cal_format_date_fr(today, d),
	                        rdv_export_format_hhmm(cal_time_minute(job->now), hm));
	char *subtitle = xasprintf("%s · %ld rendez-vous", job->summary ? job->summary : "", total);
	char *generated =
	    xasprintf("%s%s%s", title, job->author ? " par " : "", job->author ? job->author : "");
	struct export_table table = {
	    .title = title,
	    .subtitle = subtitle,
	    .generated = generated,
	    .headers = rdv_export_headers,
	    .widths = widths,
	    .kinds = kinds,
	    .ncols = RDV_EXPORT_NCOLS,
	};
	bool ok = false;
	long done = 0;
	struct export_writer *w = export_writer_open(job->format, job->path, &table, err);
	if (w == NULL)
		goto out;
	if (job->progress && !job->progress(job->progress_ctx, 0, total)) {
		*err = xstrdup("export interrompu");
		export_writer_abort(w);
		goto out;
	}
	for (;;) {
		const struct rdvlist_export_row *batch;
		int n =
		    rdvlist_cursor_fetch(cur, job->batch > 0 ? job->batch : 1000, &batch, &dberr);
		if (n < 0) {
			*err = xasprintf("lecture des rendez-vous : %s", db_error_text(dberr));
			db_error_free(dberr);
			export_writer_abort(w);
			goto out;
		}
		if (n == 0)
			break;
		for (int i = 0; i < n; i++) {
			struct rdv_export_cells cells;
			rdv_export_cells_fill(&cells, &batch[i], today);
			if (!export_writer_row(w, cells.cells, err)) {
				export_writer_abort(w);
				goto out;
			}
		}
		done += n;
		if (job->progress && !job->progress(job->progress_ctx, done, total)) {
			*err = xstrdup("export interrompu");
			export_writer_abort(w);
			goto out;
		}
	}
	ok = export_writer_close(w, err);
	if (ok) {
		*rows = done;
		int n;
		const int *o = rdvlist_cursor_organisations(cur, &n);
		*orgs = xcalloc((size_t)n + 1, sizeof **orgs);
		memcpy(*orgs, o, (size_t)n * sizeof **orgs);
		*norgs = n;
	}
out:
	rdvlist_cursor_close(cur);
	free(title);
	free(subtitle);
	free(generated);
	return ok;
}
