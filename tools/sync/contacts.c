/* contacts.c — heard-sync contacts --db DB --secret FILE --out CONTACTS.csv
 *
 * Opens every sealed contact (crypto_box_seal_open with the coordinator's
 * key pair; the public half is derived from the secret one) and writes one
 * CSV row per volunteer: name, phone, email, language, date, survey, and
 * any other answers they gave. The file is personal data: it is created
 * 0600 and written atomically, with the same CSV rules as the export.
 *
 * A sealed record is a UTF-8 JSON object. Two shapes are read:
 *   {"language": "ur", "name": "...", "phone": "...", "email": "...",
 *    "answers": {"<question-id>": "<value>", ...}}
 *   {"<question-id>": "<value>", ..., "language": "ur"}   (what the kiosk's
 *                                                          flow writes)
 * In the flat shape, answers to questions called name / phone / email fill
 * those columns; otherwise a value shaped like an email address or a phone
 * number does. Everything else goes to "other" as "id: value; ...".
 *
 * A record that the key cannot open, or whose content is damaged, gets an
 * error line of its own and is left out; the others are still written, and
 * the exit status is then 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/csv.h"
#include "core/json.h"
#include "store/sync_store.h"
#include "sync.h"
#include "sync_util.h"
#include "sys/sys.h"

#define CMD "contacts"
#define USAGE "contacts --db DB --secret FILE --out CONTACTS.csv"

/* Reads the secret key file: base64 of 32 bytes and a newline. */
static int read_secret(const char *path, unsigned char sk[crypto_box_SECRETKEYBYTES])
{
    char *text = NULL;
    size_t len = 0;
    hd_err e = hd_file_read(path, &text, &len);
    if (e != HD_OK)
        return sync_fail(CMD, "cannot read %s: %s", path,
                         e == HD_ENOTFOUND ? "no such file" : hd_strerror(e));
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        text[--len] = '\0';
    size_t got = 0;
    int rc = sodium_base642bin(sk, crypto_box_SECRETKEYBYTES, text, len, NULL, &got, NULL,
                               sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(text, len);
    free(text);
    if (rc != 0 || got != crypto_box_SECRETKEYBYTES)
        return sync_fail(CMD,
                         "%s is not a secret key file (it should hold one line: the base64 of "
                         "%d bytes, as heard-sync keygen writes it)",
                         path, crypto_box_SECRETKEYBYTES);
    struct stat sb;
    if (stat(path, &sb) == 0 && (sb.st_mode & 077))
        fprintf(stderr,
                "heard-sync: contacts: warning: %s can be read by other users of this computer "
                "(chmod 600 %s)\n",
                path, path);
    return 0;
}

typedef struct person {
    const char *name, *phone, *email, *language;
    char *other;
    size_t olen, ocap;
} person;

static bool looks_email(const char *s)
{
    const char *at = strchr(s, '@');
    return at && at != s && strchr(at, '.') && !strchr(s, ' ');
}

static bool looks_phone(const char *s)
{
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr(" +-().", *p))
            return false;
    }
    return digits >= 7;
}

static void other_add(person *p, const char *key, const char *value)
{
    size_t need = strlen(key) + strlen(value) + 5;
    if (p->olen + need > p->ocap) {
        size_t cap = p->ocap ? p->ocap * 2 : 256;
        while (cap < p->olen + need)
            cap *= 2;
        char *g = realloc(p->other, cap);
        if (!g)
            return;
        p->other = g;
        p->ocap = cap;
    }
    p->olen += (size_t)snprintf(p->other + p->olen, p->ocap - p->olen, "%s%s: %s",
                                p->olen ? "; " : "", key, value);
}

/* An answer by question id: fills a named column or goes to "other". */
static void take_answer(person *p, const char *key, const char *value)
{
    if (!value[0])
        return;
    if (!p->name && strcmp(key, "name") == 0)
        p->name = value;
    else if (!p->phone && strcmp(key, "phone") == 0)
        p->phone = value;
    else if (!p->email && strcmp(key, "email") == 0)
        p->email = value;
    else if (!p->email && looks_email(value))
        p->email = value;
    else if (!p->phone && looks_phone(value))
        p->phone = value;
    else if (!p->name && strstr(key, "name"))
        p->name = value;
    else
        other_add(p, key, value);
}

/* Fills p from the JSON object; false when it is not one. */
static bool read_person(const hd_json *root, person *p)
{
    if (!root || root->type != HD_JSON_OBJECT)
        return false;
    /* Named fields first, so that answers cannot take their place. */
    for (const hd_json *m = root->child; m; m = m->next) {
        if (m->type != HD_JSON_STRING)
            continue;
        if (strcmp(m->key, "language") == 0)
            p->language = m->string;
        else if (strcmp(m->key, "name") == 0)
            p->name = m->string;
        else if (strcmp(m->key, "phone") == 0)
            p->phone = m->string;
        else if (strcmp(m->key, "email") == 0)
            p->email = m->string;
    }
    for (const hd_json *m = root->child; m; m = m->next) {
        if (strcmp(m->key, "answers") == 0 && m->type == HD_JSON_OBJECT) {
            for (const hd_json *a = m->child; a; a = a->next)
                if (a->type == HD_JSON_STRING)
                    take_answer(p, a->key, a->string);
        } else if (m->type == HD_JSON_STRING && strcmp(m->key, "language") != 0 &&
                   strcmp(m->key, "name") != 0 && strcmp(m->key, "phone") != 0 &&
                   strcmp(m->key, "email") != 0) {
            take_answer(p, m->key, m->string);
        }
    }
    return true;
}

