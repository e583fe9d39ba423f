/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The credentials file: one user per line, "user password" or
 * "user md5:HEX sha256:HEX" (the HA1 = H(user:realm:password) of each
 * algorithm, so no password needs to be on disk). '#' starts a comment.
 * Loaded whole for one realm; a bad line fails the load with its number.
 */
#ifndef SIPHOND_CREDENTIALS_H
#define SIPHOND_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRED_USER_MAX 128

struct credential {
	char user[CRED_USER_MAX];
	bool has_md5, has_sha256;
	uint8_t ha1_md5[16];
	uint8_t ha1_sha256[32];
};

struct credentials;

/* NULL with a message ("creds:4: no password") in err */
struct credentials *credentials_load(const char *path, const char *realm,
				     char *err, size_t errlen);
void credentials_free(struct credentials *c);
const struct credential *credentials_find(const struct credentials *c,
					  const char *user, size_t len);
unsigned int credentials_count(const struct credentials *c);

#endif /* SIPHOND_CREDENTIALS_H */
