/* config.c — the kiosk's --config JSON (see config.h). */
#define _POSIX_C_SOURCE 200809L
#include "core/config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

/* crypto_pwhash_STRBYTES is 128 including the NUL; the core cannot include
 * sodium.h, so the bound is repeated here. */
#define PIN_HASH_MAX 127
#define MAX_SECONDS 86400.0
#define MAX_VENUES 200

void hd_config_default(hd_config *c)
{
    memset(c, 0, sizeof *c);
    c->still_there_after_ms = 60000;
    c->reset_after_ms = 30000;
    c->thanks_ms = 10000;
    c->min_gap_s = 20;
    c->renderer = HD_RENDERER_AUTO;
}

void hd_config_clear(hd_config *c)
{
    free(c->coordinator_public_key);
    free(c->staff_pin_hash);
    for (int i = 0; i < c->n_venues; i++)
        free(c->venues[i]);
    free(c->venues);
    free(c->venue);
    free(c->mode);
    free(c->usb_dir);
    free(c->font_dir);
    hd_config_default(c);
}

static const char *const known_keys[] = {
    "coordinator_public_key", "staff_pin_hash", "venues", "venue",    "mode",     "still_there_after_s",
    "reset_after_s",          "thanks_s",       "min_gap_s", "usb_dir", "font_dir", "renderer",
};

typedef struct ctx {
    hd_diag *diag;
    int errors;
    bool nomem;
} ctx;

#define BAD(cx, node, ...)                                                                   \
    do {                                                                                     \
        hd_diag_add((cx)->diag, (node)->line, (node)->col, __VA_ARGS__);                     \
        (cx)->errors++;                                                                      \
    } while (0)

static char *dup_str(ctx *cx, const char *s)
{
    char *d = strdup(s);
    if (!d)
        cx->nomem = true;
    return d;
}

/* A non-empty string without NUL; NULL (with a diagnostic) otherwise. */
static const char *want_string(ctx *cx, const hd_json *v, const char *key)
{
    if (v->type != HD_JSON_STRING) {
        BAD(cx, v, "\"%s\" must be a string, found %s", key, hd_json_type_phrase(v->type));
        return NULL;
    }
    if (v->string_len == 0) {
        BAD(cx, v, "\"%s\" must not be empty", key);
        return NULL;
    }
    return v->string;
}

static void want_seconds(ctx *cx, const hd_json *v, const char *key, int64_t *out_ms)
{
    if (v->type != HD_JSON_NUMBER) {
        BAD(cx, v, "\"%s\" must be a number of seconds, found %s", key,
            hd_json_type_phrase(v->type));
        return;
    }
    if (v->number < 0) {
        BAD(cx, v, "\"%s\" must not be negative, found %s", key, v->number_text);
        return;
    }
    if (v->number < 1 || v->number > MAX_SECONDS) {
        BAD(cx, v, "\"%s\" must be between 1 and %.0f seconds, found %s", key, MAX_SECONDS,
            v->number_text);
        return;
    }
    *out_ms = (int64_t)llround(v->number * 1000.0);
}

/* The minimum gap between complete sessions: whole seconds, 0 allowed (it
 * turns the flagging off), as hd_store_set_min_gap takes them. */
static void want_gap(ctx *cx, const hd_json *v, int *out_s)
{
    if (v->type != HD_JSON_NUMBER) {
        BAD(cx, v, "\"min_gap_s\" must be a number of seconds, found %s",
            hd_json_type_phrase(v->type));
        return;
    }
    if (v->number < 0 || v->number > MAX_SECONDS || v->number != floor(v->number)) {
        BAD(cx, v, "\"min_gap_s\" must be a whole number of seconds from 0 to %.0f, found %s",
            MAX_SECONDS, v->number_text);
        return;
    }
    *out_s = (int)v->number;
}

static void parse_venues(ctx *cx, const hd_json *v, hd_config *c)
{
    if (v->type != HD_JSON_ARRAY) {
        BAD(cx, v, "\"venues\" must be a list of names, found %s", hd_json_type_phrase(v->type));
        return;
    }
    if (v->n_children > MAX_VENUES) {
        BAD(cx, v, "\"venues\" lists %d names; at most %d are allowed", v->n_children, MAX_VENUES);
        return;
    }
    c->venues = calloc((size_t)(v->n_children > 0 ? v->n_children : 1), sizeof *c->venues);
    if (!c->venues) {
        cx->nomem = true;
        return;
    }
    for (const hd_json *e = v->child; e; e = e->next) {
        const char *name = want_string(cx, e, "venues");
        if (!name)
            continue;
        bool dup = false;
        for (int i = 0; i < c->n_venues; i++)
            dup = dup || strcmp(c->venues[i], name) == 0;
        if (dup) {
            BAD(cx, e, "venue \"%s\" is listed twice", name);
            continue;
        }
        char *d = dup_str(cx, name);
        if (d)
            c->venues[c->n_venues++] = d;
    }
}

