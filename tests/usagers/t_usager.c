/* SPDX-License-Identifier: MIT */
/* Usager checks: phones to E.164 (the same table as tests/usagers/search.pgtap),
 * e-mails, birth dates, the whole form, statistics. */
#include "config.h"

#include <stdlib.h>

#include "core/usager.h"
#include "core/xmalloc.h"
#include "tests/tap.h"

static const struct {
	const char *in, *want; /* want NULL: refused */
} phones[] = {
    {"06 12 34 56 78", "+33612345678"},
    {"0612345678", "+33612345678"},
    {"06.12.34.56.78", "+33612345678"},
    {"06-12-34-56-78", "+33612345678"},
    {"+33 6 12 34 56 78", "+33612345678"},
    {"+33 (0)6 12 34 56 78", "+33612345678"},
    {"0033612345678", "+33612345678"},
    {"04 75 43 21 10", "+33475432110"},
    {"0690 12 34 56", "+590690123456"},   /* Guadeloupe mobile */
    {"0590 12 34 56", "+590590123456"},   /* Guadeloupe fixe */
    {"0694 12 34 56", "+594694123456"},   /* Guyane */
    {"0696 12 34 56", "+596696123456"},   /* Martinique */
    {"0692 12 34 56", "+262692123456"},   /* La Réunion */
    {"0262 12 34 56", "+262262123456"},   /* La Réunion fixe */
    {"0639 12 34 56", "+262639123456"},   /* Mayotte */
    {"+590 690 12 34 56", "+590690123456"},
    {"+33 690 12 34 56", "+590690123456"}, /* +33 with an overseas range */
    {"+262 639 12 34 56", "+262639123456"},
    {"+590 612 34 56 78", NULL},           /* not a Guadeloupe range */
    {"+44 20 7946 0958", NULL},
    {"061234567", NULL},
    {"06123456789", NULL},
    {"0012", NULL},
    {"06 12 ab 56 78", NULL},
    {"", NULL},
    {"   ", NULL},
};

