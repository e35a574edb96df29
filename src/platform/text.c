/* text.c — shaping, bidi, font fallback, line breaking and a texture cache.
 *
 * The pipeline for one string (see docs/text.md):
 *   1. decode UTF-8 to code points; split paragraphs at "\n";
 *   2. per paragraph, FriBidi embedding levels with the base direction forced
 *      from the rtl flag (the kiosk knows the language; guessing from the
 *      first strong letter would flip a Urdu question that starts with "GP"),
 *      unless the paragraph has no letter of that direction at all;
 *   3. a script per code point (Latn/Arab/Beng/Guru/...; Common and
 *      Inherited take their neighbour's), then a font per code point (the
 *      script's font when it has the glyph, else Noto Sans, else any face that
 *      has it; marks and joiners never leave their base's font);
 *   4. logical runs = maximal spans of one script, level and font;
 *   5. lines: greedy at spaces, never inside a grapheme cluster; a word wider
 *      than the line is cut between clusters;
 *   6. per line, runs are reordered visually (UAX #9 rule L2 applied to whole
 *      runs) and each is shaped by SDL_ttf/HarfBuzz with its own script and
 *      direction.
 * A line's width is the sum of its runs' measured widths, and drawing places
 * each run's surface at exactly that offset, so hd_text_size() and
 * hd_text_draw() cannot disagree.
 *
 * Nothing here allocates on a steady frame: sizes and textures are cached
 * under a key of (text hash, length, px, bold, wrap, rtl, Arabic font, and for
 * textures the alignment and colour); scratch arrays grow only when a longer
 * text than ever before arrives.
 */
#include "platform/text.h"

#include <fribidi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/text_internal.h"
#include "sys/sys.h"

#define HD_FONT_DIR_DEFAULT "/usr/share/fonts/truetype/noto"

/* ---- fonts ------------------------------------------------------------ */

enum { FACE_SANS, FACE_NASKH, FACE_NASTALIQ, FACE_BENGALI, FACE_GURMUKHI, FACE_COUNT_ };

