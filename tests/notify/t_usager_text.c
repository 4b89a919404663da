/* SPDX-License-Identifier: MIT */
/*
 * Texts of the messages to usagers (src/notify/usager_text.c): e-mail
 * subject and body and SMS for every event, a relative's responsible, a
 * phone motif, a collective rdv; GSM-7 transliteration and counting, and
 * the 160-septet budget of the SMS.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "core/xmalloc.h"
#include "notify/gsm7.h"
#include "notify/usager_text.h"

static struct outbox_item
item(const char *event)
{
	struct outbox_item it = {0};
	it.usager = true;
	it.event = (char *)event;
	it.object_type = (char *)"rdv";
	it.channel = (char *)"email";
	it.uid = (char *)"4d1c2b6e-0000-4000-8000-000000000001";
	it.summary = (char *)"RDV Accueil social";
	it.what = (char *)"Accueil social";
	it.location_type = (char *)"public_office";
	it.organisation = (char *)"MDS Valence";
	it.organisation_phone = (char *)"04 75 79 70 00";
	it.time_zone = (char *)"Europe/Paris";
	it.dtstart = (char *)"20261210T143000";
	it.dtend = (char *)"20261210T150000";
	it.location = (char *)"MDS Valence Centre, 12 rue Madier de Montjau, 26000 Valence";
	it.to_name = (char *)"Alice Martin";
	it.to_email = (char *)"alice@example.org";
	it.to_phone = (char *)"+33612345678";
	it.self = true;
	return it;
}

static bool
contains(const char *s, const char *part)
{
	return s && strstr(s, part) != NULL;
}

int
main(void)
{
	static const char *events[] = {"rdv_created", "rdv_updated", "rdv_cancelled", "rdv_restored",
	                               "rdv_reminder"};
	static const char *subjects[] = {
	    "RDV confirmé : Accueil social le jeudi 10 décembre 2026 à 14:30",
	    "RDV modifié : Accueil social le jeudi 10 décembre 2026 à 14:30",
	    "RDV annulé : Accueil social le jeudi 10 décembre 2026 à 14:30",
	    "RDV rétabli : Accueil social le jeudi 10 décembre 2026 à 14:30",
	    "Rappel : RDV Accueil social le jeudi 10 décembre 2026 à 14:30",
	};
	static const char *intros[] = {
	    "Votre rendez-vous est confirmé.", "Votre rendez-vous a changé.",
	    "Votre rendez-vous est annulé.", "Votre rendez-vous est rétabli (il avait été annulé).",
	    "Votre rendez-vous approche.",
	};
	static const char *sms[] = {
	    "RDV confirmé : Accueil social jeu. 10/12 à 14h30, MDS Valence Centre, 12 rue Madier de "
	    "Montjau, 26000 Valence. Modif/annul. : 04 75 79 70 00",
	    "RDV modifié : Accueil social jeu. 10/12 à 14h30, MDS Valence Centre, 12 rue Madier de "
	    "Montjau, 26000 Valence. Modif/annul. : 04 75 79 70 00",
	    "RDV annulé : Accueil social jeu. 10/12 à 14h30. Nouveau RDV : 04 75 79 70 00",
	    "RDV rétabli : Accueil social jeu. 10/12 à 14h30, MDS Valence Centre, 12 rue Madier de "
	    "Montjau, 26000 Valence. Modif/annul. : 04 75 79 70 00",
	    "Rappel RDV : Accueil social jeu. 10/12 à 14h30, MDS Valence Centre, 12 rue Madier de "
	    "Montjau, 26000 Valence. Modif/annul. : 04 75 79 70 00",
	};
	for (size_t i = 0; i < 5; i++) {
		struct outbox_item it = item(events[i]);
		char *s = usager_mail_subject(&it);
		is_str(s, subjects[i], "%s: e-mail subject", events[i]);
		free(s);
		char *b = usager_mail_body(&it);
		ok(contains(b, "Bonjour Alice Martin,\r\n\r\n") && contains(b, intros[i]),
		   "%s: greeting and what happened", events[i]);
		ok(contains(b, "Quand : jeudi 10 décembre 2026 de 14:30 à 15:00\r\n"),
		   "%s: when, in the territory's wall-clock time", events[i]);
		ok(contains(b, "Où : MDS Valence Centre, 12 rue Madier de Montjau, 26000 Valence\r\n"),
		   "%s: the lieu's address", events[i]);
		ok(contains(b, "appelez le : 04 75 79 70 00\r\n"), "%s: the number to call", events[i]);
		free(b);
		char *t = usager_sms_text(&it);
		is_str(t, sms[i], "%s: SMS", events[i]);
		ok(gsm7_septets(t) != (size_t)-1 && gsm7_septets(t) <= 160,
		   "%s: SMS in GSM-7, %zu septets ≤ 160", events[i], gsm7_septets(t));
		free(t);
	}

	/* Update: old time and old lieu. */
	struct outbox_item it = item("rdv_updated");
	it.old_dtstart = (char *)"20261209T090000";
	it.old_dtend = (char *)"20261209T093000";
	it.old_location = (char *)"Lieu A1, 1 rue de la Paix, 26000 Valence";
	char *b = usager_mail_body(&it);
	ok(contains(b, "Ancien horaire : mercredi 9 décembre 2026 de 09:00 à 09:30\r\n") &&
	       contains(b, "Ancien lieu : Lieu A1, 1 rue de la Paix, 26000 Valence\r\n"),
	   "update: old time and old lieu");
	free(b);

	/* A relative: the responsible is told, the child named. */
	it = item("rdv_created");
	char *kids[] = {(char *)"Léo Martin"};
	it.relatives = kids;
	it.nrelatives = 1;
	it.self = false;
	b = usager_mail_body(&it);
	ok(contains(b, "Le rendez-vous de Léo Martin est confirmé.") &&
	       contains(b, "Pour : Léo Martin\r\n"),
	   "relative: the responsible reads whose rdv it is");
	free(b);
	char *t = usager_sms_text(&it);
	ok(contains(t, "Accueil social pour Léo Martin jeu. 10/12 à 14h30"), "relative: SMS names him");
	ok(gsm7_septets(t) <= 160, "relative: SMS ≤ 160 (%zu)", gsm7_septets(t));
	free(t);
	it.self = true;
	b = usager_mail_body(&it);
	ok(contains(b, "Votre rendez-vous et celui de Léo Martin sont confirmés."),
	   "mother and son in one rdv: one message about both");
	free(b);

	/* Phone motif: no address, "RDV téléphonique". */
	it = item("rdv_reminder");
	it.location_type = (char *)"phone";
	it.location = NULL;
	b = usager_mail_body(&it);
	ok(contains(b, "Où : RDV téléphonique : un agent vous appellera"), "phone motif: mail");
	free(b);
	t = usager_sms_text(&it);
	is_str(t, "Rappel RDV : Accueil social jeu. 10/12 à 14h30, RDV téléphonique. Modif/annul. : "
	          "04 75 79 70 00",
	       "phone motif: SMS");
	free(t);

	/* Collective rdv title, no organisation phone. */
	it = item("rdv_created");
	it.name = (char *)"Atelier numérique";
	it.organisation_phone = NULL;
	b = usager_mail_body(&it);
	ok(contains(b, "Motif : Accueil social « Atelier numérique »") && !contains(b, "appelez"),
	   "collective: title, no number when none is known");
	free(b);

	/* Long texts: the budget cuts the address, then the motif, never the date or the number. */
	it = item("rdv_updated");
	it.what = (char *)"Accompagnement à la constitution du dossier de demande de logement social";
	it.location = (char *)"Maison départementale des solidarités du Haut-Diois, 15 avenue "
	                      "Général-de-Gaulle, 26150 Die";
	t = usager_sms_text(&it);
	ok(gsm7_septets(t) <= 160, "long motif and address: ≤ 160 septets (%zu)", gsm7_septets(t));
	ok(contains(t, "10/12 à 14h30") && contains(t, "04 75 79 70 00"),
	   "long: date, time and number kept");
	ok(contains(t, ", Maison départementale des solidarités du Haut-Diois. "),
	   "long: the lieu's name kept, its address dropped");
	free(t);

	/* GSM-7. */
	t = gsm7_transliterate("Rôle, fête, île, çà, Œuvre, où, été, À « bientôt » – l’équipe…");
	is_str(t, "Role, fete, ile, cà, OEuvre, où, été, A \" bientot \" - l'équipe...",
	       "accents GSM-7 lacks are transliterated, é è ù à kept");
	ok(gsm7_septets(t) != (size_t)-1, "the result is all GSM-7");
	free(t);
	is_int(gsm7_septets("abc"), 3, "ASCII: one septet each");
	is_int(gsm7_septets("é€[]"), 7, "é one septet, € [ ] two (extension table)");
	ok(gsm7_septets("ê") == (size_t)-1, "ê is not GSM-7");
	ok(gsm7_septets("😀") == (size_t)-1, "an emoji is not GSM-7");
	t = gsm7_transliterate("RDV 😀\x01ok");
	is_str(t, "RDV ? ok", "emoji → ?, control character → space");
	free(t);
	char longs[200];
	memset(longs, 'a', 160);
	longs[160] = '\0';
	is_int(gsm7_septets(longs), 160, "160 a: one SMS exactly");
	return done_testing();
}
