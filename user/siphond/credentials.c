// SPDX-License-Identifier: GPL-2.0-only
/*
 * The credentials file, read whole into an array and indexed by an open
 * addressing hash table of user names. A plain password is turned into
 * its HA1s here, for the one realm the file is loaded for, and then
 * forgotten; the HEX form carries HA1s computed elsewhere.
 *
 * Line syntax (credentials.h): the user is the first word; the rest of
 * the line is either "md5:HEX" and/or "sha256:HEX" words or, otherwise,
 * the password (which may hold spaces, but cannot start with "md5:" or
 * "sha256:"). A '#' at the start of a line or after a blank starts a
 * comment, so a password may contain '#' but not " #".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "credentials.h"
#include "sip/sip_str.h"

#define CRED_USERS_MAX 100000u
#define CRED_LINE_MAX 1024
#define CRED_REALM_MAX 256
#define CRED_SLOT_EMPTY UINT32_MAX

struct credentials {
	struct credential *v;
	uint32_t *line; /* the line each entry came from, for errors */
	unsigned int n, cap;
	uint32_t *slots; /* indexes into v, CRED_SLOT_EMPTY when free */
	uint32_t mask; /* slot count - 1, a power of two minus one */
};

/* what one line is being read into, and where errors go */
struct cred_reader {
	const char *path;
	const char *realm;
	unsigned int lineno;
	char *err;
	size_t errlen;
};

static int reader_fail(struct cred_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "path:line: message"; always -1 so callers can return it */
static int reader_fail(struct cred_reader *r, const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;
	int n;

	if (!r->err || !r->errlen)
		return -1;
	n = snprintf(r->err, r->errlen, "%s:%u: ", r->path, r->lineno);
	if (n > 0)
		used = (size_t)n < r->errlen ? (size_t)n : r->errlen - 1;
	va_start(ap, fmt);
	vsnprintf(r->err + used, r->errlen - used, fmt, ap);
	va_end(ap);
	return -1;
}

/* FNV-1a: user names are short and chosen by the operator, not by peers */
static uint32_t user_hash(const char *user, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)user[i];
		h *= 16777619u;
	}
	return h;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* H(user:realm:password) with one algorithm */
static int ha1_compute(const EVP_MD *md, const char *user, const char *realm,
		       const char *password, uint8_t *out)
{
	char buf[CRED_USER_MAX + CRED_REALM_MAX + CRED_LINE_MAX + 3];
	unsigned int outlen = 0;
	int n;

	n = snprintf(buf, sizeof(buf), "%s:%s:%s", user, realm, password);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	if (!EVP_Digest(buf, (size_t)n, out, &outlen, md, NULL))
		return -1;
	OPENSSL_cleanse(buf, sizeof(buf));
	return outlen == (unsigned int)EVP_MD_get_size(md) ? 0 : -1;
}

