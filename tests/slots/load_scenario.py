#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Turn a scenario file (spec/slots.md §5) into SQL for a migrated database,
and into the arguments of the equivalent `rdv slots --motif` search.

    load_scenario.py SCENARIO.json ADMIN_ROLE SQL_OUT ARGS_OUT

The SQL (run by the superuser) creates one territory and organisation with
the scenario's holiday zone and options, the motif with the same id,
duration and delays (and any other motif a plage names), the agents with
the same ids (each a member of the organisation) plus an admin agent whose
login is ADMIN_ROLE, the lieux, the plages with the same ids and created_at
(local time -> timestamptz in Europe/Paris), the absences and the rdvs (local
times -> timestamptz) with their agents. ARGS_OUT gets one argument per
line. Test data only: values are quoted, never trusted as SQL.
"""

import json
import sys

ZONE = "Europe/Paris"


def lit(v):
    """An SQL literal for a scenario value."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def local_ts(s):
    """'2026-03-02T08:05' -> timestamptz literal in the territory's zone."""
    return "(%s::timestamp AT TIME ZONE %s)" % (lit(s.replace("T", " ")), lit(ZONE))


def main():
    path, admin_role, sql_out, args_out = sys.argv[1:5]
    with open(path, encoding="utf-8") as f:
        sc = json.load(f)
    motif = sc["motif"]
    plages = sc.get("plages", [])
    absences = sc.get("absences", [])
    rdvs = sc.get("rdvs", [])

    agents = set()
    for p in plages:
        agents.add(p["agent"])
    for a in absences:
        agents.add(a["agent"])
    for r in rdvs:
        agents.update(r["agents"])
    agents.update(sc.get("agents", []))
    admin_id = max(agents | {0}) + 100
    lieux = sorted({p["lieu"] for p in plages if p.get("lieu") is not None}
                   | ({sc["lieu"]} if sc.get("lieu") is not None else set()))
    other_motifs = sorted({m for p in plages for m in p["motifs"]} - {motif["id"]})

    q = []
    q.append("INSERT INTO rdv.territories (id, name, time_zone, holiday_zone) VALUES (1, 'Scénario', %s, %s);"
             % (lit(ZONE), lit(sc.get("holiday_zone", "metropole"))))
    q.append("INSERT INTO rdv.organisations (id, territory_id, name, open_on_whit_monday, open_on_holidays) "
             "VALUES (1, 1, 'Organisation du scénario', %s, %s);"
             % (lit(sc.get("open_on_whit_monday", False)), lit(sc.get("open_on_holidays", False))))
    q.append("INSERT INTO rdv.services (id, name, short_name) VALUES (1, 'Service social', 'Social');")
    q.append("INSERT INTO rdv.motifs (id, organisation_id, service_id, name, default_duration_in_min, "
             "min_booking_delay_min, max_booking_delay_min) VALUES (%d, 1, 1, 'Motif du scénario', %d, %d, %d);"
             % (motif["id"], motif["duration_min"], motif.get("min_delay_min", 30),
                motif.get("max_delay_min", 129600)))
    for m in other_motifs:
        q.append("INSERT INTO rdv.motifs (id, organisation_id, service_id, name) VALUES (%d, 1, 1, %s);"
                 % (m, lit("Autre motif %d" % m)))
    for a in sorted(agents):
        q.append("INSERT INTO rdv.agents (id, first_name, last_name) VALUES (%d, 'Agent', %s);"
                 % (a, lit("Numéro %d" % a)))
        q.append("INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level) VALUES (%d, 1, 'basic');" % a)
        q.append("INSERT INTO rdv.agent_services (agent_id, service_id) VALUES (%d, 1);" % a)
    q.append("INSERT INTO rdv.agents (id, first_name, last_name, db_role) VALUES (%d, 'Admin', 'Scénario', %s);"
             % (admin_id, lit(admin_role)))
    q.append("INSERT INTO rdv.agent_roles (agent_id, organisation_id, access_level) VALUES (%d, 1, 'admin');"
             % admin_id)
    for l in lieux:
        q.append("INSERT INTO rdv.lieux (id, organisation_id, name, address) VALUES (%d, 1, %s, %s);"
                 % (l, lit("Lieu %d" % l), lit("%d rue du Scénario" % l)))
    for p in plages:
        q.append("INSERT INTO rdv.plages_ouverture (id, organisation_id, agent_id, lieu_id, title, first_day, "
                 "start_time, end_time, rrule, created_at) VALUES (%d, 1, %d, %s, %s, %s, %s, %s, %s, %s);"
                 % (p["id"], p["agent"], lit(p.get("lieu")), lit("Plage %d" % p["id"]), lit(p["first_day"]),
                    lit(p["start"]), lit(p["end"]), lit(p.get("rrule")), local_ts(p["created_at"])))
        for m in p["motifs"]:
            q.append("INSERT INTO rdv.plage_motifs (plage_id, motif_id) VALUES (%d, %d);" % (p["id"], m))
    for a in absences:
        q.append("INSERT INTO rdv.absences (id, agent_id, title, first_day, start_time, end_day, end_time, rrule) "
                 "VALUES (%d, %d, %s, %s, %s, %s, %s, %s);"
                 % (a["id"], a["agent"], lit("Absence %d" % a["id"]), lit(a["first_day"]), lit(a["start"]),
                    lit(a.get("end_day", a["first_day"])), lit(a["end"]), lit(a.get("rrule"))))
    for r in rdvs:
        q.append("INSERT INTO rdv.rdvs (id, organisation_id, motif_id, starts_at, ends_at, status) "
                 "VALUES (%d, 1, %d, %s, %s, %s);"
                 % (r["id"], motif["id"], local_ts(r["starts_at"]), local_ts(r["ends_at"]), lit(r["status"])))
        for a in r["agents"]:
            q.append("INSERT INTO rdv.rdv_agents (rdv_id, agent_id) VALUES (%d, %d);" % (r["id"], a))
    with open(sql_out, "w", encoding="utf-8") as f:
        f.write("\n".join(q) + "\n")

    args = ["--motif", str(motif["id"]), "--now", sc["now"], "--from", sc["from"]]
    if "to" in sc:
        args += ["--to", sc["to"]]
    if "side" in sc:
        args += ["--side", sc["side"]]
    if sc.get("lieu") is not None:
        args += ["--lieu", str(sc["lieu"])]
    for a in sc.get("agents", []):
        args += ["--agent", str(a)]
    with open(args_out, "w", encoding="utf-8") as f:
        f.write("\n".join(args) + "\n")


if __name__ == "__main__":
    main()
