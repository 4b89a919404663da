/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/usager.h"
#include "core/xmalloc.h"
#include "db/feed.h"
#include "db/notif.h"
#include "db/usagers.h"
#include "ui/draw.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/pick.h"
#include "ui/screen.h"
#include "ui/theme.h"
#include "ui/usagers.h"

/*
 * The record of a usager ("fiche usager"): identity, relatives and
 * responsible, statistics, probable duplicates (F10 merges with the selected
 * one), upcoming rdvs and the history. m edits the record in place; a new
 * usager opens straight in the form. What was typed stays when the database
 * says no, and the message says why in French.
 *
 * ↑↓ move over the rdvs (upcoming, then the history); Entrée opens the
 * selected one as the agenda does (its status), e modifies it; r looks for a
 * slot in "Trouver un RDV" with this usager already chosen for the booking.
 * F9 (or Tab) moves the cursor to the probable duplicates, or says there are
 * none. "Notifications": the channels the usager accepts (E flips e-mail, S
 * flips SMS) and the latest messages sent about their rdvs (receipts).
 */

struct record {
	int id;                         /* 0 while creating */
	struct db_usager_record *rec;
	struct usager_stats stats;
	struct db_usager_dups *dups;
	struct list dup_list;
	bool dup_focus;                 /* ↑↓ move over the duplicates, not the rdvs */
	struct list rdv_list;           /* lines: header, upcoming, header, history */
	struct form *form;              /* non-NULL while editing */
	char *form_error;               /* why the last save failed */
	unsigned long save_ticket;      /* in flight, 0 when none */
	/* Creating: usagers the new one may duplicate, shown before saving. */
	unsigned long match_ticket;     /* in flight, 0 when none */
	struct usager *pending;         /* what is saved once confirmed */
	struct db_usager_dups *matches; /* non-NULL: the warning is shown */
	struct db_notifications *notif; /* preferences and receipts */
	unsigned long notif_ticket;
	unsigned long notif_save_ticket;
};

enum { F_FIRST, F_LAST, F_BIRTH_NAME, F_BIRTH, F_EMAIL, F_PHONE, F_ADDRESS, F_POST_CODE, F_CITY,
       F_NOTES };

static const enum action record_hints[] = {ACT_SELECT, ACT_NEW_RDV, ACT_EDIT_USAGER, ACT_DUPLICATES,
					   ACT_MERGE, ACT_CANCEL, ACT_NONE};
static const enum action record_keymap[] = {ACT_SELECT, ACT_NEW_RDV, ACT_EDIT, ACT_EDIT_USAGER, ACT_DUPLICATES, ACT_MERGE, ACT_CANCEL, KEYMAP_LIST, ACT_NONE};

static int record_loaded(void *state, void *app, struct db_reply *reply);
static int record_dups(void *state, void *app, struct db_reply *reply);
static int record_matched(void *state, void *app, struct db_reply *reply);
static int record_saved(void *state, void *app, struct db_reply *reply);

static int record_notif_saved(void *state, void *app, struct db_reply *reply);

/* The usager's notification preferences and latest receipts. */
static int
record_notif(void *state, void *app, struct db_reply *reply)
{
	struct record *r = state;
	(void)app;
	r->notif_ticket = 0;
	if (!reply->error) {
		db_notifications_free(r->notif);
		r->notif = reply->data;
		reply->data = NULL;
	}
	return SCREEN_REDRAW;
}

static void
notif_load(struct record *r, struct app *app)
{
	r->notif_ticket = db_send_usager_notifications(app_db(app), app_session(app), r->id);
	app_request(app, r, r->notif_ticket, record_notif);
}

static int
record_notif_saved(void *state, void *app, struct db_reply *reply)
{
	struct record *r = state;
	r->notif_save_ticket = 0;
	if (reply->error || *(int *)reply->data == 0)
		app_message(app, true, "Préférence non enregistrée : %s",
			    reply->error ? db_error_text(reply->error) : "modification refusée");
	else
		app_message(app, false, "Préférence de notification enregistrée.");
	notif_load(r, app);
	return SCREEN_REDRAW;
}

