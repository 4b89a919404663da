/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/status.h"
#include "core/xmalloc.h"
#include "db/exports.h"
#include "db/feed.h"
#include "db/rdvlist.h"
#include "export/rdvexport.h"
#include "ui/draw.h"
#include "ui/focus.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "ui/theme.h"

/*
 * "Liste des RDV": the rdvs the agent may see, filtered, latest first, a
 * page at a time, with their count; exports of the filtered list.
 *
 * An export runs in a child process, `rdv export rdvs … --store
 * --progress-fd 3`, on its own connection: a 100,000-row file takes
 * seconds of database reading, zipping or page layout, which must neither
 * freeze this event loop nor hold a transaction open on the connection the
 * other screens share. The child reports "progress DONE TOTAL" lines on a
 * pipe that the event loop polls for this screen (app_watch), then
 * "done ID ROWS" or "error MESSAGE"; it stores the
 * file in rdv.exports, where "Mon compte" finds it. The child is detached
 * (double fork): leaving the screen does not stop it.
 */

#define PAGE_ROWS 50
#define HEADER_ROWS 3 /* title, filters, column names */

struct export_job {
	bool running;
	enum export_format format;
	int fd; /* the read end of the progress pipe, -1 when none */
	long done, total;
	char line[1024];
	size_t len;
	bool finished; /* a final line arrived */
	char *outcome; /* what the last export came to, for the progress row */
	bool failed;
};

struct rdvlist {
	struct rdvlist_filters filters; /* applied */
	struct rdvlist_choices *choices;
	struct form *form; /* the filters being edited; built once choices arrive */
	int f_agent, f_motif, f_service, f_lieu, f_status, f_from, f_to, f_scope;
	bool editing;
	struct rdvlist_page *page;
	int offset;
	bool select_last; /* after moving back a page: select its last row */
	struct list list;
	unsigned long ticket; /* the page in flight, 0 when none */
	bool reload_pending;
	struct export_job job;
};

static const enum action list_hints[] = {
    ACT_SELECT, ACT_FILTER, ACT_EXPORT_XLSX, ACT_EXPORT_PDF, ACT_GO_ACCOUNT, ACT_HELP, ACT_NONE};