static void parse_pin_hash(ctx *cx, const hd_json *v, hd_config *c)
{
    const char *h = want_string(cx, v, "staff_pin_hash");
    if (!h)
        return;
    if (strncmp(h, "$argon2id$", 10) != 0 && strncmp(h, "$argon2i$", 9) != 0) {
        BAD(cx, v,
            "\"staff_pin_hash\" is not a PIN hash (it starts with \"$argon2id$\"): "
            "make one with heard-sync pin-hash");
        return;
    }
    if (v->string_len > PIN_HASH_MAX) {
        BAD(cx, v, "\"staff_pin_hash\" is longer than %d characters", PIN_HASH_MAX);
        return;
    }
    c->staff_pin_hash = dup_str(cx, h);
}

static void parse_renderer(ctx *cx, const hd_json *v, hd_config *c)
{
    const char *r = want_string(cx, v, "renderer");
    if (!r)
        return;
    if (strcmp(r, "auto") == 0)
        c->renderer = HD_RENDERER_AUTO;
    else if (strcmp(r, "software") == 0)
        c->renderer = HD_RENDERER_SOFTWARE;
    else if (strcmp(r, "accelerated") == 0)
        c->renderer = HD_RENDERER_ACCELERATED;
    else
        BAD(cx, v, "\"renderer\" must be \"auto\", \"software\" or \"accelerated\", found \"%s\"",
            r);
}

static void parse_member(ctx *cx, const hd_json *m, hd_config *c, const hd_json **venue_node)
{
    const char *k = m->key;
    if (strcmp(k, "coordinator_public_key") == 0) {
        const char *s = want_string(cx, m, k);
        if (s)
            c->coordinator_public_key = dup_str(cx, s);
    } else if (strcmp(k, "staff_pin_hash") == 0) {
        parse_pin_hash(cx, m, c);
    } else if (strcmp(k, "venues") == 0) {
        parse_venues(cx, m, c);
    } else if (strcmp(k, "venue") == 0) {
        const char *s = want_string(cx, m, k);
        if (s) {
            c->venue = dup_str(cx, s);
            *venue_node = m;
        }
    } else if (strcmp(k, "mode") == 0) {
        const char *s = want_string(cx, m, k);
        if (s && strcmp(s, "self") != 0 && strcmp(s, "assisted") != 0)
            BAD(cx, m, "\"mode\" must be \"self\" or \"assisted\", found \"%s\"", s);
        else if (s)
            c->mode = dup_str(cx, s);
    } else if (strcmp(k, "still_there_after_s") == 0) {
        want_seconds(cx, m, k, &c->still_there_after_ms);
    } else if (strcmp(k, "reset_after_s") == 0) {
        want_seconds(cx, m, k, &c->reset_after_ms);
    } else if (strcmp(k, "thanks_s") == 0) {
        want_seconds(cx, m, k, &c->thanks_ms);
    } else if (strcmp(k, "min_gap_s") == 0) {
        want_gap(cx, m, &c->min_gap_s);
    } else if (strcmp(k, "usb_dir") == 0) {
        const char *s = want_string(cx, m, k);
        if (s)
            c->usb_dir = dup_str(cx, s);
    } else if (strcmp(k, "font_dir") == 0) {
        const char *s = want_string(cx, m, k);
        if (s)
            c->font_dir = dup_str(cx, s);
    } else if (strcmp(k, "renderer") == 0) {
        parse_renderer(cx, m, c);
    } else {
        char known[512];
        size_t n = 0;
        for (size_t i = 0; i < sizeof known_keys / sizeof *known_keys; i++) {
            int w = snprintf(known + n, sizeof known - n, "%s%s", i ? ", " : "", known_keys[i]);
            if (w < 0 || (size_t)w >= sizeof known - n)
                break;
            n += (size_t)w;
        }
        hd_diag_add(cx->diag, m->key_line, m->key_col, "unknown key \"%s\" (known: %s)", k, known);
        cx->errors++;
    }
}

hd_err hd_config_parse(const char *json, size_t len, const char *filename, hd_config *out,
                       hd_diag *diag)
{
    (void)filename; /* diag->file names the file */
    hd_json_doc *doc = NULL;
    hd_err err = hd_json_parse(json, len, &doc, diag);
    if (err != HD_OK)
        return err;
    ctx cx = {.diag = diag};
    hd_config c;
    hd_config_default(&c);
    const hd_json *root = hd_json_root(doc);
    const hd_json *venue_node = NULL;
    if (root->type != HD_JSON_OBJECT) {
        BAD(&cx, root, "the configuration must be a JSON object, found %s",
            hd_json_type_phrase(root->type));
    } else {
        for (const hd_json *m = root->child; m && !cx.nomem; m = m->next)
            parse_member(&cx, m, &c, &venue_node);
    }
    if (venue_node && c.venue && c.n_venues > 0) {
        bool found = false;
        for (int i = 0; i < c.n_venues; i++)
            found = found || strcmp(c.venues[i], c.venue) == 0;
        if (!found)
            BAD(&cx, venue_node, "venue \"%s\" is not one of \"venues\"", c.venue);
    }
    hd_json_free(doc);
    if (cx.nomem) {
        hd_config_clear(&c);
        return HD_ENOMEM;
    }
    if (cx.errors) {
        hd_config_clear(&c);
        return HD_EPARSE;
    }
    *out = c;
    return HD_OK;
}