int
main(void)
{
	char out[20];
	for (size_t i = 0; i < sizeof phones / sizeof phones[0]; i++) {
		bool okp = usager_phone_e164(phones[i].in, out);
		if (phones[i].want) {
			ok(okp, "phone « %s » is recognised", phones[i].in);
			is_str(out, phones[i].want, "phone « %s » → %s", phones[i].in, phones[i].want);
		} else {
			ok(!okp, "phone « %s » is refused", phones[i].in);
		}
	}
	ok(!usager_phone_e164(NULL, out), "no phone is refused");

	char *e = usager_email_normalise("  jean.dupont.@example.com ");
	is_str(e, "jean.dupont@example.com", "e-mail typo \".@\" is fixed and spaces trimmed");
	free(e);
	e = usager_email_normalise("jean..dupont@example..com");
	is_str(e, "jean.dupont@example.com", "e-mail typo \"..\" is fixed");
	free(e);
	ok(usager_email_normalise("   ") == NULL, "a blank e-mail is NULL");
	ok(usager_email_valid("a.b@example.fr"), "a.b@example.fr is valid");
	ok(!usager_email_valid("a.b@example"), "no dot in the domain: invalid");
	ok(!usager_email_valid("a b@example.fr"), "a space: invalid");
	ok(!usager_email_valid("a@b@example.fr"), "two @: invalid");
	ok(!usager_email_valid("@example.fr"), "nothing before @: invalid");
	ok(!usager_email_valid("a@example."), "nothing after the last dot: invalid");

	rdv_date today = cal_date(2026, 5, 13);
	ok(usager_birth_date_problem(cal_date(1987, 6, 14), today) == NULL, "1987 is fine");
	ok(usager_birth_date_problem(today, today) == NULL, "born today is fine");
	is_str(usager_birth_date_problem(today + 1, today), "la date de naissance est dans le futur",
	       "tomorrow is in the future");
	ok(usager_birth_date_problem(cal_date(1896, 5, 13), today) == NULL, "exactly 130 years ago is fine");
	is_str(usager_birth_date_problem(cal_date(1896, 5, 12), today),
	       "la date de naissance est il y a plus de 130 ans", "130 years and a day is refused");

	struct usager *u = usager_new();
	u->first_name = xstrdup("  Élodie ");
	u->last_name = xstrdup("Bézier");
	u->email = xstrdup("elodie.bezier@example");
	u->phone = xstrdup("06 12 34 56 78");
	enum usager_field field;
	char *err = NULL;
	ok(!usager_validate(u, today, &field, &err), "an e-mail without a dotted domain is refused");
	is_int(field, USAGER_EMAIL, "the e-mail field is named");
	is_str(err, "E-mail : « elodie.bezier@example » n'est pas une adresse valide (nom@domaine.fr)",
	       "the message says why in French");
	free(err);
	is_str(u->first_name, "Élodie", "the first name is trimmed");
	free(u->email);
	u->email = xstrdup("elodie.bezier@example.com");
	free(u->phone);
	u->phone = xstrdup("06 12 34");
	ok(!usager_validate(u, today, &field, &err), "a short phone is refused");
	is_int(field, USAGER_PHONE, "the phone field is named");
	is_str(err, "Téléphone : « 06 12 34 » n'est pas un numéro français ou d'outre-mer "
		    "(ex. 06 12 34 56 78, +33 6 12 34 56 78, 0690 12 34 56)", "with examples");
	free(err);
	free(u->phone);
	u->phone = xstrdup("0692 12 34 56");
	u->have_birth_date = true;
	u->birth_date = cal_date(2030, 1, 1);
	ok(!usager_validate(u, today, &field, &err), "a birth date in the future is refused");
	is_int(field, USAGER_BIRTH_DATE, "the birth date field is named");
	is_str(err, "Date de naissance : la date de naissance est dans le futur", "and why");
	free(err);
	u->birth_date = cal_date(1987, 6, 14);
	ok(usager_validate(u, today, &field, &err), "a good usager passes");
	is_str(u->phone_e164, "+262692123456", "its phone is normalised to E.164");
	free(u->last_name);
	u->last_name = xstrdup("  ");
	ok(!usager_validate(u, today, &field, &err), "a blank last name is refused");
	is_int(field, USAGER_LAST_NAME, "the last name field is named");
	free(err);
	char *name = usager_display_name(&(struct usager){.first_name = "Noël", .last_name = "Lefèvre-Çelik"});
	is_str(name, "Noël LEFÈVRE-ÇELIK", "display name upper-cases the last name, accents included");
	free(name);
	usager_free(u);
	usager_free(NULL);

	struct usager_stats s;
	usager_stats_init(&s);
	usager_stats_add(&s, "Suivi social", RDV_SEEN, false);
	usager_stats_add(&s, "Suivi social", RDV_NOSHOW, false);
	usager_stats_add(&s, "Premier accueil", RDV_EXCUSED, false);
	usager_stats_add(&s, "Suivi social", RDV_UNKNOWN, true);
	usager_stats_add(&s, "Premier accueil", RDV_REVOKED, true);
	usager_stats_sort(&s);
	is_int(s.total, 5, "5 rdvs in all");
	is_int(s.by_status[RDV_SEEN], 1, "1 honoré");
	is_int(s.by_status[RDV_EXCUSED], 1, "1 annulé (excusé)");
	is_int(s.by_status[RDV_REVOKED], 1, "1 annulé par le service");
	is_int(s.by_status[RDV_NOSHOW], 1, "1 absence non excusée");
	is_int(s.upcoming, 1, "1 upcoming (the cancelled one does not count)");
	is_int(s.nmotifs, 2, "2 motifs");
	is_str(s.motifs[0].motif, "Suivi social", "the most frequent motif first");
	is_int(s.motifs[0].total, 3, "3 Suivi social");
	is_int(s.motifs[0].seen, 1, "1 of them honoré");
	usager_stats_clear(&s);
	is_int(s.nmotifs, 0, "cleared");
	return done_testing();
}