static const enum action rdvlist_keymap[] = {ACT_SELECT, ACT_EDIT, ACT_FILTER, ACT_EXPORT_XLSX, ACT_EXPORT_PDF, ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

static rdv_date
today(struct app *app)
{
	return cal_time_date(app_now(app));
}

static int rdvlist_loaded(void *state, void *app, struct db_reply *reply);
static int rdvlist_choices(void *state, void *app, struct db_reply *reply);

static void
rdvlist_load(struct rdvlist *s, struct app *app)
{
	if (s->ticket != 0) {
		s->reload_pending = true;
		return;
	}
	s->ticket = db_send_rdvlist(app_db(app), &s->filters, today(app), s->offset, PAGE_ROWS,
	                            rdv_columns_list_fields());
	app_request(app, s, s->ticket, rdvlist_loaded);
}

/* ------------------------------------------------------------ filters form */

static void
form_add_choices(struct form *f, int field, const char *all, const struct rdvlist_choice *c, int n)
{
	form_choice_add(f, field, 0, all);
	for (int i = 0; i < n; i++)
		form_choice_add(f, field, c[i].id, c[i].label);
	form_choice_select(f, field, 0);
}

static void
form_build(struct rdvlist *s)
{
	const struct rdvlist_choices *c = s->choices;
	struct form *f = form_new();
	s->f_agent = form_add_choice(f, "Agent", false);
	form_add_choices(f, s->f_agent, "Tous les agents", c->agents, c->nagents);
	s->f_motif = form_add_choice(f, "Motif", false);
	form_add_choices(f, s->f_motif, "Tous les motifs", c->motifs, c->nmotifs);
	s->f_service = form_add_choice(f, "Service", false);
	form_add_choices(f, s->f_service, "Tous les services", c->services, c->nservices);
	s->f_lieu = form_add_choice(f, "Lieu", false);
	form_add_choices(f, s->f_lieu, "Tous les lieux", c->lieux, c->nlieux);
	s->f_status = form_add_choice(f, "Statut", false);
	for (int i = 0; i < RDVLIST_STATUS_FILTER_COUNT; i++)
		form_choice_add(f, s->f_status, i,
		                db_rdvlist_status_filter_label((enum rdvlist_status_filter)i));
	form_choice_select(f, s->f_status, 0);
	s->f_from = form_add_date(f, "Du", false, 0, false);
	form_set_hint(f, s->f_from, "JJ/MM/AAAA");
	s->f_to = form_add_date(f, "Au", false, 0, false);
	form_set_hint(f, s->f_to, "JJ/MM/AAAA");
	s->f_scope = form_add_choice(f, "Portée", false);
	for (int i = 0; i < RDVLIST_SCOPE_COUNT; i++)
		form_choice_add(f, s->f_scope, i, db_rdvlist_scope_label((enum rdvlist_scope)i));
	form_choice_select(f, s->f_scope, 0);
	s->form = f;
}

static int
choice_or_zero(const struct form *f, int field)
{
	int id = form_choice_id(f, field);
	return id < 0 ? 0 : id;
}

/* Read the form into filters; false with a French message when it does not hold together. */
static bool
form_apply(struct rdvlist *s, struct app *app)
{
	struct form *f = s->form;
	char *err = NULL;
	if (!form_validate(f, &err)) {
		app_message(app, true, "%s", err);
		free(err);
		return false;
	}
	struct rdvlist_filters nf = {0};
	nf.agent_id = choice_or_zero(f, s->f_agent);
	nf.motif_id = choice_or_zero(f, s->f_motif);
	nf.service_id = choice_or_zero(f, s->f_service);
	nf.lieu_id = choice_or_zero(f, s->f_lieu);
	nf.status = (enum rdvlist_status_filter)choice_or_zero(f, s->f_status);
	nf.scope = (enum rdvlist_scope)choice_or_zero(f, s->f_scope);
	nf.have_from = !form_empty(f, s->f_from) && form_date(f, s->f_from, &nf.from);
	nf.have_to = !form_empty(f, s->f_to) && form_date(f, s->f_to, &nf.to);
	if (nf.have_from && nf.have_to && nf.from > nf.to) {
		f->focus = s->f_to;
		app_message(app, true, "Période : la date « Au » est avant la date « Du »");
		return false;
	}
	s->filters = nf;
	s->offset = 0;
	s->list.selected = 0;
	s->list.top = 0;
	rdvlist_load(s, app);
	return true;
}

/* ------------------------------------------------------------ export child */

static void
job_finish(struct export_job *j, bool failed, char *outcome)
{
	j->running = false;
	j->failed = failed;
	free(j->outcome);
	j->outcome = outcome;
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

/* One line from the child. */
static void
job_line(struct export_job *j, struct app *app, char *line)
{
	const char *fmt = export_format_name(j->format);
	if (strncmp(line, "progress ", 9) == 0) {
		sscanf(line + 9, "%ld %ld", &j->done, &j->total);
	} else if (strncmp(line, "done ", 5) == 0) {
		long rows = 0;
		const char *sp = strchr(line + 5, ' ');
		if (sp)
			rows = atol(sp + 1);
		j->finished = true;
		job_finish(
		    j, false,
		    xasprintf(
		        "Export .%s terminé : %ld rendez-vous, à retrouver dans Mon compte (F6)",
		        fmt, rows));
		app_message(app, false, "Export .%s terminé : %ld rendez-vous", fmt, rows);
	} else if (strncmp(line, "error ", 6) == 0) {
		j->finished = true;
		job_finish(j, true, xasprintf("Export .%s impossible : %s", fmt, line + 6));
		app_message(app, true, "Export .%s impossible : %s", fmt, line + 6);
	}
}

/* Read what the child said so far, without blocking (poll() said there is something). */
static void
job_poll(struct export_job *j, struct app *app)
{
	while (j->running && j->fd >= 0) {
		char buf[512];
		ssize_t n = read(j->fd, buf, sizeof buf);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			/* The pipe closed without a final line: the child died. */
			job_finish(
			    j, true,
			    xasprintf("Export .%s interrompu : le processus d'export s'est arrêté",
			              export_format_name(j->format)));
			app_message(app, true, "%s", j->outcome);
			return;
		}
		for (ssize_t i = 0; i < n && j->running; i++) {
			if (buf[i] == '\n' || j->len == sizeof j->line - 1) {
				j->line[j->len] = '\0';
				j->len = 0;
				job_line(j, app, j->line);
			} else {
				j->line[j->len++] = buf[i];
			}
		}
	}
}

/* The argument list of the child: the same filters, spelled as options. Caller frees. */
static char **
job_argv(const char *exe, const struct rdvlist_filters *f, enum export_format format, rdv_time now)
{
	char **argv = xcalloc(32, sizeof *argv);
	int n = 0;
	char d[17];
	argv[n++] = xstrdup(exe);
	argv[n++] = xstrdup("export");
	argv[n++] = xstrdup("rdvs");
	argv[n++] = xstrdup("--format");
	argv[n++] = xstrdup(export_format_name(format));
	argv[n++] = xstrdup("--store");
	argv[n++] = xstrdup("--progress-fd");
	argv[n++] = xstrdup("3");
	argv[n++] = xstrdup("--now");
	argv[n++] = xstrdup(cal_format_datetime(now, d));
	if (f->agent_id)
		argv[n++] = xasprintf("--agent=%d", f->agent_id);
	if (f->motif_id)
		argv[n++] = xasprintf("--motif=%d", f->motif_id);
	if (f->service_id)
		argv[n++] = xasprintf("--service=%d", f->service_id);
	if (f->lieu_id)
		argv[n++] = xasprintf("--lieu=%d", f->lieu_id);
	if (f->status != RDVLIST_STATUS_ANY)
		argv[n++] = xasprintf("--status=%s", db_rdvlist_status_filter_name(f->status));
	if (f->have_from)
		argv[n++] = xasprintf("--from=%s", cal_format_date(f->from, d));
	if (f->have_to)
		argv[n++] = xasprintf("--to=%s", cal_format_date(f->to, d));
	argv[n++] = xasprintf("--scope=%s", db_rdvlist_scope_name(f->scope));
	return argv;
}

static void
argv_free(char **argv)
{
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

/* The pipe is readable or closed: read it; once the export ended, stop polling it. */
static int
job_ready(void *state, struct app *app, int fd)
{
	struct rdvlist *s = state;
	job_poll(&s->job, app);
	if (s->job.fd != fd)
		app_unwatch(app, fd);
	return SCREEN_REDRAW;
}

static bool
job_start(struct rdvlist *s, struct app *app, enum export_format format)
{
	struct export_job *j = &s->job;
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0) {
		app_message(app, true, "Export impossible : programme rdv introuvable");
		return false;
	}
	exe[len] = '\0';
	int p[2];
	if (pipe(p) != 0) {
		app_message(app, true, "Export impossible : %s", strerror(errno));
		return false;
	}
	char *conninfo = db_export_conninfo(app_db(app));
	char **argv = job_argv(exe, &s->filters, format, app_now(app));
	pid_t pid = fork();
	if (pid == 0) {
		/* Intermediate child: start the exporter and leave, so it is nobody's zombie. */
		if (fork() == 0) {
			setsid();
			int null = open("/dev/null", O_RDWR);
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			dup2(p[1], 3);
			for (int fd = 4; fd < 256; fd++)
				close(fd);
			setenv("RDV_DB", conninfo, 1);
			execv(exe, argv);
			_exit(127);
		}
		_exit(0);
	}
	close(p[1]);
	free(conninfo);
	argv_free(argv);
	if (pid < 0) {
		close(p[0]);
		app_message(app, true, "Export impossible : %s", strerror(errno));
		return false;
	}
	waitpid(pid, NULL, 0);
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	free(j->outcome);
	*j = (struct export_job){.running = true, .format = format, .fd = p[0], .total = -1};
	app_watch(app, s, j->fd, job_ready);
	app_message(app, false, "Export .%s lancé", export_format_name(format));
	return true;
}

/* ------------------------------------------------------------ screen */

static void *
rdvlist_open(struct app *app, void *arg)
{
	(void)arg;
	struct rdvlist *s = xcalloc(1, sizeof *s);
	s->job.fd = -1;
	s->list.selected = -1;
	app_request(app, s, db_send_rdvlist_choices(app_db(app)), rdvlist_choices);
	rdvlist_load(s, app);
	return s;
}

static void
rdvlist_close(void *state)
{
	struct rdvlist *s = state;
	/* A running export goes on by itself and stores its file; stop listening. */
	if (s->job.fd >= 0)
		close(s->job.fd);
	free(s->job.outcome);
	db_rdvlist_page_free(s->page);
	db_rdvlist_choices_free(s->choices);
	form_free(s->form);
	free(s);
}

/*
 * The columns of src/export/rdvexport.c the list shows, in their list
 * order, with their widths on this terminal: fixed widths first, then a
 * column shown on wide terminals only takes its share of what is left, the
 * other shares are taken of the rest, and the column without a width or a
 * share gets what remains. One cell between columns; the last runs to the
 * edge.
 */
#define MAX_SHOWN 16

struct shown {
	const struct rdv_column *col;
	int field; /* of its first field in an item's fields */
	int width;
};

static int
columns_for(int width, struct shown *out)
{
	int n = 0, k = 0;
	for (int order = 1; n < MAX_SHOWN; order++) {
		bool any = false;
		k = 0;
		for (int c = 0; c < rdv_ncolumns; c++) {
			const struct rdv_column *col = &rdv_columns[c];
			if (col->list.order == 0)
				continue;
			if (col->list.order == order) {
				any = true;
				if (width >= col->list.min_cols)
					out[n++] = (struct shown){col, 2 * k, col->list.width};
			}
			k++;
		}
		if (!any)
			break;
	}
	int rest = width;
	for (int i = 0; i < n; i++)
		if (out[i].col->list.width)
			rest -= out[i].width + 1;
	for (int i = 0; i < n; i++)
		if (out[i].col->list.min_cols && out[i].col->list.share) {
			out[i].width = rest * out[i].col->list.share / 100;
			rest -= out[i].width + 1;
		}
	int left = rest, filler = -1;
	for (int i = 0; i < n; i++) {
		const struct rdv_column *col = out[i].col;
		if (col->list.width || col->list.min_cols)
			continue;
		if (col->list.share == 0) {
			filler = i;
			continue;
		}
		out[i].width = rest * col->list.share / 100;
		left -= out[i].width + 1;
	}
	if (filler >= 0)
		out[filler].width = left;
	return n;
}

struct row_ctx {
	struct rdvlist *s;
	rdv_date today;
	struct shown cols[MAX_SHOWN];
	int ncols;
};

/*
 * A row in words for the focus line, what matters first: "mercredi 13 mai
 * 2026, 14:45, Jean-Pierre Dupont, Premier accueil social, rendez-vous
 * aujourd'hui, avec Julien Bernard, MDS Valence Centre, 3 sur 120".
 */
/* The text of a shown column read from field name, or "" when not shown. */
static const char *
row_field(const struct row_ctx *ctx, const struct rdvlist_item *it, const char *name, char *buf)
{
	for (int i = 0; i < ctx->ncols; i++) {
		const struct shown *sh = &ctx->cols[i];
		if (strcmp(sh->col->field, name) == 0)
			return rdv_column_text(sh->col, it->fields[sh->field], it->fields[sh->field + 1],
			                       ctx->today, buf);
	}
	return "";
}

static void
row_words(const struct row_ctx *ctx, const struct rdvlist_item *it, int index)
{
	const struct rdvlist *s = ctx->s;
	rdv_date day = cal_time_date(it->starts);
	int y, m, d;
	cal_ymd(day, &y, &m, &d);
	char hm[6];
	cal_format_hhmm(cal_time_minute(it->starts), hm);
	const char *st = rdv_status_label_fr(it->status, day, ctx->today);
	char usagers[RDV_CELL_BUF], motif[RDV_CELL_BUF], agents[RDV_CELL_BUF], lieu[RDV_CELL_BUF];
	const char *u = row_field(ctx, it, "usagers", usagers);
	const char *mo = row_field(ctx, it, "motif", motif);
	const char *ag = row_field(ctx, it, "agents", agents);
	const char *li = row_field(ctx, it, "lieu", lieu);
	focus_describe("%s %d %s %d, %s, %s, %s, %c%s, avec %s%s%s, %ld sur %ld",
		       cal_weekday_name_fr(cal_weekday(day)), d, cal_month_name_fr(m), y, hm, u, mo,
		       st[0] >= 'A' && st[0] <= 'Z' ? st[0] - 'A' + 'a' : st[0], st + 1, ag,
		       *li ? ", " : "", li, (long)s->page->offset + index + 1, s->page->total);
}

static void
draw_row(void *vctx, int index, int y, int x, int width, bool selected)
{
	struct row_ctx *ctx = vctx;
	const struct rdvlist_item *it = &ctx->s->page->items[index];
	int attr = selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL);
	draw_fill(y, x, width, attr, L' ');
	rdv_date day = cal_time_date(it->starts);
	int cx = x;
	for (int i = 0; i < ctx->ncols; i++) {
		const struct shown *sh = &ctx->cols[i];
		char buf[RDV_CELL_BUF];
		const char *text = rdv_column_text(sh->col, it->fields[sh->field],
		                                   it->fields[sh->field + 1], ctx->today, buf);
		int w = i == ctx->ncols - 1 ? x + width - cx : sh->width;
		if (sh->col->read == RDV_READ_STATUS) {
			/* A glyph per status, so that it reads without colour. */
			char *st =
			    xasprintf("%s %s", theme_rdv_glyph(it->status, day, ctx->today), text);
			draw_text_pad(y, cx, w,
			              selected ? attr : theme_attr(theme_rdv_slot(it->status)), st);
			free(st);
		} else {
			draw_text(y, cx, w, attr, text);
		}
		cx += sh->width + 1;
	}
	if (selected)
		row_words(ctx, it, index);
}

