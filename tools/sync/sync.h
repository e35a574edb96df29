/* sync.h — heard-sync's commands. Each takes the arguments after the command
 * name and returns the process exit status (0 on success). Errors are
 * printed as "heard-sync: <command>: <what is wrong>" via sync_fail(). */
#ifndef HD_SYNC_H
#define HD_SYNC_H

int sync_merge(int argc, char **argv);
int sync_export(int argc, char **argv);
int sync_report(int argc, char **argv);
int sync_keygen(int argc, char **argv);
int sync_pin_hash(int argc, char **argv);
int sync_contacts(int argc, char **argv);
int sync_pot(int argc, char **argv);
int sync_lint(int argc, char **argv);

/* Prints "heard-sync: <cmd>: <message>\n" to stderr; returns 1. */
int sync_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The value following flag name in argv (e.g. "--db"), or NULL. Every flag
 * used must be in known (NULL-terminated, both "--x" value flags); an unknown
 * flag or a missing value is reported and *bad set to 1. */
const char *sync_opt(int argc, char **argv, const char *name);
int sync_check_args(const char *cmd, int argc, char **argv, const char *const *value_flags,
                    const char *const *bool_flags);
int sync_has_flag(int argc, char **argv, const char *name);

#endif