static void
record_load(struct record *r, struct app *app)
{
	if (r->id == 0)
		return;
	app_request(app, r, db_send_usager_load(app_db(app), app_session(app), r->id), record_loaded);
	app_request(app, r, db_send_usager_duplicates(app_db(app), r->id, 20), record_dups);
	notif_load(r, app);
}

static void
record_save(struct record *r, struct app *app, const struct usager *u)
{
	r->save_ticket = db_send_usager_save(app_db(app), app_session(app), u);
	app_request(app, r, r->save_ticket, record_saved);
}

static void
form_open(struct record *r, const char *typed_name)
{
	const struct usager *u = r->rec ? r->rec->usager : NULL;
	struct form *f = form_new();
	char *first = NULL, *last = NULL;
	if (u == NULL && typed_name) {
		/* "Marie Dupont" typed in the search: first word(s) first name, last word last name. */
		const char *sp = strrchr(typed_name, ' ');
		if (sp) {
			first = xstrndup(typed_name, (size_t)(sp - typed_name));
			last = xstrdup(sp + 1);
		} else {
			last = xstrdup(typed_name);
		}
	}
	form_add_text(f, "Prénom", u ? u->first_name : first, true);
	form_add_text(f, "Nom", u ? u->last_name : last, true);
	form_add_text(f, "Nom de naissance", u ? u->birth_name : NULL, false);
	form_add_date(f, "Date de naissance", u && u->have_birth_date, u ? u->birth_date : 0, false);
	form_add_text(f, "E-mail", u ? u->email : NULL, false);
	form_add_text(f, "Téléphone", u ? u->phone : NULL, false);
	form_set_hint(f, F_PHONE, "06…, +33…, 0690…");
	form_add_text(f, "Adresse", u ? u->address : NULL, false);
	form_add_text(f, "Code postal", u ? u->post_code : NULL, false);
	form_add_text(f, "Ville", u ? u->city_name : NULL, false);
	form_add_text(f, "Notes", u ? u->notes : NULL, false);
	free(first);
	free(last);
	form_free(r->form);
	r->form = f;
}

static void *
record_open(struct app *app, void *arg)
{
	struct usager_screen_arg *a = arg;
	struct record *r = xcalloc(1, sizeof *r);
	usager_stats_init(&r->stats);
	list_set_count(&r->dup_list, 0);
	r->id = a ? a->id : 0;
	if (r->id == 0)
		form_open(r, a ? a->name : NULL);
	else
		record_load(r, app);
	usager_screen_arg_free(a);
	return r;
}

static void
record_close(void *state)
{
	struct record *r = state;
	db_usager_record_free(r->rec);
	db_usager_dups_free(r->dups);
	usager_stats_clear(&r->stats);
	form_free(r->form);
	free(r->form_error);
	usager_free(r->pending);
	db_usager_dups_free(r->matches);
	db_notifications_free(r->notif);
	free(r);
}

/* Back to the form from the duplicate warning (or past it). */
static void
matches_clear(struct record *r)
{
	db_usager_dups_free(r->matches);
	r->matches = NULL;
	usager_free(r->pending);
	r->pending = NULL;
}

/* Statistics of the rdvs the agent sees; upcoming = from now on. */
static void
record_stats(struct record *r, struct app *app)
{
	usager_stats_clear(&r->stats);
	rdv_time now = app_now(app);
	for (size_t i = 0; r->rec && i < r->rec->nrdvs; i++) {
		const struct db_usager_rdv *v = &r->rec->rdvs[i];
		usager_stats_add(&r->stats, v->motif, v->status, v->start >= now);
	}
	usager_stats_sort(&r->stats);
}

static int
age_years(rdv_date birth, rdv_date today)
{
	int y1, m1, d1, y2, m2, d2;
	cal_ymd(birth, &y1, &m1, &d1);
	cal_ymd(today, &y2, &m2, &d2);
	return y2 - y1 - (m2 < m1 || (m2 == m1 && d2 < d1));
}

static void
field_line(int y, int x, int width, const char *label, const char *value)
{
	draw_text(y, x, 20, theme_attr(SLOT_GRID), label);
	draw_text(y, x + 20, width - 20, theme_attr(SLOT_NORMAL), value && *value ? value : "—");
}

