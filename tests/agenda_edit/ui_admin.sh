#!/bin/sh
# Administration (F7), demo of 2026-05-13: a basic agent is turned away;
# camille (admin of the MDS) creates and edits a motif, creates a lieu and
# an agent whose login role then opens the agenda, gives julien access to
# the PMI service, and cannot demote the organisation's last admin.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
conn() {
	echo "host=$PGHOST port=$PGPORT dbname=rdv user=$1"
}
field() {
	tmux_keys C-a C-k
	tmux_text "$1"
}
down() {
	i=0
	while [ "$i" -lt "$1" ]; do
		tmux_keys Down
		i=$((i + 1))
	done
}

# ------------------------------------------------------------ a basic agent
TMUX_SESSION=julien
tmux_start 120 40 "$RDV tui --db '$(conn julien)' --now 2026-05-13T10:00"
tmux_wait "Semaine 20" 15
tmux_keys F7
tmux_wait "Administration réservée aux administrateurs de l'organisation." 5
ok $? "a basic agent gets no administration screen"
unlike "$(tmux_screen)" "Premier accueil social" "and sees no list"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "julien quits"

# ------------------------------------------------------------ motifs
TMUX_SESSION=camille
tmux_start 120 40 "$RDV tui --db '$(conn camille)' --now 2026-05-13T10:00"
tmux_wait "Semaine 20" 15
tmux_keys F7
tmux_wait "Premier accueil social" 5
ok $? "F7: camille sees the motifs of the MDS"
screen=$(tmux_screen)
like "$screen" "Administration · MDS Valence" "of her organisation"
like "$screen" "Premier accueil social · Social · Sur place · 45 min · #1F77B4 · délais 30 min–3 mois · agents seulement" \
	"each motif with its service, location type, duration, colour, delays and who books"
like "$screen" "Consultation PMI nourrisson · PMI · Sur place · 30 min · #E377C2 · délais 2 h–3 mois · en ligne" \
	"a motif bookable online"
tmux_keys C-n
tmux_wait "Nouveau motif" 5
ok $? "Ctrl+N: a new motif"
field "Bilan budgétaire"
tmux_keys Down S Down
field "40"
tmux_keys Down Down
field "#zz0000"
tmux_keys Down Right Down Down Right Right Right
tmux_keys Enter
tmux_wait "Couleur : #RRGGBB attendu (ex. #1F77B4)" 5
ok $? "a bad colour: French message"
screen=$(tmux_screen)
like "$screen" "Nom *                  Bilan budgétaire" "the name is kept"
like "$screen" "Service *              ‹ Service social ›" "the service is kept"
like "$screen" "Couleur *              #zz0000" "the colour as typed"
field "#8c564b"
tmux_keys Enter
tmux_wait "Motif créé." 5
ok $? "the motif is created"
tmux_wait "Bilan budgétaire · Social · Sur place · 40 min · #8C564B · délais 1 h–3 mois · en ligne" 5
ok $? "and listed"
is "$(sql -c "SELECT organisation_id, s.name, default_duration_in_min, location_type, color, min_booking_delay_min, max_booking_delay_min, bookable_by FROM rdv.motifs m JOIN rdv.services s ON s.id = m.service_id WHERE m.name = 'Bilan budgétaire'")" \
	"1|Service social|40|public_office|#8C564B|60|129600|everyone" "stored in the MDS"
is "$(psql -X -q -t -A "$(conn julien)" -c "SELECT (SELECT id FROM rdv.motifs WHERE name = 'Bilan budgétaire') = ANY (rdv.plage_motif_ids(3, 1))")" "t" \
	"julien (Service social) may now put it in his plages"
tmux_keys Down e
tmux_wait "Modifier le motif" 5
ok $? "e on the second motif (by name) opens it"
like "$(tmux_screen)" "Nom *                  Bilan budgétaire" "the motif just created"
down 3
tmux_keys Right Right
tmux_keys Enter
tmux_wait "Motif modifié." 5
ok $? "its location type is changed"
is "$(sql -c "SELECT location_type FROM rdv.motifs WHERE name = 'Bilan budgétaire'")" "phone" "to the phone"

# ------------------------------------------------------------ lieux
tmux_keys Right
tmux_wait "MDS Valence Centre · 12 rue Madier de Montjau, 26000 Valence · 04 75 79 70 00" 5
ok $? "→: the lieux of the MDS"
tmux_keys C-n
tmux_wait "Nouveau lieu" 5
field "Maison France Services"
tmux_keys Down
field "2 place de la Liberté, 26000 Valence"
tmux_keys Down
field "04 75 00 00 01"
tmux_keys Enter
tmux_wait "Lieu créé." 5
ok $? "a lieu is created"
tmux_wait "Maison France Services · 2 place de la Liberté, 26000 Valence · 04 75 00 00 01" 5
ok $? "and listed"
is "$(sql -c "SELECT organisation_id, address, phone_number, availability FROM rdv.lieux WHERE name = 'Maison France Services'")" \
	"1|2 place de la Liberté, 26000 Valence|04 75 00 00 01|enabled" "stored in the MDS"