/* The column titles on the header row. */
static void
draw_titles(const struct row_ctx *ctx, int y)
{
	draw_fill(y, 0, COLS, theme_attr(SLOT_HEADER), L' ');
	int cx = 0;
	for (int i = 0; i < ctx->ncols; i++) {
		const struct shown *sh = &ctx->cols[i];
		int w = i == ctx->ncols - 1 ? COLS - cx : sh->width;
		draw_text(y, cx, w, theme_attr(SLOT_HEADER), sh->col->list.title);
		cx += sh->width + 1;
	}
}

/* The progress bar of a running export, or how the last one ended. */
static void
draw_job(struct rdvlist *s, int y)
{
	struct export_job *j = &s->job;
	if (j->running) {
		int pct = j->total > 0 ? (int)(100 * j->done / j->total) : 0;
		if (j->total == 0)
			pct = 100;
		char head[96];
		snprintf(head, sizeof head,
		         " Export .%s en cours : ", export_format_name(j->format));
		char tail[64];
		if (j->total >= 0)
			snprintf(tail, sizeof tail, " %3d %% (%ld / %ld)", pct, j->done, j->total);
		else
			snprintf(tail, sizeof tail, " préparation…");
		int hw = draw_text(y, 0, COLS, theme_attr(SLOT_HEADER), head);
		int bar = COLS - hw - 26;
		if (bar < 10)
			bar = 10;
		int full = bar * pct / 100;
		draw_fill(y, hw, full, theme_attr(SLOT_HEADER), L'█');
		draw_fill(y, hw + full, bar - full, theme_attr(SLOT_GRID), L'░');
		draw_text(y, hw + bar, COLS - hw - bar, theme_attr(SLOT_HEADER), tail);
	} else if (j->outcome) {
		draw_text_pad(y, 0, COLS,
		              j->failed ? theme_attr(SLOT_STATUS_ERROR) : theme_attr(SLOT_NORMAL),
		              j->outcome);
	}
}

