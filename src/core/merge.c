/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

static const struct {
	const char *label, *key;
} fields[MERGE_FIELD_COUNT] = {
    [MERGE_EMAIL] = {"E-mail", "email"},
    [MERGE_FIRST_NAME] = {"Prénom", "first_name"},
    [MERGE_LAST_NAME] = {"Nom", "last_name"},
    [MERGE_BIRTH_NAME] = {"Nom de naissance", "birth_name"},
    [MERGE_BIRTH_DATE] = {"Date de naissance", "birth_date"},
    [MERGE_PHONE] = {"Téléphone", "phone_number"},
    [MERGE_ADDRESS] = {"Adresse", "address"},
    [MERGE_NOTES] = {"Notes", "notes"},
    [MERGE_RESPONSIBLE] = {"Responsable", "responsible_id"},
};

/* A value as shown: NULL when empty or blank. Caller frees. */
static char *
shown(const char *s)
{
	if (s == NULL)
		return NULL;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n ? xstrndup(s, n) : NULL;
}

static bool
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The address row: the street line, else the post code and city. Caller frees. */
static char *
address_shown(const struct usager *u)
{
	char *a = shown(u->address);
	if (a)
		return a;
	char *pc = shown(u->post_code), *city = shown(u->city_name);
	char *r = NULL;
	if (pc || city)
		r = xasprintf("%s%s%s", pc ? pc : "", pc && city ? " " : "", city ? city : "");
	free(pc);
	free(city);
	return r;
}

static void
row_fill(struct merge_row *r, const struct usager *u, int side)
{
	char buf[20];
	switch (r->field) {
	case MERGE_EMAIL:
		r->value[side] = shown(u->email);
		break;
	case MERGE_FIRST_NAME:
		r->value[side] = shown(u->first_name);
		break;
	case MERGE_LAST_NAME:
		r->value[side] = shown(u->last_name);
		break;
	case MERGE_BIRTH_NAME:
		r->value[side] = shown(u->birth_name);
		break;
	case MERGE_BIRTH_DATE:
		r->value[side] = u->have_birth_date ? xstrdup(cal_format_date_fr(u->birth_date, buf))
						    : NULL;
		break;
	case MERGE_PHONE:
		r->value[side] = shown(u->phone);
		break;
	case MERGE_ADDRESS:
		r->value[side] = address_shown(u);
		break;
	case MERGE_NOTES:
		r->value[side] = shown(u->notes);
		break;
	case MERGE_RESPONSIBLE:
		if (u->responsible_id)
			r->value[side] = u->responsible_name
					     ? xasprintf("%s (n° %d)", u->responsible_name,
							 u->responsible_id)
					     : xasprintf("n° %d", u->responsible_id);
		else
			r->value[side] = NULL;
		break;
	case MERGE_FIELD_COUNT:
		break;
	}
}

/* Identical for the database, not only as shown. */
static bool
row_same(const struct merge_row *r, const struct usager *a, const struct usager *b)
{
	switch (r->field) {
	case MERGE_PHONE: {
		char ea[20], eb[20];
		bool pa = usager_phone_e164(a->phone, ea), pb = usager_phone_e164(b->phone, eb);
		if (pa && pb)
			return strcmp(ea, eb) == 0;
		return str_same(r->value[0], r->value[1]);
	}
	case MERGE_ADDRESS: {
		char *ka = xasprintf("%s|%s|%s", a->address ? a->address : "",
				     a->post_code ? a->post_code : "", a->city_name ? a->city_name : "");
		char *kb = xasprintf("%s|%s|%s", b->address ? b->address : "",
				     b->post_code ? b->post_code : "", b->city_name ? b->city_name : "");
		bool same = strcmp(ka, kb) == 0;
		free(ka);
		free(kb);
		return same;
	}
	case MERGE_RESPONSIBLE:
		return a->responsible_id == b->responsible_id;
	default:
		return str_same(r->value[0], r->value[1]);
	}
}

struct merge_plan *
merge_plan_new(const struct usager *a, const struct usager *b)
{
	struct merge_plan *p = xcalloc(1, sizeof *p);
	p->relatives = a->responsible_id != 0 || b->responsible_id != 0;
	if (b->responsible_id)
		p->forced_survivor = 0;
	else if (a->responsible_id && b->nrelatives > 0)
		p->forced_survivor = 1;
	else
		p->forced_survivor = -1;
	for (int f = 0; f < MERGE_FIELD_COUNT; f++) {
		struct merge_row *r = &p->rows[p->nrows++];
		r->field = (enum merge_field)f;
		r->label = fields[f].label;
		r->key = fields[f].key;
		row_fill(r, a, 0);
		row_fill(r, b, 1);
		r->same = row_same(r, a, b);
		r->offered = !p->relatives || f == MERGE_FIRST_NAME || f == MERGE_LAST_NAME ||
			     f == MERGE_BIRTH_DATE || f == MERGE_RESPONSIBLE;
		r->keep = !r->same && r->offered && r->value[0] == NULL && r->value[1] != NULL ? 1 : 0;
	}
	/* A side imposed by the relative rules keeps its own values by default. */
	if (p->forced_survivor >= 0)
		for (int i = 0; i < p->nrows; i++) {
			struct merge_row *r = &p->rows[i];
			if (!r->offered || r->same || r->field == MERGE_RESPONSIBLE ||
			    r->value[p->forced_survivor] != NULL)
				r->keep = p->forced_survivor;
		}
	return p;
}

void
merge_plan_free(struct merge_plan *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->nrows; i++) {
		free(p->rows[i].value[0]);
		free(p->rows[i].value[1]);
	}
	free(p);
}

bool
merge_plan_choose(struct merge_plan *p, int row, int side)
{
	if (row < 0 || row >= p->nrows || (side != 0 && side != 1))
		return false;
	struct merge_row *r = &p->rows[row];
	if (r->same || !r->offered)
		return false;
	r->keep = side;
	return true;
}

int
merge_plan_survivor(const struct merge_plan *p)
{
	if (p->forced_survivor >= 0)
		return p->forced_survivor;
	return p->rows[MERGE_EMAIL].keep;
}

const char *
merge_plan_survivor_reason(const struct merge_plan *p)
{
	if (p->forced_survivor == 0)
		return "B est un proche : la fiche A est conservée";
	if (p->forced_survivor == 1)
		return "A est un proche et B un responsable : la fiche B est conservée";
	return p->rows[MERGE_EMAIL].keep ? "la fiche de l'e-mail choisi (B) est conservée"
					 : "la fiche de l'e-mail choisi (A) est conservée";
}

int
merge_plan_ndiff(const struct merge_plan *p)
{
	int n = 0;
	for (int i = 0; i < p->nrows; i++)
		n += !p->rows[i].same && p->rows[i].offered;
	return n;
}

char *
merge_plan_choices_json(const struct merge_plan *p)
{
	size_t cap = 32 + (size_t)p->nrows * 32, len = 0;
	char *out = xmalloc(cap);
	len += (size_t)snprintf(out, cap, "{");
	for (int i = 0; i < p->nrows; i++) {
		const struct merge_row *r = &p->rows[i];
		/* The e-mail row always goes: it decides who survives. */
		if (!r->offered || (r->same && r->field != MERGE_EMAIL))
			continue;
		len += (size_t)snprintf(out + len, cap - len, "%s\"%s\": %d", len > 1 ? ", " : "", r->key,
					r->keep + 1);
	}
	snprintf(out + len, cap - len, "}");
	return out;
}