/* "mar. 13/05/2026 10:00  Suivi social · Julien BERNARD · MDS Centre  [À venir]". */
static void
rdv_line(int y, int x, int width, const struct db_usager_rdv *v, rdv_date today, bool selected)
{
	rdv_date day = cal_time_date(v->start);
	char date[11], hhmm[6];
	cal_format_date_fr(day, date);
	cal_format_hhmm(cal_time_minute(v->start), hhmm);
	static const int slots[] = {SLOT_RDV_UNKNOWN, SLOT_RDV_SEEN, SLOT_RDV_EXCUSED,
				    SLOT_RDV_REVOKED, SLOT_RDV_NOSHOW};
	const char *label = rdv_status_label_fr(v->status, day, today);
	char *status = xasprintf(" %s ", label);
	int sw = 26;
	draw_text_pad(y, x + width - sw, sw, theme_attr((enum theme_slot)slots[v->status]), status);
	char *line = xasprintf("%s %s %s  %s · %s%s%s", cal_weekday_abbr_fr(cal_weekday(day)), date, hhmm,
			       v->motif ? v->motif : "?", v->agents ? v->agents : "—",
			       v->lieu ? " · " : "", v->lieu ? v->lieu : "");
	int attr = selected ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL);
	if (selected)
		draw_fill(y, x, width - sw, attr, L' ');
	draw_text(y, x, width - sw - 1, attr, line);
	free(line);
	free(status);
}

static void
record_dup_row(void *vctx, int index, int y, int x, int width, bool selected)
{
	struct record *r = vctx;
	const struct db_usager_dup *d = &r->dups->items[index];
	char birth[11] = "—";
	if (d->have_birth_date[1])
		cal_format_date_fr(d->birth_date[1], birth);
	char *line = xasprintf("%s %s (n° %d, %s) · %s", selected ? "▸" : " ", d->name[1], d->id[1],
			       birth, d->reasons ? d->reasons : "");
	draw_text_pad(y, x, width,
		      selected && r->dup_focus ? theme_attr(SLOT_CURSOR) : theme_attr(SLOT_NORMAL), line);
	free(line);
}

/* Upcoming rdvs: from now on. */
static int
upcoming_count(const struct record *r, rdv_time now)
{
	int nup = 0;
	for (size_t i = 0; r->rec && i < r->rec->nrdvs; i++)
		nup += r->rec->rdvs[i].start >= now;
	return nup;
}

/*
 * The rdv shown on a line of the rdv list (line 0 and nup + 1 are the
 * headers): upcoming ones in time order, then the history, latest first.
 * NULL for a header.
 */
static const struct db_usager_rdv *
rdv_at_line(const struct record *r, int nup, int line)
{
	size_t n = r->rec ? r->rec->nrdvs : 0;
	if (line <= 0 || line == nup + 1 || line >= (int)n + 2)
		return NULL;
	if (line <= nup)
		return &r->rec->rdvs[n - (size_t)nup + (size_t)line - 1];
	return &r->rec->rdvs[n - (size_t)nup - (size_t)(line - nup - 2) - 1];
}

/* Keep the rdv cursor off the headers, moving on in the direction dir. */
static void
rdv_cursor_fix(struct record *r, int nup, int dir)
{
	struct list *l = &r->rdv_list;
	if (l->count <= 2) {
		l->selected = -1;
		return;
	}
	if (l->selected < 0)
		l->selected = 0;
	for (int tries = 0; tries < 3 && rdv_at_line(r, nup, l->selected) == NULL; tries++) {
		int next = l->selected + (dir < 0 ? -1 : 1);
		if (next < 0 || next >= l->count) {
			dir = -dir;
			next = l->selected + (dir < 0 ? -1 : 1);
		}
		l->selected = next;
	}
}

struct rdv_row_ctx {
	struct record *r;
	int nup;
	rdv_date today;
	char buf[160];
};

static void
record_rdv_row(void *vctx, int index, int y, int x, int width, bool selected)
{
	struct rdv_row_ctx *ctx = vctx;
	struct record *r = ctx->r;
	const struct db_usager_rdv *v = rdv_at_line(r, ctx->nup, index);
	if (v == NULL) {
		if (index == 0)
			snprintf(ctx->buf, sizeof ctx->buf, "Rendez-vous à venir (%d)", ctx->nup);
		else
			snprintf(ctx->buf, sizeof ctx->buf, "Historique (%d)",
				 (int)r->rec->nrdvs - ctx->nup);
		draw_fill(y, 0, COLS, theme_attr(SLOT_HEADER), L' ');
		draw_text(y, x, width, theme_attr(SLOT_HEADER), ctx->buf);
		return;
	}
	rdv_line(y, x, width, v, ctx->today, selected && !r->dup_focus);
}