static void
rdvlist_draw(void *state, struct app *app)
{
	struct rdvlist *s = state;

	/* Title: the count and the rows shown. */
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	char title[160];
	if (s->page == NULL)
		snprintf(title, sizeof title, " Liste des RDV · chargement…");
	else if (s->page->total == 0)
		snprintf(title, sizeof title, " Liste des RDV · aucun rendez-vous");
	else
		snprintf(title, sizeof title, " Liste des RDV · %ld rendez-vous · %d–%d",
		         s->page->total, s->page->offset + 1, s->page->offset + s->page->n);
	draw_text(0, 0, COLS, theme_attr(SLOT_TITLE) | A_BOLD, title);
	char *summary = rdv_export_filters_summary(&s->filters, s->choices);
	draw_text_pad(1, 0, COLS, theme_attr(SLOT_NORMAL), summary);
	free(summary);

	int bottom = LINES - 2; /* the row above the status line: export progress */
	if (s->editing && s->form) {
		draw_fill(2, 0, COLS, theme_attr(SLOT_HEADER), L' ');
		draw_text(2, 0, COLS, theme_attr(SLOT_HEADER),
		          " Filtres — Entrée : appliquer · Échap : fermer · ← → : choisir");
		form_draw(s->form, 3, 1, COLS - 2, 10);
	} else {
		struct row_ctx ctx = {.s = s, .today = today(app)};
		ctx.ncols = columns_for(COLS, ctx.cols);
		draw_titles(&ctx, 2);
		int height = bottom - HEADER_ROWS;
		if (s->page) {
			list_set_count(&s->list, s->page->n);
			list_draw(&s->list, HEADER_ROWS, 0, COLS, height, draw_row, &ctx);
			if (s->page->n == 0)
				draw_text_center(HEADER_ROWS + height / 2, 0, COLS, A_BOLD,
				                 "Aucun rendez-vous ne correspond à ces filtres.");
		} else {
			draw_text_center(HEADER_ROWS + height / 2, 0, COLS, A_BOLD,
			                 " chargement… ");
		}
	}
	draw_job(s, bottom);
}