/* "3f2a9c1e…" — enough of an id to find the record, as in the error lines. */
static const char *short_id(const char *id, char buf[16])
{
    snprintf(buf, 16, "%.8s%s", id, strlen(id) > 8 ? "\xE2\x80\xA6" : "");
    return buf;
}

int sync_contacts(int argc, char **argv)
{
    static const char *const value_flags[] = {"--db", "--secret", "--out", NULL};
    if (sync_check_args(CMD, argc, argv, value_flags, NULL) != 0 ||
        sync_no_positional(CMD, argc, argv, value_flags, USAGE) != 0)
        return 1;
    const char *db_path = sync_opt(argc, argv, "--db");
    const char *secret = sync_opt(argc, argv, "--secret");
    const char *out_path = sync_opt(argc, argv, "--out");
    if (!db_path || !secret || !out_path)
        return sync_fail(CMD, "--db, --secret and --out are required (usage: heard-sync " USAGE
                              ")");
    if (strcmp(out_path, db_path) == 0 || strcmp(out_path, secret) == 0)
        return sync_fail(CMD, "--out %s would overwrite an input", out_path);
    struct stat sb;
    if (stat(db_path, &sb) != 0)
        return sync_fail(CMD, "%s: no such database", db_path);
    if (sync_crypto_init(CMD) != 0)
        return 1;
    unsigned char sk[crypto_box_SECRETKEYBYTES], pk[crypto_box_PUBLICKEYBYTES];
    if (read_secret(secret, sk) != 0)
        return 1;
    crypto_scalarmult_base(pk, sk);
    char why[1024];
    hd_syncdb *db = NULL;
    hd_contact_iter *it = NULL;
    hd_csv *w = NULL;
    sync_out o = {0};
    int status = 1;
    long ok = 0, failed = 0;
    hd_err err = hd_syncdb_open(db_path, &db, why, sizeof why);
    if (err != HD_OK) {
        sync_fail(CMD, "%s", why);
        goto out;
    }
    err = sync_out_open(&o, out_path, 0600);
    if (err != HD_OK) {
        sync_fail(CMD, "cannot write %s: %s", out_path, hd_strerror(err));
        goto out;
    }
    err = hd_csv_open(sync_out_sink, &o, &w);
    if (err == HD_OK) {
        const char *head[] = {"name", "phone", "email", "language", "date", "survey", "other"};
        for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
            hd_csv_cell(w, head[i]);
        err = hd_csv_end_row(w);
    }
    if (err == HD_OK)
        err = hd_contacts_begin(db, &it);
    while (err == HD_OK) {
        hd_contact_row row;
        err = hd_contacts_next(it, &row);
        if (err != HD_OK)
            break;
        char sid[16];
        if (!row.sealed || row.sealed_len <= crypto_box_SEALBYTES) {
            fprintf(stderr, "heard-sync: contacts: contact %s: damaged (too short to hold a "
                            "sealed record)\n",
                    short_id(row.id, sid));
            failed++;
            continue;
        }
        size_t mlen = row.sealed_len - crypto_box_SEALBYTES;
        unsigned char *msg = sodium_malloc(mlen + 1);
        if (!msg) {
            err = HD_ENOMEM;
            break;
        }
        if (crypto_box_seal_open(msg, row.sealed, row.sealed_len, pk, sk) != 0) {
            fprintf(stderr, "heard-sync: contacts: contact %s: cannot be opened with this key\n",
                    short_id(row.id, sid));
            failed++;
            sodium_free(msg);
            continue;
        }
        msg[mlen] = '\0';
        hd_json_doc *doc = NULL;
        hd_diag d;
        hd_diag_init(&d, "contact");
        person p = {0};
        if (hd_json_parse((const char *)msg, mlen, &doc, &d) != HD_OK ||
            !read_person(hd_json_root(doc), &p)) {
            fprintf(stderr, "heard-sync: contacts: contact %s: opened, but what is inside is "
                            "damaged (not a JSON object)\n",
                    short_id(row.id, sid));
            failed++;
        } else {
            hd_csv_cell(w, p.name);
            hd_csv_cell(w, p.phone);
            hd_csv_cell(w, p.email);
            hd_csv_cell(w, p.language);
            hd_csv_cell(w, row.created_on);
            hd_csv_cell(w, row.survey_id);
            hd_csv_cell_n(w, p.other, p.olen);
            err = hd_csv_end_row(w);
            ok++;
        }
        if (p.other) {
            sodium_memzero(p.other, p.ocap);
            free(p.other);
        }
        hd_json_free(doc);
        sodium_free(msg); /* sodium_free wipes it */
    }
    if (err != HD_ENOTFOUND) {
        sync_fail(CMD, "%s: %s; nothing was written", db_path, hd_strerror(err));
        goto out;
    }
    err = hd_csv_finish(w);
    if (err == HD_OK)
        err = sync_out_commit(&o);
    if (err != HD_OK) {
        sync_fail(CMD, "cannot write %s: %s", out_path, hd_strerror(err));
        goto out;
    }
    fprintf(stderr, "contacts: %ld contact%s written to %s", ok, ok == 1 ? "" : "s",
            out_path);
    if (failed)
        fprintf(stderr, "; %ld could not be read (see above)", failed);
    fputc('\n', stderr);
    status = failed ? 1 : 0;
out:
    sodium_memzero(sk, sizeof sk);
    hd_csv_close(w);
    sync_out_abort(&o);
    hd_contacts_end(it);
    hd_syncdb_close(db);
    return status;
}