static void
record_draw_view(struct record *r, struct app *app)
{
	const struct usager *u = r->rec->usager;
	rdv_date today = cal_time_date(app_now(app));
	int half = COLS * 3 / 5;
	int y = 2;
	field_line(y++, 1, half - 2, "Nom", u->last_name);
	field_line(y++, 1, half - 2, "Prénom", u->first_name);
	field_line(y++, 1, half - 2, "Nom de naissance", u->birth_name);
	char buf[160] = "";
	if (u->have_birth_date) {
		char d[11];
		snprintf(buf, sizeof buf, "%s (%d ans)", cal_format_date_fr(u->birth_date, d),
			 age_years(u->birth_date, today));
	}
	field_line(y++, 1, half - 2, "Date de naissance", buf);
	field_line(y++, 1, half - 2, "E-mail", u->email);
	snprintf(buf, sizeof buf, "%s%s%s%s", u->phone ? u->phone : "", u->phone_e164 ? " (" : "",
		 u->phone_e164 ? u->phone_e164 : "", u->phone_e164 ? ")" : "");
	field_line(y++, 1, half - 2, "Téléphone", buf);
	field_line(y++, 1, half - 2, "Adresse", u->address);
	field_line(y++, 1, half - 2, "Notes", u->notes);
	if (u->responsible_id) {
		snprintf(buf, sizeof buf, "%s (n° %d)", u->responsible_name ? u->responsible_name : "?",
			 u->responsible_id);
		field_line(y++, 1, half - 2, "Responsable", buf);
	}
	buf[0] = '\0';
	for (size_t i = 0; i < r->rec->nrelatives; i++) {
		size_t len = strlen(buf);
		snprintf(buf + len, sizeof buf - len, "%s%s", i ? ", " : "", r->rec->relatives[i].name);
	}
	field_line(y++, 1, half - 2, "Proches", buf);
	field_line(y++, 1, half - 2, "Organisations", r->rec->organisations);

	/* Statistics, on the right. */
	int sy = 2, sx = half + 1, sw = COLS - sx - 1;
	draw_text(sy++, sx, sw, theme_attr(SLOT_HEADER), "Statistiques");
	snprintf(buf, sizeof buf, "Rendez-vous : %d (à venir : %d)", r->stats.total, r->stats.upcoming);
	draw_text(sy++, sx, sw, theme_attr(SLOT_NORMAL), buf);
	snprintf(buf, sizeof buf, "Honorés : %d", r->stats.by_status[RDV_SEEN]);
	draw_text(sy++, sx, sw, theme_attr(SLOT_NORMAL), buf);
	snprintf(buf, sizeof buf, "Annulés : %d excusé, %d par le service",
		 r->stats.by_status[RDV_EXCUSED], r->stats.by_status[RDV_REVOKED]);
	draw_text(sy++, sx, sw, theme_attr(SLOT_NORMAL), buf);
	snprintf(buf, sizeof buf, "Absences non excusées : %d", r->stats.by_status[RDV_NOSHOW]);
	draw_text(sy++, sx, sw, theme_attr(SLOT_NORMAL), buf);
	for (size_t i = 0; i < r->stats.nmotifs && sy < y; i++) {
		snprintf(buf, sizeof buf, "  %s : %d (%d honoré%s)", r->stats.motifs[i].motif,
			 r->stats.motifs[i].total, r->stats.motifs[i].seen,
			 r->stats.motifs[i].seen > 1 ? "s" : "");
		draw_text(sy++, sx, sw, theme_attr(SLOT_NORMAL), buf);
	}
	if (sy > y)
		y = sy;
	draw_text(y++, 1, COLS - 2, theme_attr(SLOT_GRID),
		  "r : prendre RDV pour cet usager · Entrée : ouvrir le RDV · e : le modifier");

	/* Notifications: channels and the latest receipts. */
	if (r->notif && r->notif->have_prefs) {
		y++;
		snprintf(buf, sizeof buf, "Notifications : e-mail %s · SMS %s  (E, S : changer)",
			 r->notif->by_email ? "oui" : "non", r->notif->by_sms ? "oui" : "non");
		draw_text(y++, 1, COLS - 2, theme_attr(SLOT_HEADER), buf);
		if (r->notif->nreceipts == 0)
			draw_text(y++, 3, COLS - 4, theme_attr(SLOT_NORMAL), "Aucun envoi.");
		for (size_t i = 0; i < r->notif->nreceipts && i < 3; i++) {
			const struct db_notif_receipt *n = &r->notif->receipts[i];
			char *line = xasprintf("%s  %s  %s à %s : %s%s%s%s", n->when, n->event, n->channel,
					       n->recipient, n->result, n->detail ? " (" : "",
					       n->detail ? n->detail : "", n->detail ? ")" : "");
			draw_text(y++, 3, COLS - 4, theme_attr(SLOT_NORMAL), line);
			free(line);
		}
	}

	/* Probable duplicates. */
	if (r->dups && r->dups->n > 0) {
		y++;
		snprintf(buf, sizeof buf, "Doublons probables : %zu  (%s↑↓ choisir, F10 fusionner)",
			 r->dups->n, r->dup_focus ? "" : "F9 puis ");
		draw_text(y++, 1, COLS - 2, theme_attr(SLOT_MERGE_DIFF), buf);
		int h = (int)r->dups->n < 3 ? (int)r->dups->n : 3;
		list_draw(&r->dup_list, y, 1, COLS - 2, h, record_dup_row, r);
		y += h;
	}

	/* Upcoming then history (most recent first), one list with the cursor. */
	y++;
	struct rdv_row_ctx ctx = {.r = r, .nup = upcoming_count(r, app_now(app)), .today = today};
	int rows = LINES - 1 - y;
	if (rows > 0)
		list_draw(&r->rdv_list, y, 1, COLS - 2, rows, record_rdv_row, &ctx);
}