/* Move to another page of PAGE_ROWS rows. */
static int
rdvlist_page_move(struct rdvlist *s, struct app *app, int delta, bool select_last)
{
	int offset = s->offset + delta * PAGE_ROWS;
	if (offset < 0 || s->page == NULL || offset >= s->page->total)
		return SCREEN_NONE;
	s->offset = offset;
	s->select_last = select_last;
	if (!select_last) {
		s->list.selected = 0;
		s->list.top = 0;
	}
	rdvlist_load(s, app);
	return SCREEN_REDRAW;
}

/*
 * Entrée opens the selected rdv as Entrée does in the agenda (its status and
 * the actions on it); e opens the rdv form. Both load the rdv afresh.
 */
static int
rdvlist_open_selected(struct rdvlist *s, struct app *app, bool edit)
{
	if (s->page == NULL || s->list.selected < 0 || s->list.selected >= s->page->n) {
		app_message(app, true, "Aucun rendez-vous sélectionné");
		return SCREEN_REDRAW;
	}
	const struct rdvlist_item *it = &s->page->items[s->list.selected];
	struct agenda_target *t = xcalloc(1, sizeof *t);
	t->item_id = it->id;
	t->day = cal_time_date(it->starts);
	t->minute = cal_time_minute(it->starts);
	t->step = it->duration_min;
	app_push(app, edit ? &rdv_screen : &rdv_status_screen, t);
	return SCREEN_REDRAW;
}