/* exactly 2 * len hex digits into len bytes */
static int hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t len)
{
	size_t i;

	if (hexlen != 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		int hi = sip_hex_value(hex[2 * i]);
		int lo = sip_hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* "md5:HEX" or "sha256:HEX", one word of the HEX form */
static int parse_ha1_word(struct cred_reader *r, const char *w, size_t len,
			  struct credential *c)
{
	if (len > 4 && !strncmp(w, "md5:", 4)) {
		if (c->has_md5)
			return reader_fail(r, "md5 HA1 given twice");
		if (hex_decode(w + 4, len - 4, c->ha1_md5, sizeof(c->ha1_md5)))
			return reader_fail(r, "md5 HA1 must be 32 hex digits");
		c->has_md5 = true;
		return 0;
	}
	if (len > 7 && !strncmp(w, "sha256:", 7)) {
		if (c->has_sha256)
			return reader_fail(r, "sha256 HA1 given twice");
		if (hex_decode(w + 7, len - 7, c->ha1_sha256,
			       sizeof(c->ha1_sha256)))
			return reader_fail(r,
					   "sha256 HA1 must be 64 hex digits");
		c->has_sha256 = true;
		return 0;
	}
	return reader_fail(r, "expected md5:HEX or sha256:HEX, not \"%.*s\"",
			   (int)(len > 40 ? 40 : len), w);
}

static bool is_ha1_form(const char *rest)
{
	return !strncmp(rest, "md5:", 4) || !strncmp(rest, "sha256:", 7);
}

/* the words after the user name, each "md5:HEX" or "sha256:HEX" */
static int parse_ha1s(struct cred_reader *r, const char *rest,
		      struct credential *c)
{
	const char *w = rest;

	while (*w) {
		size_t len = strcspn(w, " \t");

		if (parse_ha1_word(r, w, len, c))
			return -1;
		w += len;
		while (is_blank(*w))
			w++;
	}
	return 0;
}

static int password_ha1s(struct cred_reader *r, const char *password,
			 struct credential *c)
{
	if (ha1_compute(EVP_md5(), c->user, r->realm, password, c->ha1_md5) ||
	    ha1_compute(EVP_sha256(), c->user, r->realm, password,
			c->ha1_sha256))
		return reader_fail(r, "cannot hash the password");
	c->has_md5 = c->has_sha256 = true;
	return 0;
}

/*
 * A name a client can send as a plain quoted string: printable, no
 * blank, and no '"' or '\\' that it would have to escape.
 */
static bool user_name_ok(const char *user, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)user[i];

		if (ch <= ' ' || ch == 0x7f || ch == '"' || ch == '\\')
			return false;
	}
	return true;
}

/* cut the comment and the trailing blanks and line end off, in place */
static void strip_line(char *line)
{
	size_t len;
	char *p;

	for (p = line; *p; p++) {
		if (*p == '#' && (p == line || is_blank(p[-1]))) {
			*p = '\0';
			break;
		}
	}
	len = strlen(line);
	while (len && (is_blank(line[len - 1]) || line[len - 1] == '\r' ||
		       line[len - 1] == '\n'))
		line[--len] = '\0';
}

/* one stripped, non-empty line into c */
static int parse_line(struct cred_reader *r, char *line, struct credential *c)
{
	char *rest;
	size_t ulen;

	while (is_blank(*line))
		line++;
	ulen = strcspn(line, " \t");
	if (ulen >= CRED_USER_MAX)
		return reader_fail(r, "user name longer than %d bytes",
				   CRED_USER_MAX - 1);
	if (!user_name_ok(line, ulen))
		return reader_fail(r, "bad character in user name");
	*c = (struct credential){ 0 };
	memcpy(c->user, line, ulen);
	rest = line + ulen;
	while (is_blank(*rest))
		rest++;
	if (!*rest)
		return reader_fail(r, "no password");
	if (is_ha1_form(rest))
		return parse_ha1s(r, rest, c);
	return password_ha1s(r, rest, c);
}

static int grow(struct credentials *c, struct cred_reader *r)
{
	unsigned int cap = c->cap ? c->cap * 2 : 64;
	struct credential *v;
	uint32_t *line;

	if (c->n >= CRED_USERS_MAX)
		return reader_fail(r, "more than %u users", CRED_USERS_MAX);
	if (cap > CRED_USERS_MAX)
		cap = CRED_USERS_MAX;
	v = realloc(c->v, cap * sizeof(*v));
	if (!v)
		return reader_fail(r, "out of memory");
	c->v = v;
	line = realloc(c->line, cap * sizeof(*line));
	if (!line)
		return reader_fail(r, "out of memory");
	c->line = line;
	c->cap = cap;
	return 0;
}

/* the next line into buf: 1, 0 at the end, -1 (reported) when too long */
static int read_line(FILE *f, char *buf, size_t cap, struct cred_reader *r)
{
	size_t len;

	if (!fgets(buf, (int)cap, f))
		return 0;
	r->lineno++;
	len = strlen(buf);
	if (len == cap - 1 && buf[len - 1] != '\n' && !feof(f))
		return reader_fail(r, "line longer than %zu bytes", cap - 2);
	return 1;
}

