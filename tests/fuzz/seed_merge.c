/* seed_merge.c — writes the seed device databases of fuzz_merge's corpus.
 *
 *     seed_merge DIR
 *
 * Built and run by `tools/fuzz --seed-merge`. Every file is made through the
 * kiosk's own schema (hd_gen_open creates it with hd_store_open) and then
 * shrunk to 512-byte pages, so the fuzzer's mutations land on b-tree
 * structure and records rather than on kilobytes of empty page. One file
 * keeps the kiosk's own 4096-byte pages and WAL header. Some files are
 * valid, some are each refused for one reason, so the corpus starts on both
 * sides of every check merge.c makes.
 */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sync_store.h"

static const char *dir;

static const char *path_of(const char *name)
{
    static char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void must(hd_err e, const char *what)
{
    if (e != HD_OK) {
        fprintf(stderr, "seed_merge: %s: %s\n", what, hd_strerror(e));
        exit(1);
    }
}

static void sql_file(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "seed_merge: %s: %s\n", path, msg ? msg : sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_close(db);
}

/* Small pages, rollback journal, no slack. */
static void shrink(const char *path)
{
    sql_file(path, "PRAGMA journal_mode=DELETE; PRAGMA page_size=512; VACUUM;");
}

static hd_gen *start(const char *name)
{
    const char *p = path_of(name);
    unlink(p);
    hd_gen *g = NULL;
    must(hd_gen_open(p, &g), name);
    return g;
}

static void session(hd_gen *g, const char *id, const char *lang, const char *tier,
                    const char *venue, const char *status, const char *ended)
{
    hd_gen_session s = {
        .id = id,
        .device_id = "5d1c43a0-3b7e-4c1e-9a55-0c2f6e8d9b11",
        .survey_id = "local-health",
        .survey_version = "2026-11-a",
        .language = lang,
        .tier = tier,
        .venue = venue,
        .mode = tier ? "self" : NULL,
        .started_at = "2026-11-22T10:04:05Z",
        .ended_at = ended,
        .status = status,
    };
    must(hd_gen_session_add(g, &s), id);
}

static void answer(hd_gen *g, const char *sid, const char *q, const char *v)
{
    must(hd_gen_answer_add(g, sid, q, v, "2026-11-22T10:05:00.250Z"), q);
}

static void contact(hd_gen *g, const char *id)
{
    unsigned char sealed[80];
    for (size_t i = 0; i < sizeof sealed; i++)
        sealed[i] = (unsigned char)(i * 37 + 11);
    must(hd_gen_contact_add(g, id, "local-health", "2026-11-22", sealed, sizeof sealed),
         "contact");
}

static void finish(hd_gen *g, const char *name, int small)
{
    must(hd_gen_close(g), name);
    if (small)
        shrink(path_of(name));
}

#define S1 "0b6a3f1e-8c2d-4e5f-9a1b-2c3d4e5f6a7b"
#define S2 "1c7b4a2f-9d3e-4f60-8b2c-3d4e5f6a7b8c"
#define S3 "2d8c5b3a-0e4f-4a71-9c3d-4e5f6a7b8c9d"
#define C1 "3e9d6c4b-1f5a-4b82-8d4e-5f6a7b8c9d0e"

static void one_of_each(hd_gen *g)
{
    session(g, S1, "pl", "story", "St Mary's hall", "complete", "2026-11-22T10:09:00Z");
    answer(g, S1, "gp-access", "2");
    answer(g, S1, "barriers", "transport language");
    answer(g, S1, "story", "Czekałam trzy tygodnie, \"za długo\".\nDziękuję");
    answer(g, S1, "age", "prefer_not_to_say");
    session(g, S2, "ur", "quick", NULL, "abandoned", NULL);
    answer(g, S2, "gp-access", "5");
    session(g, S3, "en-GB", NULL, NULL, "in_progress", NULL);
    contact(g, C1);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: seed_merge DIR\n");
        return 2;
    }
    dir = argv[1];

    finish(start("empty.db"), "empty.db", 1);

    hd_gen *g = start("valid.db");
    one_of_each(g);
    finish(g, "valid.db", 1);

    g = start("valid-wal-4096.db"); /* as the kiosk leaves it */
    one_of_each(g);
    finish(g, "valid-wal-4096.db", 0);

    g = start("many.db");
    for (int i = 0; i < 12; i++) {
        char id[40];
        snprintf(id, sizeof id, "%08x-aaaa-4bbb-8ccc-%012x", 0x1000 + i, 0x2000 + i);
        static const char *const langs[] = {"en", "cy", "pl", "ar", "so", "pa", "bn", "ro"};
        session(g, id, langs[i % 8], i % 3 ? "quick" : "story", i % 4 ? "Barber's" : NULL,
                i % 5 ? "complete" : "abandoned", "2026-11-22T11:00:00Z");
        answer(g, id, "gp-access", i % 2 ? "1" : "4");
        answer(g, id, "ethnicity", i % 3 ? "asian" : "black");
    }
    finish(g, "many.db", 1);

    g = start("orphan-answer.db");
    one_of_each(g);
    finish(g, "orphan-answer.db", 0);
    sql_file(path_of("orphan-answer.db"),
             "INSERT INTO answer VALUES('9f9f9f9f-0000-4000-8000-000000000000','q','v',"
             "'2026-11-22T10:05:00Z')");
    shrink(path_of("orphan-answer.db"));

    g = start("bad-values.db");
    one_of_each(g);
    must(hd_gen_exec(g, "INSERT INTO session VALUES('not-a-uuid','x','s','v','en',NULL,NULL,"
                        "NULL,'yesterday',NULL,'finished')"),
         "bad values");
    finish(g, "bad-values.db", 1);

    g = start("trigger.db");
    one_of_each(g);
    must(hd_gen_exec(g, "CREATE TRIGGER t AFTER INSERT ON answer BEGIN DELETE FROM session; END"),
         "trigger");
    finish(g, "trigger.db", 1);

    g = start("view.db");
    one_of_each(g);
    must(hd_gen_exec(g, "CREATE VIEW v AS SELECT * FROM session"), "view");
    finish(g, "view.db", 1);

    g = start("extra-table.db");
    one_of_each(g);
    must(hd_gen_exec(g, "CREATE TABLE extra(x)"), "extra table");
    finish(g, "extra-table.db", 1);

    g = start("newer-version.db");
    one_of_each(g);
    finish(g, "newer-version.db", 0);
    sql_file(path_of("newer-version.db"), "PRAGMA user_version=2");
    shrink(path_of("newer-version.db"));

    unlink(path_of("not-heard.db"));
    sql_file(path_of("not-heard.db"), "CREATE TABLE session(id); INSERT INTO session VALUES(1)");
    shrink(path_of("not-heard.db"));
    return 0;
}