static int
rdvlist_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct rdvlist *s = state;
	if (s->editing) {
		switch (form_key(s->form, ch, is_code)) {
		case FORM_SUBMIT:
			if (form_apply(s, app))
				s->editing = false;
			return SCREEN_REDRAW;
		case FORM_CANCEL:
			s->editing = false;
			return SCREEN_REDRAW;
		case FORM_CHANGED:
			return SCREEN_REDRAW;
		case FORM_NONE:
			break;
		}
		/* The rest is for the form (the main screens' keys never come here: ui/app.c). */
		return SCREEN_REDRAW;
	}
	switch (action) {
	case ACT_FILTER:
		if (s->form == NULL) {
			app_message(app, true,
			            "Les filtres se chargent encore, réessayez dans un instant");
			return SCREEN_REDRAW;
		}
		s->editing = true;
		s->form->focus = 0;
		return SCREEN_REDRAW;
	case ACT_EXPORT_XLSX:
	case ACT_EXPORT_PDF:
		if (s->job.running) {
			app_message(app, true,
			            "Un export est déjà en cours : attendez qu'il se termine");
			return SCREEN_REDRAW;
		}
		if (s->page && s->page->total == 0) {
			app_message(
			    app, true,
			    "Rien à exporter : aucun rendez-vous ne correspond aux filtres");
			return SCREEN_REDRAW;
		}
		job_start(s, app, action == ACT_EXPORT_PDF ? EXPORT_PDF : EXPORT_XLSX);
		return SCREEN_REDRAW;
	case ACT_SLOT_NEXT:
	case ACT_WEEK_NEXT:
		if (s->page && s->list.selected == s->page->n - 1)
			return rdvlist_page_move(s, app, 1, false) | SCREEN_REDRAW;
		break;
	case ACT_SLOT_PREV:
	case ACT_WEEK_PREV:
		if (s->page && s->list.selected <= 0 && s->offset > 0)
			return rdvlist_page_move(s, app, -1, true) | SCREEN_REDRAW;
		break;
	case ACT_SELECT:
	case ACT_EDIT:
		return rdvlist_open_selected(s, app, action == ACT_EDIT);
	case ACT_CANCEL:
		return SCREEN_REDRAW;
	default:
		break;
	}
	if (list_key(&s->list, action, (int)ch, is_code))
		return SCREEN_REDRAW;
	return SCREEN_NONE;
}

