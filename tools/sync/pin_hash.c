/* pin_hash.c — heard-sync pin-hash: reads a staff PIN (4 to 12 digits) on
 * standard input and prints its Argon2id hash (crypto_pwhash_str,
 * interactive limits) for the kiosk config's "staff_pin_hash".
 *
 * On a terminal the PIN is not echoed and is asked for twice; from a pipe
 * the first line is read. The PIN is wiped from memory after hashing.
 */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sync.h"
#include "sync_util.h"

#define CMD "pin-hash"
#define PIN_MIN 4
#define PIN_MAX 12

/* Reads one line into buf (newline removed). Returns the length, or -1 at
 * end of input or when the line is longer than cap - 1. */
static int read_line(char *buf, size_t cap, bool quiet, const char *prompt)
{
    struct termios old, raw;
    bool tty = quiet && isatty(0) && tcgetattr(0, &old) == 0;
    if (tty) {
        fputs(prompt, stderr);
        fflush(stderr);
        raw = old;
        raw.c_lflag &= (tcflag_t)~ECHO;
        tcsetattr(0, TCSAFLUSH, &raw);
    }
    size_t n = 0;
    int c;
    bool too_long = false;
    while ((c = getchar()) != EOF && c != '\n') {
        if (n + 1 < cap)
            buf[n++] = (char)c;
        else
            too_long = true;
    }
    if (tty) {
        tcsetattr(0, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    if (too_long)
        return -2;
    if (c == EOF && n == 0)
        return -1;
    return (int)n;
}

static int check_pin(const char *pin, int n)
{
    if (n == -1)
        return sync_fail(CMD, "no PIN on standard input (type it, or: echo 1234 | heard-sync "
                              "pin-hash)");
    if (n == -2 || n > PIN_MAX || n < PIN_MIN)
        return sync_fail(CMD, "a PIN has %d to %d digits", PIN_MIN, PIN_MAX);
    for (int i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return sync_fail(CMD, "a PIN has digits only (0-9): the kiosk's PIN pad has no "
                                  "other keys");
    return 0;
}

int sync_pin_hash(int argc, char **argv)
{
    if (argc > 0)
        return sync_fail(CMD, "unexpected argument \"%s\" (the PIN is read from standard input)",
                         argv[0]);
    if (sync_crypto_init(CMD) != 0)
        return 1;
    char pin[64], again[64];
    int n = read_line(pin, sizeof pin, true, "Staff PIN (4-12 digits): ");
    int status = check_pin(pin, n);
    if (status == 0 && isatty(0)) {
        int m = read_line(again, sizeof again, true, "The same PIN again: ");
        if (m != n || strcmp(pin, again) != 0)
            status = sync_fail(CMD, "the two PINs differ; nothing was printed");
        sodium_memzero(again, sizeof again);
    }
    char hash[crypto_pwhash_STRBYTES];
    if (status == 0 &&
        crypto_pwhash_str_alg(hash, pin, (unsigned long long)n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        status = sync_fail(CMD, "hashing failed (out of memory?)");
    sodium_memzero(pin, sizeof pin);
    if (status == 0)
        printf("%s\n", hash);
    return status;
}