static void
record_draw(void *state, struct app *app)
{
	struct record *r = state;
	char *title;
	if (r->rec) {
		char *name = usager_display_name(r->rec->usager);
		title = xasprintf(" Fiche usager · %s (n° %d)%s", name, r->id, r->form ? " · modification" : "");
		free(name);
	} else {
		title = xstrdup(r->id ? " Fiche usager" : " Nouvel usager");
	}
	draw_title_bar(title, NULL);
	free(title);
	if (r->form) {
		form_draw(r->form, 2, 1, COLS - 2, 20);
		draw_text(2 + r->form->n + 1, 1, COLS - 2, theme_attr(SLOT_GRID),
			  "Entrée : enregistrer · Échap : annuler · ↑↓/Tab : champ suivant");
		if (r->matches) {
			usager_matches_draw(r->matches, 2 + r->form->n + 3, 1, COLS - 2, LINES - 3);
			return;
		}
		/* The reason, wrapped: it names the field and, for an e-mail, who has it. */
		const char *rest = r->form_error;
		for (int y = 2 + r->form->n + 3; rest && *rest && y < LINES - 1; y++) {
			int w;
			size_t n = text_fit(rest, COLS - 2, &w);
			if (n == 0)
				break;
			char *part = xstrndup(rest, n);
			draw_text(y, 1, COLS - 2, theme_attr(SLOT_STATUS_ERROR), part);
			free(part);
			rest += n;
		}
		return;
	}
	if (r->rec == NULL) {
		draw_text_center(LINES / 2, 0, COLS, A_BOLD, " chargement… ");
		return;
	}
	record_draw_view(r, app);
}