static int
rdvlist_choices(void *state, void *app, struct db_reply *reply)
{
	struct rdvlist *s = state;
	if (reply->error) {
		app_message(app, true, "Filtres : %s", db_error_text(reply->error));
		return SCREEN_REDRAW;
	}
	s->choices = reply->data;
	reply->data = NULL;
	form_build(s);
	return SCREEN_REDRAW;
}

static int
rdvlist_loaded(void *state, void *app, struct db_reply *reply)
{
	struct rdvlist *s = state;
	s->ticket = 0;
	if (reply->error) {
		app_message(app, true, "Liste des RDV : %s", db_error_text(reply->error));
	} else {
		struct rdvlist_page *p = reply->data;
		reply->data = NULL;
		/* Past the last page (rows went away): back to the first. */
		if (p->n == 0 && p->offset > 0 && !s->reload_pending) {
			db_rdvlist_page_free(p);
			s->offset = 0;
			rdvlist_load(s, app);
			return SCREEN_REDRAW;
		}
		db_rdvlist_page_free(s->page);
		s->page = p;
		if (s->select_last)
			s->list.selected = p->n - 1;
		else if (s->list.selected < 0 || s->list.selected >= p->n)
			s->list.selected = p->n > 0 ? 0 : -1;
		s->select_last = false;
	}
	if (s->reload_pending) {
		s->reload_pending = false;
		rdvlist_load(s, app);
	}
	return SCREEN_REDRAW;
}

/*
 * Whether other desks' changes may touch the list: an rdv (plages and
 * absences are not listed) on a day of the period, of the agent filtered on
 * (or of mine for "où je suis assigné"). An rdv row without agents yet, with
 * an agent filter, counts (when unsure, reload). The motif, service, lieu
 * and status are not in the feed: they do not narrow.
 */
static bool
rdvlist_touched(const struct rdvlist *s, struct app *app, const struct db_feed *f)
{
	const struct rdvlist_filters *flt = &s->filters;
	rdv_date from = flt->have_from ? flt->from : INT_MIN;
	rdv_date to = flt->have_to ? flt->to : INT_MAX;
	if (flt->status == RDVLIST_STATUS_UNKNOWN_PAST && today(app) - 1 < to)
		to = today(app) - 1;
	if (flt->status == RDVLIST_STATUS_UNKNOWN_FUTURE && today(app) > from)
		from = today(app);
	int agent = flt->agent_id;
	int me = app_session(app)->agent_id;
	for (int i = 0; i < f->nchanges; i++) {
		const struct db_feed_change *c = &f->changes[i];
		if (c->table == DB_FEED_PLAGE || c->table == DB_FEED_ABSENCE)
			continue;
		if (c->table != DB_FEED_RDV || c->nagents == 0) {
			if (db_feed_change_days(c, from, to))
				return true;
			continue;
		}
		if (agent && !db_feed_change_touches(c, &agent, 1, from, to))
			continue;
		if (flt->scope == RDVLIST_SCOPE_ASSIGNED && !db_feed_change_touches(c, &me, 1, from, to))
			continue;
		if (db_feed_change_days(c, from, to))
			return true;
	}
	return false;
}

static int
rdvlist_changed(void *state, struct app *app)
{
	const struct app_change *c = app_change(app);
	if (c && c->feed && !rdvlist_touched(state, app, c->feed))
		return SCREEN_NONE;
	rdvlist_load(state, app);
	return SCREEN_NONE;
}

/* The filter form has the keyboard: letters are not commands there. */
static unsigned
rdvlist_input(void *state)
{
	struct rdvlist *s = state;
	return s->editing ? INPUT_FORM : INPUT_NONE;
}

const struct screen_ops rdvlist_screen = {
    .input = rdvlist_input,
    .name = "rdvlist",
    .open = rdvlist_open,
    .draw = rdvlist_draw,
    .key = rdvlist_key,
    .changed = rdvlist_changed,
    .close = rdvlist_close,
    .hints = list_hints,
    .keymap = rdvlist_keymap,
};