static const char *const face_file[FACE_COUNT_][2] = {
    {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf"},
    {"NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"},
    {"NotoNastaliqUrdu-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf"},
    {"NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"},
    {"NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf"},
};

/* Open fonts, one per (face, px, bold). A screen uses a handful of sizes;
 * 32 slots keep every font of two or three screens open, and the least
 * recently used one is closed when a new size needs a slot. */
#define FONT_SLOTS 32

typedef struct font_slot {
    TTF_Font *font;
    int face, px;
    bool bold;
    unsigned use;
} font_slot;

/* ---- scripts ---------------------------------------------------------- */

enum { SC_COMMON, SC_INHERITED, SC_LATN, SC_ARAB, SC_BENG, SC_GURU, SC_GREK, SC_CYRL, SC_OTHER };

static const char *const script_tag[] = {"Zyyy", "Zinh", "Latn", "Arab", "Beng",
                                         "Guru", "Grek", "Cyrl", "Zzzz"};

/* ---- caches ----------------------------------------------------------- */

/* What decides a paragraph's layout. */
typedef struct cache_key {
    uint64_t hash;
    uint32_t len;
    int px, wrap;
    uint8_t bold, rtl, ar_face;
} cache_key;

/* Sizes for hd_text_size: 1024 entries, 8-way set associative. */
#define SIZE_WAYS 8
#define SIZE_SETS 128

typedef struct size_entry {
    cache_key key;
    bool used;
    int w, h;
    unsigned use;
} size_entry;

/* Widths of shaped pieces (a word, or the spaces after it), so that
 * re-laying out a text after one keystroke shapes only the changed word. */
#define WORD_WAYS 8
#define WORD_SETS 512

typedef struct word_entry {
    uint64_t hash; /* of the code points, font, script, direction, px, weight */
    int w;         /* -1: empty slot */
    unsigned use;
} word_entry;

/* A laid-out paragraph as hd_text_draw needs it on a steady frame: its
 * lines' sizes and the keys of their textures. */
typedef struct line_rec {
    uint64_t hash; /* of what the line draws: pieces, levels, fonts, px, weight */
    int w, h;
} line_rec;

#define PARA_WAYS 8
#define PARA_SETS 32

typedef struct para_entry {
    cache_key key;
    bool used;
    int w, h, n;
    line_rec *lines; /* n of them, allocated when the entry is made */
    unsigned use;
} para_entry;

/* Line textures: 256 entries, 8-way set associative, plus a byte budget so
 * long paragraphs cannot grow the cache past a few megabytes (the software
 * renderer keeps textures in ordinary memory). Only lines that fall inside
 * the visible area are ever rendered. */
#define TEX_WAYS 8
#define TEX_SETS 32
#define TEX_BUDGET ((size_t)8 << 20)

typedef struct tex_entry {
    uint64_t hash;
    uint32_t rgb;
    bool used;
    SDL_Texture *tex; /* NULL for a line that draws nothing (only spaces) */
    int w, h;
    size_t bytes;
    unsigned use;
} tex_entry;

/* ---- layout scratch --------------------------------------------------- */

/* A run is a maximal span of one script, bidi level and font; it is cut
 * further where spaces start and end, so every piece is a word (or part of
 * one, at a script change) or the spaces between words. Shaping never
 * crosses a space in any script heard draws, so measuring and drawing word
 * by word is exact, and words are what the width cache remembers. */
typedef struct piece {
    int a, b;  /* code point range, logical order */
    int w, x;  /* measured width; left edge inside the line once reordered */
    int level; /* bidi level */
    uint8_t script, face;
    bool space; /* only spaces (and marks on them): nothing to render */
} piece;

typedef struct line {
    int p0, np; /* pieces, visual order once reordered */
    int w, h, asc;
    uint64_t hash;
} line;

struct hd_text {
    SDL_Renderer *ren;
    char path[FACE_COUNT_][2][512]; /* "" when the file is missing */
    bool lang_urdu;

    font_slot fonts[FONT_SLOTS];
    unsigned clock;
    unsigned long shapes;

    size_entry sizes[SIZE_SETS * SIZE_WAYS];
    word_entry words[WORD_SETS * WORD_WAYS];
    para_entry paras[PARA_SETS * PARA_WAYS];
    tex_entry tex[TEX_SETS * TEX_WAYS];
    size_t tex_bytes;

    /* the layout being built (all arrays sized by cap code points) */
    int px;
    bool bold;
    int ar_face;
    int cap;
    int n;                 /* code points */
    uint32_t *cp;          /* FriBidiChar is uint32_t */
    FriBidiCharType *bt;
    FriBidiBracketType *br;
    FriBidiLevel *lv;
    uint8_t *sc, *fc;
    int *uend, *unext;     /* a line's word ends, or cluster boundaries */
    piece *runs;           /* the current paragraph's logical pieces */
    int nruns;
    piece *pc;             /* committed pieces of all lines, then a scratch tail */
    int npc, ntmp, pc_cap;
    line *ln;
    int nln, ln_cap;
    char *u8;              /* one piece as UTF-8 */
    int u8_cap;
    int lay_w, lay_h;
};

/* ---- Unicode facts ---------------------------------------------------- */

typedef struct range {
    uint32_t lo, hi;
} range;

static bool in_ranges(uint32_t c, const range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c < r[mid].lo)
            hi = mid;
        else if (c > r[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

/* Nonspacing, spacing and enclosing marks of the scripts the kiosk shows,
 * plus ZWNJ/ZWJ, variation selectors and emoji modifiers: a line never breaks
 * before one of these, and they always stay in their base's font and run. */
static const range extend_ranges[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
    {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
    {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x08D3, 0x08E1}, {0x08E3, 0x08FF},
    {0x0900, 0x0903}, {0x093A, 0x093C}, {0x093E, 0x094F}, {0x0951, 0x0957},
    {0x0962, 0x0963}, {0x0981, 0x0983}, {0x09BC, 0x09BC}, {0x09BE, 0x09C4},
    {0x09C7, 0x09C8}, {0x09CB, 0x09CD}, {0x09D7, 0x09D7}, {0x09E2, 0x09E3},
    {0x09FE, 0x09FE}, {0x0A01, 0x0A03}, {0x0A3C, 0x0A3C}, {0x0A3E, 0x0A42},
    {0x0A47, 0x0A48}, {0x0A4B, 0x0A4D}, {0x0A51, 0x0A51}, {0x0A70, 0x0A71},
    {0x0A75, 0x0A75}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200C, 0x200D},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0x1F3FB, 0x1F3FF},
    {0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
};

static bool is_extend(uint32_t c)
{
    return in_ranges(c, extend_ranges, sizeof extend_ranges / sizeof extend_ranges[0]);
}

/* Devanagari, Bengali and Gurmukhi viramas: the consonant after one belongs
 * to the same conjunct, so no break after them. */
static bool is_virama(uint32_t c)
{
    return c == 0x094D || c == 0x09CD || c == 0x0A4D;
}

/* Invisible format characters (ZWSP, bidi marks and isolates, word joiner,
 * BOM, soft hyphen): HarfBuzz hides them; they take their neighbour's font so
 * they never split a run. */
static bool is_ignorable(uint32_t c)
{
    return c == 0x00AD || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

/* Where a line may break: after these (they are dropped at the break). */
static bool is_space(uint32_t c)
{
    return c == ' ' || c == 0x1680 || (c >= 0x2000 && c <= 0x200B && c != 0x2007) ||
           c == 0x205F || c == 0x3000;
}

static const range latin_ranges[] = {
    {0x0041, 0x005A}, {0x0061, 0x007A}, {0x00AA, 0x00AA}, {0x00BA, 0x00BA},
    {0x00C0, 0x00D6}, {0x00D8, 0x00F6}, {0x00F8, 0x02AF}, {0x1D00, 0x1DBF},
    {0x1E00, 0x1EFF}, {0x2C60, 0x2C7F}, {0xA720, 0xA7FF}, {0xAB30, 0xAB6F},
    {0xFB00, 0xFB06}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A},
};

static const range inherited_ranges[] = {
    {0x0300, 0x036F}, {0x064B, 0x0655}, {0x0670, 0x0670}, {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF}, {0x200C, 0x200D}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2D}, {0xE0100, 0xE01EF},
};

/* The ISO 15924 script of c, for the scripts heard draws, from the Unicode
 * block (Scripts.txt exceptions that matter here are listed). */
static int script_of(uint32_t c)
{
    if (c < 0x80)
        return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? SC_LATN : SC_COMMON;
    if (in_ranges(c, inherited_ranges, sizeof inherited_ranges / sizeof inherited_ranges[0]))
        return SC_INHERITED;
    if (c < 0x370)
        return in_ranges(c, latin_ranges, sizeof latin_ranges / sizeof latin_ranges[0])
                   ? SC_LATN
                   : SC_COMMON;
    if (c <= 0x3FF)
        return (c == 0x374 || c == 0x37E || c == 0x385 || c == 0x387) ? SC_COMMON : SC_GREK;
    if (c <= 0x52F)
        return SC_CYRL;
    if (c >= 0x600 && c <= 0x6FF)
        return (c == 0x60C || c == 0x61B || c == 0x61F || c == 0x640 || c == 0x6DD) ? SC_COMMON
                                                                                      : SC_ARAB;
    if ((c >= 0x750 && c <= 0x77F) || (c >= 0x8A0 && c <= 0x8FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
        (c >= 0xFE70 && c <= 0xFEFE))
        return SC_ARAB;
    if (c == 0x964 || c == 0x965)
        return SC_COMMON; /* dandas are shared by the Indic scripts */
    if (c >= 0x980 && c <= 0x9FF)
        return SC_BENG;
    if (c >= 0xA00 && c <= 0xA7F)
        return SC_GURU;
    if (in_ranges(c, latin_ranges, sizeof latin_ranges / sizeof latin_ranges[0]))
        return SC_LATN;
    if (c >= 0x1F00 && c <= 0x1FFF)
        return SC_GREK;
    if ((c >= 0x1C80 && c <= 0x1C8F) || (c >= 0x2DE0 && c <= 0x2DFF) || (c >= 0xA640 && c <= 0xA69F))
        return SC_CYRL;
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF20) || c == 0xFEFF ||
        (c >= 0xFFF0 && c <= 0xFFFD) || (c >= 0x1F000 && c <= 0x1FAFF))
        return SC_COMMON;
    return SC_OTHER;
}

/* Letters that Urdu uses and Arabic does not. */
static bool is_urdu_letter(uint32_t c)
{
    return c == 0x0679 || c == 0x0688 || c == 0x0691 || c == 0x06BA || c == 0x06BE ||
           c == 0x06C1 || c == 0x06C2 || c == 0x06C3 || c == 0x06D2 || c == 0x06D3;
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Decodes one code point; malformed input gives U+FFFD and moves one byte. */
static uint32_t utf8_next(const unsigned char **ps, const unsigned char *end)
{
    const unsigned char *s = *ps;
    uint32_t c = s[0];
    int n = 0;
    uint32_t min = 0;
    if (c < 0x80) {
        *ps = s + 1;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        n = 1, c &= 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 2, c &= 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 3, c &= 0x07, min = 0x10000;
    } else {
        *ps = s + 1;
        return 0xFFFD;
    }
    if (end - s <= n) {
        *ps = s + 1;
        return 0xFFFD;
    }
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *ps = s + 1;
            return 0xFFFD;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *ps = s + 1;
        return 0xFFFD;
    }
    *ps = s + n + 1;
    return c;
}

static int utf8_put(char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (c >> 18));
    o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* ---- open / close ----------------------------------------------------- */

static bool readable(const char *path)
{
    return access(path, R_OK) == 0;
}

hd_err hd_text_open(SDL_Renderer *renderer, const char *font_dir, hd_text **out)
{
    *out = NULL;
    const char *dir = font_dir ? font_dir : HD_FONT_DIR_DEFAULT;
    hd_text *tx = calloc(1, sizeof *tx);
    if (!tx)
        return HD_ENOMEM;
    tx->ren = renderer;
    tx->ar_face = FACE_NASKH;
    for (int i = 0; i < WORD_SETS * WORD_WAYS; i++)
        tx->words[i].w = -1;
    for (int f = 0; f < FACE_COUNT_; f++) {
        for (int b = 0; b < 2; b++) {
            char *p = tx->path[f][b];
            int len = snprintf(p, sizeof tx->path[f][b], "%s/%s", dir, face_file[f][b]);
            if (len < 0 || (size_t)len >= sizeof tx->path[f][b] || !readable(p)) {
                if (f == FACE_SANS && b == 0) {
                    hd_log("text: the base font %s/%s is missing; install fonts-noto-core", dir,
                           face_file[f][b]);
                    free(tx);
                    return HD_ENOTFOUND;
                }
                if (b == 0 || tx->path[f][0][0]) /* one line per missing family */
                    hd_log("text: font %s/%s is missing; using %s instead", dir, face_file[f][b],
                           b ? "the regular weight" : "Noto Sans");
                p[0] = '\0';
            }
        }
    }
    /* TTF_Init is reference-counted since SDL_ttf 2.0.18, so each handle
     * takes and releases its own reference. */
    if (TTF_Init() != 0) {
        hd_log("text: TTF_Init failed: %s", TTF_GetError());
        free(tx);
        return HD_EIO;
    }
    *out = tx;
    return HD_OK;
}

static void tex_drop(hd_text *tx, tex_entry *e)
{
    if (e->tex)
        SDL_DestroyTexture(e->tex);
    tx->tex_bytes -= e->bytes;
    memset(e, 0, sizeof *e);
}

static void para_drop(para_entry *e)
{
    free(e->lines);
    memset(e, 0, sizeof *e);
}

void hd_text_cache_clear(hd_text *tx)
{
    if (!tx)
        return;
    for (int i = 0; i < TEX_SETS * TEX_WAYS; i++)
        if (tx->tex[i].used)
            tex_drop(tx, &tx->tex[i]);
    for (int i = 0; i < PARA_SETS * PARA_WAYS; i++)
        if (tx->paras[i].used)
            para_drop(&tx->paras[i]);
}

void hd_text_close(hd_text *tx)
{
    if (!tx)
        return;
    hd_text_cache_clear(tx);
    for (int i = 0; i < FONT_SLOTS; i++)
        if (tx->fonts[i].font)
            TTF_CloseFont(tx->fonts[i].font);
    free(tx->cp);
    free(tx->bt);
    free(tx->br);
    free(tx->lv);
    free(tx->sc);
    free(tx->fc);
    free(tx->uend);
    free(tx->unext);
    free(tx->runs);
    free(tx->pc);
    free(tx->ln);
    free(tx->u8);
    free(tx);
    TTF_Quit();
}

void hd_text_set_lang(hd_text *tx, const char *lang)
{
    if (!tx)
        return;
    tx->lang_urdu = lang && lang[0] == 'u' && lang[1] == 'r' &&
                    (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

/* ---- fonts ------------------------------------------------------------ */

static const char *face_path(const hd_text *tx, int face, bool bold)
{
    if (tx->path[face][bold][0])
        return tx->path[face][bold];
    if (tx->path[face][0][0])
        return tx->path[face][0];
    if (tx->path[FACE_SANS][bold][0])
        return tx->path[FACE_SANS][bold];
    return tx->path[FACE_SANS][0];
}

/* The font for face at the current layout's px and weight, opened on first
 * use. NULL only when even Noto Sans cannot be opened. */
static TTF_Font *get_font(hd_text *tx, int face)
{
    int px = tx->px;
    bool bold = tx->bold;
    font_slot *victim = &tx->fonts[0];
    for (int i = 0; i < FONT_SLOTS; i++) {
        font_slot *s = &tx->fonts[i];
        if (s->font && s->face == face && s->px == px && s->bold == bold) {
            s->use = ++tx->clock;
            return s->font;
        }
        if (!s->font || (victim->font && s->use < victim->use))
            victim = s;
    }
    const char *path = face_path(tx, face, bold);
    TTF_Font *f = TTF_OpenFont(path, px);
    if (!f) {
        hd_log("text: cannot open %s at %d px: %s", path, px, TTF_GetError());
        if (face != FACE_SANS)
            return get_font(tx, FACE_SANS);
        return NULL;
    }
    if (victim->font)
        TTF_CloseFont(victim->font);
    victim->font = f;
    victim->face = face;
    victim->px = px;
    victim->bold = bold;
    victim->use = ++tx->clock;
    return f;
}

static bool face_has(hd_text *tx, int face, uint32_t c)
{
    TTF_Font *f = get_font(tx, face);
    return f && TTF_GlyphIsProvided32(f, c) != 0;
}

static int face_for_script(const hd_text *tx, int sc)
{
    switch (sc) {
    case SC_ARAB: return tx->ar_face;
    case SC_BENG: return FACE_BENGALI;
    case SC_GURU: return FACE_GURMUKHI;
    default: return FACE_SANS;
    }
}

/* ---- scratch ---------------------------------------------------------- */

#define GROW(ptr, count)                                                        \
    do {                                                                        \
        void *np_ = realloc((ptr), (size_t)(count) * sizeof *(ptr));            \
        if (!np_)                                                               \
            return false;                                                       \
        (ptr) = np_;                                                            \
    } while (0)

static bool ensure_cap(hd_text *tx, int n)
{
    if (n <= tx->cap)
        return true;
    int cap = tx->cap ? tx->cap : 256;
    while (cap < n)
        cap *= 2;
    GROW(tx->cp, cap);
    GROW(tx->bt, cap);
    GROW(tx->br, cap);
    GROW(tx->lv, cap);
    GROW(tx->sc, cap);
    GROW(tx->fc, cap);
    GROW(tx->uend, cap + 1);
    GROW(tx->unext, cap + 1);
    GROW(tx->runs, cap + 1);
    /* Committed pieces are at most runs + line breaks (<= 2 per code point
     * plus one per paragraph); a measurement's tail needs at most one more
     * per code point. */
    GROW(tx->pc, 3 * cap + 16);
    GROW(tx->ln, 2 * cap + 16);
    GROW(tx->u8, 4 * cap + 1);
    tx->pc_cap = 3 * cap + 16;
    tx->ln_cap = 2 * cap + 16;
    tx->u8_cap = 4 * cap + 1;
    tx->cap = cap;
    return true;
}

/* ---- measuring and shaping ------------------------------------------- */

/* Prepares font f for one run: HarfBuzz needs the script and direction of
 * each run; left to guess, it shapes Urdu and Bengali wrongly. */
static void set_run(TTF_Font *f, const piece *p)
{
    TTF_SetFontScriptName(f, script_tag[p->script]);
    TTF_SetFontDirection(f, (p->level & 1) ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
}

static const char *piece_utf8(hd_text *tx, int a, int b)
{
    int o = 0;
    for (int i = a; i < b; i++)
        o += utf8_put(tx->u8 + o, tx->cp[i]);
    tx->u8[o] = '\0';
    return tx->u8;
}

static uint64_t fnv_mix(uint64_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        h ^= (v >> (8 * i)) & 0xFF;
        h *= 0x100000001b3ull;
    }
    return h;
}

/* The width of piece p as SDL_ttf shapes it, from the word cache when it
 * has been shaped before at this size, weight, font, script and direction. */
static int piece_width(hd_text *tx, const piece *p)
{
    if (p->b <= p->a)
        return 0;
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = p->a; i < p->b; i++)
        h = fnv_mix(h, tx->cp[i]);
    h = fnv_mix(h, (uint32_t)p->face | (uint32_t)p->script << 8 | (uint32_t)(p->level & 1) << 16 |
                       (uint32_t)tx->bold << 17);
    h = fnv_mix(h, (uint32_t)tx->px);
    word_entry *set = &tx->words[(h >> 7) % WORD_SETS * WORD_WAYS];
    word_entry *victim = &set[0];
    for (int i = 0; i < WORD_WAYS; i++) {
        if (set[i].w >= 0 && set[i].hash == h) {
            set[i].use = ++tx->clock;
            return set[i].w;
        }
        if (set[i].w < 0 || (victim->w >= 0 && set[i].use < victim->use))
            victim = &set[i];
    }
    TTF_Font *f = get_font(tx, p->face);
    if (!f)
        return 0;
    set_run(f, p);
    int w = 0, hh = 0;
    tx->shapes++;
    if (TTF_SizeUTF8(f, piece_utf8(tx, p->a, p->b), &w, &hh) != 0 || w < 0)
        w = 0;
    victim->hash = h;
    victim->w = w;
    victim->use = ++tx->clock;
    return w;
}

/* Measures [s, e) of the current paragraph as the pieces it would be drawn
 * in, writing them after the committed pieces (tx->ntmp of them). */
static int measure(hd_text *tx, int s, int e)
{
    int k = 0, total = 0;
    for (int r = 0; r < tx->nruns && s < e; r++) {
        const piece *run = &tx->runs[r];
        if (run->b <= s || run->a >= e)
            continue;
        piece *p = &tx->pc[tx->npc + k++];
        *p = *run;
        p->a = run->a > s ? run->a : s;
        p->b = run->b < e ? run->b : e;
        p->w = piece_width(tx, p);
        p->x = 0;
        total += p->w;
    }
    tx->ntmp = k;
    return total;
}

/* A cluster boundary: never before a mark or joiner, never after a virama
 * or ZWJ (Indic conjuncts and emoji sequences stay whole). */
static bool can_cut_before(const hd_text *tx, int i)
{
    return !is_extend(tx->cp[i]) && !is_virama(tx->cp[i - 1]) && tx->cp[i - 1] != 0x200D;
}

/* The longest prefix of [a, b) ending on a cluster boundary that fits wrap;
 * at least one cluster. */
static int cluster_fit(hd_text *tx, int a, int b, int wrap)
{
    int nc = 0;
    for (int i = a + 1; i <= b; i++)
        if (i == b || can_cut_before(tx, i))
            tx->uend[nc++] = i;
    int lo = 0, hi = nc - 1, best = 0;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (measure(tx, a, tx->uend[mid]) <= wrap) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return tx->uend[best];
}

/* Commits the pieces of the last measure() as one line. */
static void commit_line(hd_text *tx, int width)
{
    line *l = &tx->ln[tx->nln++];
    l->p0 = tx->npc;
    l->np = tx->ntmp;
    l->w = width;
    tx->npc += tx->ntmp;
    tx->ntmp = 0;
}

/* Splits paragraph [p0, p1) into lines of at most wrap pixels (0: one line). */
static void break_paragraph(hd_text *tx, int p0, int p1, int wrap)
{
    if (wrap <= 0 || p0 == p1) {
        commit_line(tx, measure(tx, p0, p1));
        return;
    }
    const uint32_t *cp = tx->cp;
    int s = p0;
    while (s < p1) {
        int nu = 0, est = 0, u = s, cut = -1;
        while (u < p1) {
            int ce = u;
            if (u == p0) /* leading spaces of a paragraph are content */
                while (ce < p1 && is_space(cp[ce]))
                    ce++;
            while (ce < p1 && !is_space(cp[ce]))
                ce++;
            int ue = ce;
            while (ue < p1 && is_space(cp[ue]))
                ue++;
            int cw = measure(tx, u, ce);
            if (nu > 0 && est + cw > wrap)
                break;
            if (nu == 0 && cw > wrap) {
                cut = cluster_fit(tx, u, ce, wrap);
                break;
            }
            tx->uend[nu] = ce;
            tx->unext[nu] = ue;
            nu++;
            est += cw + (ue > ce ? measure(tx, ce, ue) : 0);
            u = ue;
        }
        if (cut >= 0) {
            commit_line(tx, measure(tx, s, cut));
            s = cut;
            continue;
        }
        /* The estimate summed words measured apart; the line is measured
         * whole, and shortened a word at a time if kerning across words made
         * it wider than wrap. The paragraph's own trailing spaces are kept
         * when they fit (the participant just typed one). */
        int end = tx->unext[nu - 1] == p1 ? p1 : tx->uend[nu - 1];
        int next = tx->unext[nu - 1];
        int w = measure(tx, s, end);
        if (w > wrap && end != tx->uend[nu - 1]) {
            end = tx->uend[nu - 1];
            w = measure(tx, s, end);
        }
        while (w > wrap && nu > 1) {
            nu--;
            end = tx->uend[nu - 1];
            next = tx->unext[nu - 1];
            w = measure(tx, s, end);
        }
        commit_line(tx, w);
        s = next;
    }
}

/* Bidi levels, scripts, fonts and logical runs of paragraph [p0, p1). */
static void analyse_paragraph(hd_text *tx, int p0, int p1, bool rtl)
{
    int len = p1 - p0;
    tx->nruns = 0;
    if (len == 0)
        return;
    const uint32_t *cp = tx->cp;
    fribidi_get_bidi_types(cp + p0, len, tx->bt + p0);
    /* The base direction is the UI's (a Urdu question starting with "GP"
     * is still right to left), except for a paragraph with no letter of that
     * direction at all: an English fallback string in the Urdu UI keeps its
     * question mark at its end, an Arabic name on the English screen its
     * exclamation mark at its left. */
    bool has_r = false, has_l = false;
    for (int i = p0; i < p1; i++) {
        FriBidiCharType t = tx->bt[i];
        has_r |= t == FRIBIDI_TYPE_RTL || t == FRIBIDI_TYPE_AL;
        has_l |= t == FRIBIDI_TYPE_LTR;
    }
    bool par_rtl = rtl ? (has_r || !has_l) : (has_r && !has_l);
    FriBidiParType base = par_rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    fribidi_get_bracket_types(cp + p0, len, tx->bt + p0, tx->br + p0);
    if (!fribidi_get_par_embedding_levels_ex(tx->bt + p0, tx->br + p0, len, &base, tx->lv + p0))
        memset(tx->lv + p0, par_rtl ? 1 : 0, (size_t)len);

    /* Scripts: Common and Inherited take the script before them, or at the
     * start of the paragraph the first one after; all-Common text is Latin. */
    uint8_t *sc = tx->sc;
    int first = -1;
    for (int i = p0; i < p1; i++) {
        int s = script_of(cp[i]);
        if (s == SC_COMMON || s == SC_INHERITED) {
            sc[i] = (i > p0 && first >= 0) ? sc[i - 1] : SC_COMMON;
        } else {
            sc[i] = (uint8_t)s;
            if (first < 0)
                first = i;
        }
    }
    for (int i = p0; i < p1 && (first < 0 || i < first); i++)
        sc[i] = first >= 0 ? sc[first] : SC_LATN;

    /* Fonts: the script's font where it has the glyph, else Noto Sans, else
     * any face that has it. Marks, joiners and invisible controls keep the
     * font before them: one cluster is never split between two fonts. */
    uint8_t *fc = tx->fc;
    for (int i = p0; i < p1; i++) {
        uint32_t c = cp[i];
        if (i > p0 && (is_extend(c) || is_ignorable(c))) {
            fc[i] = fc[i - 1];
            continue;
        }
        int want = face_for_script(tx, sc[i]);
        int got = want;
        if (!face_has(tx, want, c)) {
            got = -1;
            if (face_has(tx, FACE_SANS, c))
                got = FACE_SANS;
            for (int f = 0; got < 0 && f < FACE_COUNT_; f++)
                if (face_has(tx, f, c))
                    got = f;
            if (got < 0)
                got = want; /* nobody has it: draw the script font's box */
        }
        fc[i] = (uint8_t)got;
    }
    int lead = p0; /* invisibles opening the paragraph join what follows */
    while (lead < p1 && is_ignorable(cp[lead]))
        lead++;
    for (int i = p0; i < lead && lead < p1; i++)
        fc[i] = fc[lead];

    bool sp = false;
    for (int i = p0; i < p1; i++) {
        if (!(i > p0 && is_extend(cp[i])))
            sp = is_space(cp[i]);
        piece *r = tx->nruns ? &tx->runs[tx->nruns - 1] : NULL;
        if (r && r->b == i && r->script == sc[i] && r->face == fc[i] && r->level == tx->lv[i] &&
            r->space == sp) {
            r->b = i + 1;
            continue;
        }
        r = &tx->runs[tx->nruns++];
        r->a = i;
        r->b = i + 1;
        r->script = sc[i];
        r->face = fc[i];
        r->level = tx->lv[i];
        r->space = sp;
        r->w = r->x = 0;
    }
}

/* Visual order of one line's pieces (UAX #9 L2 on whole runs), their x
 * offsets, and the line's height from the tallest font used on it. */
static void finish_line(hd_text *tx, line *l)
{
    piece *p = tx->pc + l->p0;
    int maxlv = 0, minodd = 127;
    for (int i = 0; i < l->np; i++) {
        if (p[i].level > maxlv)
            maxlv = p[i].level;
        if ((p[i].level & 1) && p[i].level < minodd)
            minodd = p[i].level;
    }
    for (int lv = maxlv; lv >= minodd && lv > 0; lv--) {
        for (int i = 0; i < l->np;) {
            if (p[i].level < lv) {
                i++;
                continue;
            }
            int j = i;
            while (j < l->np && p[j].level >= lv)
                j++;
            for (int a = i, b = j - 1; a < b; a++, b--) {
                piece t = p[a];
                p[a] = p[b];
                p[b] = t;
            }
            i = j;
        }
    }
    int x = 0, asc = 0, desc = 0, skip = 0;
    for (int i = 0; i < l->np; i++) {
        p[i].x = x;
        x += p[i].w;
        TTF_Font *f = get_font(tx, p[i].face);
        if (f) {
            if (TTF_FontAscent(f) > asc)
                asc = TTF_FontAscent(f);
            if (-TTF_FontDescent(f) > desc)
                desc = -TTF_FontDescent(f);
            if (TTF_FontLineSkip(f) > skip)
                skip = TTF_FontLineSkip(f);
        }
    }
    if (l->np == 0) { /* an empty line is as tall as a line of Noto Sans */
        TTF_Font *f = get_font(tx, FACE_SANS);
        if (f) {
            asc = TTF_FontAscent(f);
            desc = -TTF_FontDescent(f);
            skip = TTF_FontLineSkip(f);
        }
    }
    l->h = skip > asc + desc ? skip : asc + desc;
    l->asc = asc + (l->h - asc - desc) / 2;

    /* The line's texture key: everything its pixels depend on. */
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv_mix(h, (uint32_t)tx->px | (uint32_t)tx->bold << 16);
    for (int i = 0; i < l->np; i++) {
        h = fnv_mix(h, (uint32_t)p[i].face | (uint32_t)p[i].script << 8 |
                           (uint32_t)p[i].level << 16);
        for (int c = p[i].a; c < p[i].b; c++)
            h = fnv_mix(h, tx->cp[c]);
        h = fnv_mix(h, 0xFFFFFFFFu); /* piece boundary */
    }
    l->hash = h;
}

static uint64_t fnv1a(const char *s, size_t *len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    size_t n = 0;
    for (; s[n]; n++) {
        h ^= (unsigned char)s[n];
        h *= 0x100000001b3ull;
    }
    *len = n;
    return h;
}

/* Which Arabic-script font utf8 is drawn in (see hd_text_set_lang). */
static int arabic_face(const hd_text *tx, const char *utf8)
{
    if (tx->lang_urdu)
        return FACE_NASTALIQ;
    const unsigned char *s = (const unsigned char *)utf8, *end = s + strlen(utf8);
    while (s < end)
        if (is_urdu_letter(utf8_next(&s, end)))
            return FACE_NASTALIQ;
    return FACE_NASKH;
}

/* Lays utf8 out into tx->ln / tx->pc. False when out of memory. */
static bool layout(hd_text *tx, const char *utf8, int px, bool bold, int wrap, bool rtl)
{
    size_t blen = strlen(utf8);
    if (blen > (size_t)INT32_MAX / 8)
        return false;
    if (!ensure_cap(tx, (int)blen + 1))
        return false;
    tx->px = px < 1 ? 1 : px > 512 ? 512 : px;
    tx->bold = bold;
    tx->ar_face = arabic_face(tx, utf8);

    /* Decode; CR and other controls are dropped, tab is a space. */
    const unsigned char *s = (const unsigned char *)utf8, *end = s + blen;
    int n = 0;
    while (s < end) {
        uint32_t c = utf8_next(&s, end);
        if (c == '\t')
            c = ' ';
        if ((c < 0x20 && c != '\n') || c == 0x7F)
            continue;
        tx->cp[n++] = c;
    }
    tx->n = n;
    tx->npc = tx->ntmp = tx->nln = 0;
    int p0 = 0;
    for (int i = 0; i <= n; i++) {
        if (i < n && tx->cp[i] != '\n')
            continue;
        analyse_paragraph(tx, p0, i, rtl);
        break_paragraph(tx, p0, i, wrap);
        p0 = i + 1;
    }
    tx->lay_w = tx->lay_h = 0;
    for (int i = 0; i < tx->nln; i++) {
        finish_line(tx, &tx->ln[i]);
        if (tx->ln[i].w > tx->lay_w)
            tx->lay_w = tx->ln[i].w;
        tx->lay_h += tx->ln[i].h;
    }
    return true;
}

/* ---- caches ----------------------------------------------------------- */

static bool key_eq(const cache_key *a, const cache_key *b)
{
    return a->hash == b->hash && a->len == b->len && a->px == b->px && a->wrap == b->wrap &&
           a->bold == b->bold && a->rtl == b->rtl && a->ar_face == b->ar_face;
}

static void make_key(const hd_text *tx, cache_key *k, const char *utf8, int px, bool bold,
                     int wrap, bool rtl)
{
    size_t len;
    memset(k, 0, sizeof *k);
    k->hash = fnv1a(utf8, &len);
    k->len = (uint32_t)len;
    k->px = px;
    k->wrap = wrap > 0 ? wrap : 0;
    k->bold = bold;
    k->rtl = rtl;
    k->ar_face = (uint8_t)arabic_face(tx, utf8);
}

static size_t key_set(const cache_key *k, size_t sets)
{
    return (size_t)((k->hash ^ (uint64_t)k->px * 0x9E3779B97F4A7C15ull ^
                     (uint64_t)k->wrap * 0xC2B2AE3D27D4EB4Full) >> 11) % sets;
}

void hd_text_size(void *ctx, const char *utf8, int px, bool bold, int wrap_w, bool rtl, int *w,
                  int *h)
{
    hd_text *tx = ctx;
    int ow = 0, oh = 0;
    if (tx && utf8 && utf8[0]) {
        cache_key k;
        make_key(tx, &k, utf8, px, bold, wrap_w, rtl);
        size_entry *set = &tx->sizes[key_set(&k, SIZE_SETS) * SIZE_WAYS];
        size_entry *hit = NULL, *victim = &set[0];
        for (int i = 0; i < SIZE_WAYS; i++) {
            if (set[i].used && key_eq(&set[i].key, &k)) {
                hit = &set[i];
                break;
            }
            if (!set[i].used || (victim->used && set[i].use < victim->use))
                victim = &set[i];
        }
        if (!hit && layout(tx, utf8, px, bold, k.wrap, rtl)) {
            hit = victim;
            hit->key = k;
            hit->used = true;
            hit->w = tx->lay_w;
            hit->h = tx->lay_h;
        } else if (!hit) {
            hd_log("text: out of memory measuring %zu bytes of text", strlen(utf8));
        }
        if (hit) {
            hit->use = ++tx->clock;
            ow = hit->w;
            oh = hit->h;
        }
    }
    if (w)
        *w = ow;
    if (h)
        *h = oh;
}

/* Copies the coverage (alpha) of a rendered piece into the line surface:
 * the line holds one colour, and taking the larger alpha where glyphs of two
 * pieces overlap keeps anti-aliased edges exact (blending onto a transparent
 * surface would darken them). */
static void merge_alpha(SDL_Surface *dst, SDL_Surface *src, int dx, int dy)
{
    for (int y = 0; y < src->h; y++) {
        int ty = dy + y;
        if (ty < 0 || ty >= dst->h)
            continue;
        const uint32_t *sp =
            (const uint32_t *)((const uint8_t *)src->pixels + (size_t)y * (size_t)src->pitch);
        uint32_t *dp = (uint32_t *)((uint8_t *)dst->pixels + (size_t)ty * (size_t)dst->pitch);
        for (int x = 0; x < src->w; x++) {
            int tx_ = dx + x;
            if (tx_ < 0 || tx_ >= dst->w)
                continue;
            uint32_t a = sp[x] >> 24;
            if (a > dp[tx_] >> 24)
                dp[tx_] = (dp[tx_] & 0x00FFFFFFu) | (a << 24);
        }
    }
}

/* Renders line l of the current layout into a texture of l->w x l->h in
 * colour rgb; NULL when it draws nothing. */
static SDL_Texture *render_line(hd_text *tx, const line *l, uint32_t rgb)
{
    if (l->w <= 0 || l->h <= 0)
        return NULL;
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, l->w, l->h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf) {
        hd_log("text: cannot make a %dx%d text surface: %s", l->w, l->h, SDL_GetError());
        return NULL;
    }
    SDL_FillRect(surf, NULL, rgb & 0x00FFFFFFu);
    bool drew = false;
    for (int i = 0; i < l->np; i++) {
        const piece *p = &tx->pc[l->p0 + i];
        TTF_Font *f = p->space ? NULL : get_font(tx, p->face);
        if (!f || p->w <= 0)
            continue;
        set_run(f, p);
        tx->shapes++;
        SDL_Surface *s =
            TTF_RenderUTF8_Blended(f, piece_utf8(tx, p->a, p->b), (SDL_Color){255, 255, 255, 255});
        if (!s)
            continue;
        SDL_Surface *conv = s;
        if (s->format->format != SDL_PIXELFORMAT_ARGB8888)
            conv = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
        if (conv && SDL_LockSurface(conv) == 0) {
            merge_alpha(surf, conv, p->x, l->asc - TTF_FontAscent(f));
            SDL_UnlockSurface(conv);
            drew = true;
        }
        if (conv != s)
            SDL_FreeSurface(conv);
        SDL_FreeSurface(s);
    }
    SDL_Texture *t = NULL;
    if (drew) {
        t = SDL_CreateTextureFromSurface(tx->ren, surf);
        if (t)
            SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
        else
            hd_log("text: cannot make a texture: %s", SDL_GetError());
    }
    SDL_FreeSurface(surf);
    return t;
}

/* The paragraph entry for k, made from the current layout when missing. */
static para_entry *para_get(hd_text *tx, const cache_key *k, bool *laid, const char *utf8,
                            bool rtl)
{
    para_entry *set = &tx->paras[key_set(k, PARA_SETS) * PARA_WAYS];
    para_entry *victim = &set[0];
    for (int i = 0; i < PARA_WAYS; i++) {
        if (set[i].used && key_eq(&set[i].key, k)) {
            set[i].use = ++tx->clock;
            return &set[i];
        }
        if (!set[i].used || (victim->used && set[i].use < victim->use))
            victim = &set[i];
    }
    if (!layout(tx, utf8, k->px, k->bold, k->wrap, rtl))
        return NULL;
    *laid = true;
    line_rec *lines = malloc((size_t)tx->nln * sizeof *lines);
    if (!lines)
        return NULL;
    for (int i = 0; i < tx->nln; i++)
        lines[i] = (line_rec){tx->ln[i].hash, tx->ln[i].w, tx->ln[i].h};
    if (victim->used)
        para_drop(victim);
    victim->key = *k;
    victim->used = true;
    victim->w = tx->lay_w;
    victim->h = tx->lay_h;
    victim->n = tx->nln;
    victim->lines = lines;
    victim->use = ++tx->clock;
    return victim;
}

/* The texture of a line (hash, rgb), or NULL when it is not cached. */
static tex_entry *tex_find(hd_text *tx, uint64_t hash, uint32_t rgb)
{
    tex_entry *set = &tx->tex[((hash ^ rgb * 0x9E3779B97F4A7C15ull) >> 13) % TEX_SETS * TEX_WAYS];
    for (int i = 0; i < TEX_WAYS; i++)
        if (set[i].used && set[i].hash == hash && set[i].rgb == rgb)
            return &set[i];
    return NULL;
}

static tex_entry *tex_insert(hd_text *tx, uint64_t hash, uint32_t rgb, SDL_Texture *t, int w,
                             int h)
{
    tex_entry *set = &tx->tex[((hash ^ rgb * 0x9E3779B97F4A7C15ull) >> 13) % TEX_SETS * TEX_WAYS];
    tex_entry *victim = &set[0];
    for (int i = 0; i < TEX_WAYS; i++)
        if (!set[i].used || (victim->used && set[i].use < victim->use))
            victim = &set[i];
    if (victim->used)
        tex_drop(tx, victim);
    size_t bytes = t ? (size_t)w * (size_t)h * 4 : 0;
    /* Keep under the byte budget: evict the least recently used textures
     * anywhere until the new one fits. */
    while (tx->tex_bytes + bytes > TEX_BUDGET) {
        tex_entry *old = NULL;
        for (int i = 0; i < TEX_SETS * TEX_WAYS; i++)
            if (tx->tex[i].used && tx->tex[i].tex && (!old || tx->tex[i].use < old->use))
                old = &tx->tex[i];
        if (!old)
            break;
        tex_drop(tx, old);
    }
    *victim = (tex_entry){hash, rgb, true, t, w, h, bytes, ++tx->clock};
    tx->tex_bytes += bytes;
    return victim;
}

void hd_text_draw(hd_text *tx, const char *utf8, int px, bool bold, const SDL_Rect *rect,
                  int align, bool rtl, bool vcenter, uint32_t fg)
{
    if (!tx || !tx->ren || !utf8 || !utf8[0] || !rect)
        return;
    if (align < 0 || align > 2)
        align = 0;
    uint32_t rgb = fg >> 8;
    cache_key k;
    make_key(tx, &k, utf8, px, bold, rect->w, rtl);
    bool laid = false;
    para_entry *pe = para_get(tx, &k, &laid, utf8, rtl);
    if (!pe) {
        hd_log("text: out of memory laying out %zu bytes of text", strlen(utf8));
        return;
    }
    /* the block of lines, placed in rect; each line aligned inside it */
    int bx = rect->x, by = rect->y;
    bool flush_right = (align == 2) != rtl; /* end in LTR, start in RTL */
    if (align == 1)
        bx = rect->x + (rect->w - pe->w) / 2;
    else if (flush_right)
        bx = rect->x + rect->w - pe->w;
    if (vcenter)
        by = rect->y + (rect->h - pe->h) / 2;
    /* Lines outside the visible area are neither rendered nor drawn, so a
     * long story in a scrolled box costs only what shows. */
    SDL_Rect vis;
    SDL_RenderGetViewport(tx->ren, &vis);
    vis.x = vis.y = 0;
    if (SDL_RenderIsClipEnabled(tx->ren))
        SDL_RenderGetClipRect(tx->ren, &vis);
    int y = by;
    for (int i = 0; i < pe->n; i++) {
        const line_rec *lr = &pe->lines[i];
        int ly = y;
        y += lr->h;
        if (ly + lr->h <= vis.y || ly >= vis.y + vis.h || lr->w <= 0)
            continue;
        tex_entry *te = tex_find(tx, lr->hash, rgb);
        if (!te) {
            if (!laid) {
                if (!layout(tx, utf8, k.px, k.bold, k.wrap, rtl))
                    return;
                laid = true;
            }
            const line *l = &tx->ln[i];
            te = tex_insert(tx, lr->hash, rgb, render_line(tx, l, rgb), l->w, l->h);
        }
        te->use = ++tx->clock;
        if (!te->tex)
            continue;
        int lx = bx;
        if (align == 1)
            lx += (pe->w - lr->w) / 2;
        else if (flush_right)
            lx += pe->w - lr->w;
        SDL_Rect dst = {lx, ly, te->w, te->h};
        SDL_SetTextureAlphaMod(te->tex, (Uint8)(fg & 0xFF));
        SDL_RenderCopy(tx->ren, te->tex, NULL, &dst);
    }
}

/* ---- for the tests ---------------------------------------------------- */

int hd_text_debug_runs(hd_text *tx, const char *utf8, int px, bool bold, int wrap_w, bool rtl,
                       hd_text_vrun *out, int max)
{
    if (!utf8 || !utf8[0])
        return 0;
    if (!layout(tx, utf8, px, bold, wrap_w > 0 ? wrap_w : 0, rtl))
        return -1;
    int k = 0;
    for (int li = 0; li < tx->nln; li++) {
        const line *l = &tx->ln[li];
        for (int i = 0; i < l->np;) {
            /* words of one run sit side by side: left to right in logical
             * order when the level is even, in reverse when it is odd */
            const piece *p = &tx->pc[l->p0 + i];
            int a = p->a, b = p->b, w = p->w, j = i + 1;
            for (; j < l->np; j++) {
                const piece *q = &tx->pc[l->p0 + j];
                if (q->script != p->script || q->face != p->face || q->level != p->level)
                    break;
                if ((p->level & 1) ? q->b != a : q->a != b)
                    break;
                if (p->level & 1)
                    a = q->a;
                else
                    b = q->b;
                w += q->w;
            }
            if (k < max) {
                hd_text_vrun *v = &out[k];
                memset(v, 0, sizeof *v);
                v->line = li;
                int o = 0;
                for (int c = a; c < b; c++) {
                    char buf[4];
                    int n = utf8_put(buf, tx->cp[c]);
                    if (o + n >= HD_TEXT_VRUN_TEXT)
                        break;
                    memcpy(v->text + o, buf, (size_t)n);
                    o += n;
                }
                memcpy(v->script, script_tag[p->script], 5);
                v->level = p->level;
                v->x = p->x;
                v->w = w;
                v->line_w = l->w;
                v->line_h = l->h;
                v->font = get_font(tx, p->face);
                v->font_file = face_path(tx, p->face, tx->bold);
            }
            k++;
            i = j;
        }
    }
    return k;
}

unsigned long hd_text_debug_shapes(const hd_text *tx)
{
    return tx->shapes;
}

void hd_text_debug_cache(const hd_text *tx, int *entries, size_t *bytes)
{
    int n = 0;
    for (int i = 0; i < TEX_SETS * TEX_WAYS; i++)
        n += tx->tex[i].used;
    *entries = n;
    *bytes = tx->tex_bytes;
}