/* The form into a usager; false with a message when a date does not parse. */
static struct usager *
form_usager(struct record *r, struct app *app)
{
	char *err = NULL;
	if (!form_validate(r->form, &err)) {
		app_message(app, true, "%s", err);
		free(r->form_error);
		r->form_error = err;
		return NULL;
	}
	struct usager *u = usager_new();
	u->id = r->id;
	const int text_fields[] = {F_FIRST, F_LAST, F_BIRTH_NAME, F_EMAIL, F_PHONE, F_ADDRESS,
				   F_POST_CODE, F_CITY, F_NOTES};
	char **slots[] = {&u->first_name, &u->last_name, &u->birth_name, &u->email, &u->phone,
			  &u->address, &u->post_code, &u->city_name, &u->notes};
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++)
		*slots[i] = form_empty(r->form, text_fields[i]) ? NULL
							       : xstrdup(form_text(r->form, text_fields[i]));
	u->have_birth_date = !form_empty(r->form, F_BIRTH) && form_date(r->form, F_BIRTH, &u->birth_date);
	enum usager_field bad;
	if (!usager_validate(u, cal_time_date(app_now(app)), &bad, &err)) {
		static const int field_of[USAGER_FIELD_COUNT] = {
		    [USAGER_FIRST_NAME] = F_FIRST, [USAGER_LAST_NAME] = F_LAST,
		    [USAGER_BIRTH_NAME] = F_BIRTH_NAME, [USAGER_BIRTH_DATE] = F_BIRTH,
		    [USAGER_EMAIL] = F_EMAIL, [USAGER_PHONE] = F_PHONE, [USAGER_ADDRESS] = F_ADDRESS,
		    [USAGER_POST_CODE] = F_POST_CODE, [USAGER_CITY] = F_CITY, [USAGER_NOTES] = F_NOTES};
		r->form->focus = field_of[bad];
		app_message(app, true, "%s", err);
		free(r->form_error);
		r->form_error = err;
		usager_free(u);
		return NULL;
	}
	return u;
}

/*
 * F9: the cursor goes to the probable duplicates (F10 then merges with the
 * selected one), or the agent is told there are none. Tab (toggle) brings
 * it back to the rdvs.
 */
static int
record_duplicates_focus(struct record *r, struct app *app, bool toggle)
{
	if (toggle && r->dup_focus) {
		r->dup_focus = false;
		return SCREEN_REDRAW;
	}
	if (r->dups == NULL) {
		app_message(app, false, "Recherche des doublons en cours…");
		return SCREEN_REDRAW;
	}
	if (r->dups->n == 0) {
		r->dup_focus = false;
		app_message(app, false, "Aucun doublon probable trouvé pour cet usager.");
		return SCREEN_REDRAW;
	}
	r->dup_focus = true;
	if (r->dup_list.selected < 0)
		r->dup_list.selected = 0;
	app_message(app, false, "%zu doublon%s probable%s : ↑↓ choisir, F10 fusionner, Tab : rendez-vous",
		    r->dups->n, r->dups->n > 1 ? "s" : "", r->dups->n > 1 ? "s" : "");
	return SCREEN_REDRAW;
}

/*
 * Entrée on an rdv opens it as Entrée does in the agenda (its status, the
 * actions on it); e opens the rdv form. On a duplicate, Entrée opens that
 * usager's record.
 */
static int
record_open_selected(struct record *r, struct app *app, bool edit)
{
	if (r->rec == NULL)
		return SCREEN_NONE;
	if (r->dup_focus) {
		if (edit || r->dups == NULL || r->dup_list.selected < 0 ||
		    (size_t)r->dup_list.selected >= r->dups->n)
			return SCREEN_NONE;
		app_push(app, &usager_record_screen,
			 usager_screen_arg_new(r->dups->items[r->dup_list.selected].id[1], 0, NULL));
		return SCREEN_REDRAW;
	}
	const struct db_usager_rdv *v =
	    rdv_at_line(r, upcoming_count(r, app_now(app)), r->rdv_list.selected);
	if (v == NULL) {
		app_message(app, true, "Aucun rendez-vous sélectionné");
		return SCREEN_REDRAW;
	}
	struct agenda_target *t = xcalloc(1, sizeof *t);
	t->item_id = v->rdv_id;
	t->day = cal_time_date(v->start);
	t->minute = cal_time_minute(v->start);
	t->step = v->duration_min;
	app_push(app, edit ? &rdv_screen : &rdv_status_screen, t);
	return SCREEN_REDRAW;
}

/* "Prendre RDV pour cet usager": Trouver un RDV, the usager chosen for the booking. */
static int
record_book(struct record *r, struct app *app)
{
	if (r->rec == NULL)
		return SCREEN_NONE;
	struct search_request *q = xcalloc(1, sizeof *q);
	q->usager_id = r->id;
	q->usager_name = usager_display_name(r->rec->usager);
	app_push(app, &search_screen, q);
	return SCREEN_REDRAW;
}