static int read_all(struct credentials *c, FILE *f, struct cred_reader *r)
{
	char line[CRED_LINE_MAX + 2];
	int got;

	while ((got = read_line(f, line, sizeof(line), r)) == 1) {
		strip_line(line);
		if (!line[strspn(line, " \t")])
			continue;
		if (c->n == c->cap && grow(c, r))
			goto fail;
		if (parse_line(r, line, &c->v[c->n]))
			goto fail;
		c->line[c->n++] = r->lineno;
	}
	OPENSSL_cleanse(line, sizeof(line));
	if (got < 0 || ferror(f)) {
		if (got == 0)
			reader_fail(r, "read error: %s", strerror(errno));
		return -1;
	}
	return 0;
fail:
	OPENSSL_cleanse(line, sizeof(line));
	return -1;
}

/* the slot holding user, or the empty slot where it would go */
static uint32_t find_slot(const struct credentials *c, const char *user,
			  size_t len)
{
	uint32_t i = user_hash(user, len) & c->mask;

	for (;; i = (i + 1) & c->mask) {
		uint32_t k = c->slots[i];

		if (k == CRED_SLOT_EMPTY)
			return i;
		if (strlen(c->v[k].user) == len &&
		    !memcmp(c->v[k].user, user, len))
			return i;
	}
}

/* at most half full, so probes stay short and always end */
static int build_index(struct credentials *c, struct cred_reader *r)
{
	uint32_t size = 16, k;

	while (size < 2 * c->n)
		size *= 2;
	c->slots = malloc(size * sizeof(*c->slots));
	if (!c->slots)
		return reader_fail(r, "out of memory");
	memset(c->slots, 0xff, size * sizeof(*c->slots));
	c->mask = size - 1;
	for (k = 0; k < c->n; k++) {
		const char *user = c->v[k].user;
		uint32_t i = find_slot(c, user, strlen(user));

		if (c->slots[i] != CRED_SLOT_EMPTY) {
			r->lineno = c->line[k];
			return reader_fail(
				r, "duplicate user \"%s\" (first on line %u)",
				user, c->line[c->slots[i]]);
		}
		c->slots[i] = k;
	}
	return 0;
}

struct credentials *credentials_load(const char *path, const char *realm,
				     char *err, size_t errlen)
{
	struct cred_reader r = {
		.path = path, .realm = realm, .err = err, .errlen = errlen
	};
	struct credentials *c = NULL;
	FILE *f = NULL;

	if (err && errlen)
		err[0] = '\0';
	if (!realm || strlen(realm) >= CRED_REALM_MAX) {
		reader_fail(&r, "realm missing or too long");
		goto fail;
	}
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, err ? errlen : 0, "%s: %s", path,
			 strerror(errno));
		goto fail;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		reader_fail(&r, "out of memory");
		goto fail;
	}
	if (read_all(c, f, &r) || build_index(c, &r))
		goto fail;
	fclose(f);
	return c;
fail:
	if (f)
		fclose(f);
	credentials_free(c);
	return NULL;
}

void credentials_free(struct credentials *c)
{
	if (!c)
		return;
	if (c->v)
		OPENSSL_cleanse(c->v, c->cap * sizeof(*c->v));
	free(c->v);
	free(c->line);
	free(c->slots);
	free(c);
}

const struct credential *credentials_find(const struct credentials *c,
					  const char *user, size_t len)
{
	uint32_t i;

	if (!c || !c->slots || !user || len >= CRED_USER_MAX)
		return NULL;
	i = find_slot(c, user, len);
	if (c->slots[i] == CRED_SLOT_EMPTY)
		return NULL;
	return &c->v[c->slots[i]];
}

unsigned int credentials_count(const struct credentials *c)
{
	return c ? c->n : 0;
}
