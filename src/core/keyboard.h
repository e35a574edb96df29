/* keyboard.h — on-screen keyboard layouts, as data. Pure.
 *
 * A layout is rows of keys. The view lays the rows out (scaling widths) and
 * gives each key the element id "key.<id>" and the action in the key. Letter
 * keys type their text; special keys switch page, delete, or add a space.
 *
 * Pages: the participant's own script (Arabic, Urdu, Bengali InScript,
 * Gurmukhi InScript) or Latin letters, shifted letters, digits and symbols,
 * and Latin accents (Polish, Welsh, Romanian, Portuguese, Somali). Email adds
 * "@" and "." to the letter rows' bottom row; phone is digits, "+", space only;
 * number is a keypad of digits and "-".
 */
#ifndef HD_KEYBOARD_H
#define HD_KEYBOARD_H

#include <stdbool.h>

#include "core/flow.h"
#include "core/survey.h"

typedef enum hd_kb_page {
    HD_KB_NATIVE = 0,  /* the language's own script letters (Latin for Latin languages) */
    HD_KB_NATIVE_SHIFT, /* second level of the native layout (may equal NATIVE) */
    HD_KB_LATIN,       /* Latin letters (the globe key toggles NATIVE <-> LATIN) */
    HD_KB_LATIN_SHIFT,
    HD_KB_SYMBOLS,     /* digits and punctuation */
    HD_KB_ACCENTS,     /* Latin letters with diacritics */
    HD_KB_PAGE_COUNT_
} hd_kb_page;

typedef struct hd_key {
    const char *id;    /* element id suffix: "a", "ą", "space", "backspace", "shift",
                          "globe", "page.symbols", "page.letters", "page.accents" */
    const char *label; /* what is drawn (UTF-8); NULL with an icon */
    hd_act_kind act;   /* HD_ACT_KEY, HD_ACT_KEY_BACKSPACE, HD_ACT_KEYBOARD_PAGE */
    const char *text;  /* HD_ACT_KEY: what it types */
    int page;          /* HD_ACT_KEYBOARD_PAGE: page to show */
    float width;       /* in key units (1.0 = a letter key) */
} hd_key;

typedef struct hd_kb_row {
    const hd_key *keys;
    int n;
} hd_kb_row;

typedef struct hd_keyboard {
    const char *name;  /* "latin", "arabic", "urdu", "bengali-inscript", ... */
    const hd_kb_row *rows;
    int n_rows;
    bool rtl_script;   /* letters are right-to-left (the view still keeps key order) */
} hd_keyboard;

/* The layout to show for a question of type t (text, email, phone, number,
 * and the staff PIN as HD_Q_NUMBER with pin=true) in language lang on page.
 * Never NULL: an unknown page falls back to HD_KB_NATIVE. */
const hd_keyboard *hd_keyboard_get(hd_qtype t, const char *lang, int page, bool pin);

/* The pages a long press on the key with id offers (e.g. "a" -> "à á â ä ã å ą"),
 * as a NULL-terminated list of UTF-8 strings, or NULL when none. */
const char *const *hd_keyboard_variants(const char *key_id);

#endif
