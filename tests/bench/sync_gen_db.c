/* sync_gen_db.c — writes a heard database full of generated sessions, for
 * heard-sync's benchmarks (tests/bench/sync_bench.sh) and by-hand trials.
 *
 *   sync_gen_db --survey FILE --out DB --sessions N [--seed S]
 *               [--complete-pct P] [--skip-pct P (-1: answer all)] [--canary TEXT]
 *               [--contacts-pk PUBLIC.key]
 *
 * The database is created with the kiosk's own schema (hd_store_open) and
 * filled in one transaction (src/store/sync_gen.c). Same seed, same file.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/survey.h"
#include "store/sync_store.h"
#include "sys/sys.h"

static const char *arg(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

int main(int argc, char **argv)
{
    const char *survey = arg(argc, argv, "--survey"), *out = arg(argc, argv, "--out");
    const char *n = arg(argc, argv, "--sessions"), *seed = arg(argc, argv, "--seed");
    const char *pct = arg(argc, argv, "--complete-pct");
    if (!survey || !out || !n) {
        fprintf(stderr, "usage: sync_gen_db --survey FILE --out DB --sessions N [--seed S] "
                        "[--complete-pct P] [--skip-pct P] [--canary TEXT] [--contacts-pk FILE]\n");
        return 2;
    }
    char *json;
    size_t len;
    if (hd_file_read(survey, &json, &len) != HD_OK) {
        fprintf(stderr, "sync_gen_db: cannot read %s\n", survey);
        return 1;
    }
    hd_diag d;
    hd_diag_init(&d, survey);
    hd_survey *sv;
    if (hd_survey_parse(json, len, survey, &sv, &d) != HD_OK) {
        char line[600];
        hd_diag_format(&d, 0, line, sizeof line);
        fprintf(stderr, "sync_gen_db: %s\n", line);
        return 1;
    }
    free(json);
    hd_gen *g;
    hd_err e = hd_gen_open(out, &g);
    if (e != HD_OK) {
        fprintf(stderr, "sync_gen_db: %s: %s\n", out, hd_strerror(e));
        return 1;
    }
    hd_gen_opts o = {.sessions = atol(n),
                     .seed = seed ? (unsigned)atol(seed) : 1,
                     .complete_pct = pct ? atoi(pct) : 100,
                     .skip_pct = arg(argc, argv, "--skip-pct") ? atoi(arg(argc, argv, "--skip-pct")) : 0,
                     .canary = arg(argc, argv, "--canary")};
    unsigned char pk[crypto_box_PUBLICKEYBYTES];
    const char *pkfile = arg(argc, argv, "--contacts-pk");
    if (pkfile) {
        char *text;
        size_t tl, got = 0;
        if (sodium_init() < 0 || hd_file_read(pkfile, &text, &tl) != HD_OK ||
            sodium_base642bin(pk, sizeof pk, text, tl, "\n", &got, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            got != sizeof pk) {
            fprintf(stderr, "sync_gen_db: %s is not a public key file\n", pkfile);
            return 1;
        }
        free(text);
        o.contact_pk = pk;
        o.contact_canary = "CONTACTCANARY";
    }
    e = hd_gen_survey(g, sv, &o);
    hd_err e2 = hd_gen_close(g);
    hd_survey_free(sv);
    if (e != HD_OK || e2 != HD_OK) {
        fprintf(stderr, "sync_gen_db: %s: %s\n", out, hd_strerror(e != HD_OK ? e : e2));
        return 1;
    }
    return 0;
}