static int
record_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct record *r = state;
	if (r->form && r->matches) {
		/* The duplicate warning: create anyway, or back to the form as typed. */
		if (action == ACT_SELECT && r->save_ticket == 0) {
			record_save(r, app, r->pending);
			matches_clear(r);
		} else if (action == ACT_CANCEL) {
			matches_clear(r);
		}
		return SCREEN_REDRAW;
	}
	if (r->form) {
		switch (form_key(r->form, ch, is_code)) {
		case FORM_SUBMIT: {
			if (r->save_ticket || r->match_ticket)
				return SCREEN_NONE;
			struct usager *u = form_usager(r, app);
			if (u && r->id == 0) {
				/* A new usager: first look for the same person among those I see. */
				usager_free(r->pending);
				r->pending = u;
				r->match_ticket = db_send_usager_matches(app_db(app), u, 5);
				app_request(app, r, r->match_ticket, record_matched);
			} else if (u) {
				record_save(r, app, u);
				usager_free(u);
			}
			return SCREEN_REDRAW;
		}
		case FORM_CANCEL:
			form_free(r->form);
			r->form = NULL;
			free(r->form_error);
			r->form_error = NULL;
			return r->id ? SCREEN_REDRAW : SCREEN_CLOSE;
		case FORM_CHANGED:
			return SCREEN_REDRAW;
		case FORM_NONE:
			/* Letters are text here; app_key never makes them commands (record_input). */
			return SCREEN_NONE;
		}
		return SCREEN_REDRAW;
	}
	switch (action) {
	case ACT_EDIT_USAGER:
		if (r->rec)
			form_open(r, NULL);
		return SCREEN_REDRAW;
	case ACT_MERGE: {
		int other = 0;
		if (r->dups && r->dup_list.selected >= 0 && (size_t)r->dup_list.selected < r->dups->n)
			other = r->dups->items[r->dup_list.selected].id[1];
		app_push(app, &merge_screen, usager_screen_arg_new(r->id, other, NULL));
		return SCREEN_REDRAW;
	}
	case ACT_DUPLICATES:
		return record_duplicates_focus(r, app, false);
	case ACT_SELECT:
		return record_open_selected(r, app, false);
	case ACT_EDIT:
		return record_open_selected(r, app, true);
	case ACT_NEW_RDV:
		return record_book(r, app);
	case ACT_CANCEL:
		return SCREEN_CLOSE;
	default:
		break;
	}
	if (!is_code && (ch == L'E' || ch == L'S') && r->rec && r->notif_save_ticket == 0) {
		r->notif_save_ticket = db_send_usager_notify_toggle(app_db(app), r->id, ch == L'S');
		app_request(app, r, r->notif_save_ticket, record_notif_saved);
		return SCREEN_REDRAW;
	}
	if (!is_code && ch == L'\t')
		return record_duplicates_focus(r, app, true);
	if (r->dup_focus) {
		if (action == ACT_SLOT_PREV || action == ACT_SLOT_NEXT) {
			list_key(&r->dup_list, action, (int)ch, is_code);
			return SCREEN_REDRAW;
		}
		return SCREEN_NONE;
	}
	int before = r->rdv_list.selected;
	if (r->rec && list_key(&r->rdv_list, action, (int)ch, is_code)) {
		rdv_cursor_fix(r, upcoming_count(r, app_now(app)), r->rdv_list.selected - before);
		return SCREEN_REDRAW;
	}
	return SCREEN_NONE;
}

static int
record_loaded(void *state, void *app, struct db_reply *reply)
{
	struct record *r = state;
	if (reply->error) {
		app_message(app, true, "Fiche usager : %s", db_error_text(reply->error));
		return r->rec ? SCREEN_REDRAW : SCREEN_CLOSE;
	}
	db_usager_record_free(r->rec);
	r->rec = reply->data;
	reply->data = NULL;
	record_stats(r, app);
	list_set_count(&r->rdv_list, (int)r->rec->nrdvs + 2);
	rdv_cursor_fix(r, upcoming_count(r, app_now(app)), 1);
	return SCREEN_REDRAW;
}