# ------------------------------------------------------------ agents
tmux_keys Right
tmux_wait "BERNARD Julien · julien · agent · Social" 5
ok $? "→: the agents of the MDS, with login, role and services"
like "$(tmux_screen)" "LEGRAND François · (sans connexion) · intervenant (sans connexion) · PMI" "an intervenant has no login"
tmux_keys C-n
tmux_wait "Nouvel agent" 5
field "Paul"
tmux_keys Down
field "Petit"
tmux_keys Down
field "paul.petit@drome.example.fr"
tmux_keys Down
field "Paul Petit"
down 5
tmux_keys Space
tmux_keys Enter
tmux_wait "Identifiant : lettres minuscules, chiffres, « _ », « . » ou « - »" 5
ok $? "a login with capitals and a space: French message"
screen=$(tmux_screen)
like "$screen" "Service Social         [x]" "the checked service is kept"
like "$screen" "E-mail                 paul.petit@drome.example.fr" "and the e-mail"
field "paul.petit"
tmux_keys Enter
tmux_wait "Agent créé : il se connecte avec user=paul.petit." 5
ok $? "the agent is created with his login"
tmux_wait "PETIT Paul · paul.petit · agent · Social" 5
ok $? "and listed"
is "$(sql -c "SELECT a.email, r.access_level, rl.rolcanlogin, pg_has_role('paul.petit', 'rdv_agent', 'MEMBER') FROM rdv.agents a JOIN rdv.agent_roles r ON r.agent_id = a.id JOIN pg_roles rl ON rl.rolname = a.db_role WHERE a.db_role = 'paul.petit'")" \
	"paul.petit@drome.example.fr|basic|t|t" "his PostgreSQL login role exists, in rdv_agent"

# Julien gets access to the PMI service (the agents are listed by name).
tmux_keys Home e
tmux_wait "Modifier l'agent" 5
ok $? "e on BERNARD Julien"
like "$(tmux_screen)" "Identifiant : julien" "his login is shown, not editable"
down 5
tmux_keys Space Enter
tmux_wait "Agent modifié." 5
ok $? "julien is given the PMI service"
tmux_wait "BERNARD Julien · julien · agent · Social, PMI" 5
ok $? "listed with both services"
is "$(sql -c "SELECT string_agg(s.short_name, ',' ORDER BY s.short_name) FROM rdv.agent_services x JOIN rdv.services s ON s.id = x.service_id JOIN rdv.agents a ON a.id = x.agent_id WHERE a.db_role = 'julien'")" \
	"PMI,Social" "stored"

# The last admin stays admin.
tmux_keys Down e
tmux_wait "Identifiant : camille" 5
ok $? "camille opens herself"
down 3
tmux_keys Left Enter
tmux_wait "Non enregistré : Rôle : l'organisation doit garder au moins un administrateur" 5
ok $? "she cannot stop being the MDS's last admin"
is "$(sql -c "SELECT access_level FROM rdv.agent_roles r JOIN rdv.agents a ON a.id = r.agent_id WHERE a.db_role = 'camille'")" \
	"admin" "her role is unchanged"
# Her change was refused, not saved: Échap asks before dropping it.
tmux_keys Escape
tmux_wait "Abandonner les modifications ? o : oui · n : non" 5
ok $? "Échap on the changed form asks before dropping it"
tmux_keys o
tmux_wait_gone "Identifiant : camille" 5
tmux_keys q
is "$(tmux_exit_status 10)" "0" "camille quits"

# ------------------------------------------------------------ the new agent logs in
TMUX_SESSION=paul
tmux_start 120 40 "$RDV tui --db '$(conn paul.petit)' --now 2026-05-13T10:00"
tmux_wait "Agenda de Paul PETIT" 15
ok $? "rdv tui --db \"… user=paul.petit\" opens his agenda"
like "$(tmux_screen)" "Paul PETIT · MDS Valence" "in the MDS"
tmux_keys o
tmux_wait "Titre *" 5
ok $? "he may open a plage"
like "$(tmux_screen)" "[ ] Premier accueil social, 45 min" "with the Service social motifs"
tmux_keys Escape q
is "$(tmux_exit_status 10)" "0" "paul.petit quits"

# Julien now sees nadia's plages (PMI), as a confrère.
is "$(psql -X -q -t -A "$(conn julien)" -c "SELECT count(*) FROM rdv.plages_ouverture WHERE agent_id = (SELECT id FROM rdv.agents WHERE last_name = 'Haddad')")" \
	"3" "julien, given the PMI service, sees nadia's three plages"
done_testing
