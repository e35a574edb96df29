/* keygen.c — heard-sync keygen --public FILE --secret FILE
 *
 * A libsodium crypto_box key pair for sealing contact details. Each file
 * holds one key as base64 (sodium's ORIGINAL variant, with padding) and a
 * newline: the public one goes into the kiosk's config
 * ("coordinator_public_key"), the secret one stays with the coordinator and
 * is created readable by its owner only (0600). Neither file may exist
 * already: overwriting a secret key would make every contact sealed for it
 * unreadable. Each file is written completely under a temporary name and
 * then linked into place, which fails if the name was taken meanwhile.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sync.h"
#include "sync_util.h"

#define CMD "keygen"
#define USAGE "keygen --public FILE --secret FILE"

/* Writes text to a new file at path (mode), never replacing one. */
static int write_new(const char *path, const char *text, mode_t mode)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return sync_fail(CMD, "out of memory");
    snprintf(tmp, n, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return sync_fail(CMD, "cannot write %s: %s", path, strerror(e));
    }
    fchmod(fd, mode);
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    int e = errno;
    ok = close(fd) == 0 && ok;
    if (ok && link(tmp, path) != 0) {
        e = errno;
        ok = false;
    }
    unlink(tmp);
    free(tmp);
    if (!ok) {
        if (e == EEXIST)
            return sync_fail(CMD, "%s already exists; keygen never replaces a key file", path);
        return sync_fail(CMD, "cannot write %s: %s", path, strerror(e));
    }
    return 0;
}

int sync_keygen(int argc, char **argv)
{
    static const char *const value_flags[] = {"--public", "--secret", NULL};
    if (sync_check_args(CMD, argc, argv, value_flags, NULL) != 0 ||
        sync_no_positional(CMD, argc, argv, value_flags, USAGE) != 0)
        return 1;
    const char *pub = sync_opt(argc, argv, "--public");
    const char *sec = sync_opt(argc, argv, "--secret");
    if (!pub || !sec)
        return sync_fail(CMD, "--public FILE and --secret FILE are required");
    if (strcmp(pub, sec) == 0)
        return sync_fail(CMD, "the public and the secret key need two different files");
    struct stat sb;
    if (stat(pub, &sb) == 0)
        return sync_fail(CMD, "%s already exists; keygen never replaces a key file", pub);
    if (stat(sec, &sb) == 0)
        return sync_fail(CMD, "%s already exists; keygen never replaces a key file", sec);
    if (sync_crypto_init(CMD) != 0)
        return 1;
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(pk, sk);
    char pk64[sodium_base64_ENCODED_LEN(crypto_box_PUBLICKEYBYTES, sodium_base64_VARIANT_ORIGINAL) + 1];
    char sk64[sodium_base64_ENCODED_LEN(crypto_box_SECRETKEYBYTES, sodium_base64_VARIANT_ORIGINAL) + 1];
    sodium_bin2base64(pk64, sizeof pk64 - 1, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(sk64, sizeof sk64 - 1, sk, sizeof sk, sodium_base64_VARIANT_ORIGINAL);
    strcat(pk64, "\n");
    strcat(sk64, "\n");
    sodium_memzero(sk, sizeof sk);
    int status = write_new(sec, sk64, 0600);
    sodium_memzero(sk64, sizeof sk64);
    if (status != 0)
        return status;
    status = write_new(pub, pk64, 0644);
    if (status != 0) {
        unlink(sec); /* a secret key without its public half is of no use */
        return status;
    }
    printf("public key (for the kiosk config): %s\nsecret key (keep it safe, 0600): %s\n", pub,
           sec);
    return 0;
}