static int
record_dups(void *state, void *app, struct db_reply *reply)
{
	struct record *r = state;
	(void)app;
	if (!reply->error) {
		db_usager_dups_free(r->dups);
		r->dups = reply->data;
		reply->data = NULL;
		list_set_count(&r->dup_list, (int)r->dups->n);
		if (r->dups->n == 0)
			r->dup_focus = false;
	}
	return SCREEN_REDRAW;
}

static int
record_matched(void *state, void *app, struct db_reply *reply)
{
	struct record *r = state;
	r->match_ticket = 0;
	if (r->pending == NULL || r->form == NULL)
		return SCREEN_NONE;
	struct db_usager_dups *m = reply->error ? NULL : reply->data;
	if (m && m->n > 0) {
		reply->data = NULL;
		r->matches = m;
		app_message(app, true, "Usager peut-être déjà enregistré");
		return SCREEN_REDRAW;
	}
	/* No match (or the check failed: the database still refuses a duplicate e-mail). */
	record_save(r, app, r->pending);
	usager_free(r->pending);
	r->pending = NULL;
	return SCREEN_REDRAW;
}

static int
record_saved(void *state, void *app, struct db_reply *reply)
{
	struct record *r = state;
	r->save_ticket = 0;
	if (reply->error) {
		/* The form keeps what was typed; the database says what is wrong. */
		if (strcmp(reply->error->sqlstate, "23505") == 0)
			r->form->focus = F_EMAIL;
		free(r->form_error);
		r->form_error = xstrdup(reply->error->message);
		/* "l'adresse e-mail … est déjà celle de …" starts a sentence here. */
		if (r->form_error[0] >= 'a' && r->form_error[0] <= 'z')
			r->form_error[0] = (char)(r->form_error[0] - 'a' + 'A');
		app_message(app, true, "%s", r->form_error);
		return SCREEN_REDRAW;
	}
	r->id = *(int *)reply->data;
	/* The other screens follow (another record of this usager, the search's hits). */
	app_refresh_all(app);
	form_free(r->form);
	r->form = NULL;
	free(r->form_error);
	r->form_error = NULL;
	app_message(app, false, "Fiche enregistrée.");
	record_load(r, app);
	return SCREEN_REDRAW;
}

/*
 * Whether other desks' changes may touch the record: a new rdv (it may be
 * this usager's), or a change to one of the rdvs it lists. Plages and
 * absences do not show here. (The usager's own fields and participations
 * are not in the feed.)
 */
static bool
record_touched(const struct record *r, const struct db_feed *f)
{
	for (int i = 0; i < f->nchanges; i++) {
		const struct db_feed_change *c = &f->changes[i];
		if (c->table == DB_FEED_PLAGE || c->table == DB_FEED_ABSENCE)
			continue;
		if (c->table != DB_FEED_RDV || c->insert || r->rec == NULL)
			return true;
		for (size_t k = 0; k < r->rec->nrdvs; k++)
			if (r->rec->rdvs[k].rdv_id == c->row_id)
				return true;
	}
	return false;
}

static int
record_changed(void *state, struct app *app)
{
	struct record *r = state;
	const struct app_change *c = app_change(app);
	if (c && c->feed && !record_touched(r, c->feed))
		return SCREEN_NONE;
	/* This record was merged into another: show the one that survives. */
	if (c && c->usager_removed && c->usager_removed == r->id)
		r->id = c->usager_survivor;
	if (r->form == NULL)
		record_load(r, app);
	return SCREEN_NONE;
}

/* What Échap, another screen or quitting would lose (app_key asks first). */
static unsigned
record_input(void *state)
{
	struct record *r = state;
	if (r->form == NULL)
		return INPUT_NONE;
	/* On the duplicate warning, Échap goes back to the form as typed. */
	return INPUT_FORM | (form_dirty(r->form) ? INPUT_UNSAVED : 0) |
	       (r->matches ? INPUT_ESC_KEEPS : 0);
}

const struct screen_ops usager_record_screen = {
    .input = record_input,
    .name = "usager",
    .open = record_open,
    .draw = record_draw,
    .key = record_key,
    .arg_free = (void (*)(void *))usager_screen_arg_free,
    .changed = record_changed,
    .close = record_close,
    .hints = record_hints,
    .keymap = record_keymap,
};
