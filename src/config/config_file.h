/* SPDX-License-Identifier: MIT */
#ifndef RDV_CONFIG_CONFIG_FILE_H
#define RDV_CONFIG_CONFIG_FILE_H

/*
 * The configuration file ($XDG_CONFIG_HOME/rdv/config, else
 * ~/.config/rdv/config): "key = value" lines, '#' starts a comment line.
 * Keys: db (conninfo), pool_db (the transaction pooler's conninfo),
 * pool_ttl (minutes a pooled session token lives), read_db (a replica's
 * conninfo for reads), read_db_max_lag (seconds it may lag), theme,
 * accessible, sms.*, notify.*, smtp.*, bind.<action> (keys). The last line
 * wins.
 * Returns the value (caller frees) or NULL.
 */
char *config_get(const char *key);

#endif
