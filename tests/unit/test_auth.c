// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphond's digest authentication (auth.h) and credentials file
 * (credentials.h): the request-digest against the RFC 2617 and RFC 7616
 * examples, then whole exchanges: a challenge is issued, an answer is
 * computed here (with libcrypto directly, not with auth.c's code) from
 * the nonce it carries, and auth_check() judges the request. Credentials
 * files are written to /tmp with mkstemp() and removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "siphond/auth.h"
#include "siphond/credentials.h"

#define S(lit) ((struct sip_str){ lit, sizeof(lit) - 1 })
#define NOW_MS 1700000000000ull
#define LIFETIME_S 300
#define REALM "example.com"

/* in auth.c; its prototype is proposed for auth.h */
int auth_digest_response(bool sha256, const uint8_t *ha1, struct sip_str method,
			 struct sip_str uri, struct sip_str nonce,
			 struct sip_str nc, struct sip_str cnonce,
			 struct sip_str qop, uint8_t *out);

static const char *C(struct sip_str s)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%.*s", (int)s.len, s.p ? s.p : "");
	return buf[i];
}

static void to_hex(const uint8_t *in, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

/* hex of H(text), computed here independently of auth.c */
static void hash_hex(bool sha256, const char *text, char *out)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!EVP_Digest(text, strlen(text), md, &len,
			sha256 ? EVP_sha256() : EVP_md5(), NULL))
		abort();
	to_hex(md, len, out);
}

/* a credentials file with this text; its path into path[32] */
static int write_file(const char *text, char *path)
{
	size_t len = strlen(text);
	int fd;

	strcpy(path, "/tmp/test_auth.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static struct credentials *load_text(const char *text, const char *realm,
				     char *err, size_t errlen)
{
	struct credentials *c;
	char path[32];

	if (write_file(text, path)) {
		snprintf(err, errlen, "cannot write %s", path);
		return NULL;
	}
	c = credentials_load(path, realm, err, errlen);
	unlink(path);
	return c;
}

/* ---- the request-digest against the RFC examples ---- */

struct rfc_vector {
	const char *name;
	bool sha256;
	const char *password_line; /* the credentials file */
	const char *realm, *method, *uri, *nonce, *nc, *cnonce, *qop;
	const char *ha1, *response;
};

/* RFC 7616 spells the password "Circle of Life", RFC 2617 "Circle Of Life" */
static const struct rfc_vector rfc_vectors[] = {
	{ "RFC 2617 3.5", false, "Mufasa Circle Of Life\n",
	  "testrealm@host.com", "GET", "/dir/index.html",
	  "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth",
	  "939e7578ed9e3c518a452acee763bce9",
	  "6629fae49393a05397450978507c4ef1" },
	{ "RFC 7616 3.9.1 MD5", false, "Mufasa Circle of Life\n",
	  "http-auth@example.org", "GET", "/dir/index.html",
	  "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001",
	  "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth", NULL,
	  "8ca523f5e9506fed4657c9700eebdbec" },
	{ "RFC 7616 3.9.1 SHA-256", true, "Mufasa Circle of Life\n",
	  "http-auth@example.org", "GET", "/dir/index.html",
	  "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001",
	  "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth", NULL,
	  "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1" },
};

static struct sip_str cs(const char *s)
{
	return sip_str_of(s, strlen(s));
}

/* HA1s from a plain password file, then the response, both by auth code */
TEST(rfc_examples)
{
	char err[256], hex[65];
	uint8_t resp[32];
	size_t i;

	for (i = 0; i < sizeof(rfc_vectors) / sizeof(rfc_vectors[0]); i++) {
		const struct rfc_vector *v = &rfc_vectors[i];
		size_t mdlen = v->sha256 ? 32 : 16;
		const struct credential *cred;
		struct credentials *c;

		c = load_text(v->password_line, v->realm, err, sizeof(err));
		ASSERT_NE(NULL, c) TH_LOG("%s: %s", v->name, err);
		cred = credentials_find(c, "Mufasa", 6);
		ASSERT_NE(NULL, cred);
		ASSERT_TRUE(cred->has_md5 && cred->has_sha256);
		if (v->ha1) {
			to_hex(cred->ha1_md5, 16, hex);
			EXPECT_STREQ(v->ha1, hex);
		}
		ASSERT_EQ(0,
			  auth_digest_response(
				  v->sha256,
				  v->sha256 ? cred->ha1_sha256 : cred->ha1_md5,
				  cs(v->method), cs(v->uri), cs(v->nonce),
				  cs(v->nc), cs(v->cnonce), cs(v->qop), resp));
		to_hex(resp, mdlen, hex);
		EXPECT_STREQ(v->response, hex) TH_LOG("%s", v->name);
		credentials_free(c);
	}
}

/* RFC 2069: no qop, response = H(HA1:nonce:HA2) */
TEST(digest_without_qop)
{
	static const uint8_t ha1[16] = { 0x93, 0x9e, 0x75, 0x78, 0xed, 0x9e,
					 0x3c, 0x51, 0x8a, 0x45, 0x2a, 0xce,
					 0xe7, 0x63, 0xbc, 0xe9 };
	char ha2[33], text[200], want[33], got[33];
	uint8_t resp[16];

	hash_hex(false, "GET:/dir/index.html", ha2);
	snprintf(text, sizeof(text), "939e7578ed9e3c518a452acee763bce9:%s:%s",
		 "dcd98b7102dd2f0e8b11d0f600bfb0c093", ha2);
	hash_hex(false, text, want);
	ASSERT_EQ(0, auth_digest_response(
			     false, ha1, S("GET"), S("/dir/index.html"),
			     S("dcd98b7102dd2f0e8b11d0f600bfb0c093"),
			     SIP_STR_NULL, SIP_STR_NULL, SIP_STR_NULL, resp));
	to_hex(resp, 16, got);
	EXPECT_STREQ(want, got);
}

/* ---- whole exchanges ---- */

/* what one Authorization line says; NULL fields are left out */
struct answer {
	const char *header; /* "Authorization" or "Proxy-Authorization" */
	const char *username; /* as written between the quotes */
	const char *hash_user; /* for the hash when username is escaped */
	const char *realm, *nonce, *uri, *algorithm, *qop, *nc, *cnonce;
	const char *password;
	const char *response; /* set: sent instead of the right one */
	bool no_response;
};

/* the response a client knowing a->password would send */
static void client_response(const struct answer *a, const char *method,
			    char *out)
{
	bool sha256 = a->algorithm && !strcmp(a->algorithm, "SHA-256");
	char ha1[65], ha2[65], text[1024];
	const char *user = a->hash_user ? a->hash_user : a->username;

	snprintf(text, sizeof(text), "%s:%s:%s", user, REALM, a->password);
	hash_hex(sha256, text, ha1);
	snprintf(text, sizeof(text), "%s:%s", method, a->uri);
	hash_hex(sha256, text, ha2);
	if (a->qop)
		snprintf(text, sizeof(text), "%s:%s:%s:%s:%s:%s", ha1, a->nonce,
			 a->nc, a->cnonce, a->qop, ha2);
	else
		snprintf(text, sizeof(text), "%s:%s:%s", ha1, a->nonce, ha2);
	hash_hex(sha256, text, out);
}

static void add_param(char *line, size_t cap, const char *name,
		      const char *value, bool quoted)
{
	size_t len = strlen(line);

	if (!value)
		return;
	snprintf(line + len, cap - len, "%s%s=%s%s%s",
		 line[len - 1] == ' ' ? "" : ", ", name, quoted ? "\"" : "",
		 value, quoted ? "\"" : "");
}

/* "Authorization: Digest ..." CRLF */
static void answer_line(const struct answer *a, const char *method, char *line,
			size_t cap)
{
	char resp[65];

	if (a->response)
		snprintf(resp, sizeof(resp), "%s", a->response);
	else
		client_response(a, method, resp);
	snprintf(line, cap, "%s: Digest ",
		 a->header ? a->header : "Authorization");
	add_param(line, cap, "username", a->username, true);
	add_param(line, cap, "realm", a->realm, true);
	add_param(line, cap, "nonce", a->nonce, true);
	add_param(line, cap, "uri", a->uri, true);
	add_param(line, cap, "response", a->no_response ? NULL : resp, true);
	add_param(line, cap, "algorithm", a->algorithm, false);
	add_param(line, cap, "qop", a->qop, false);
	add_param(line, cap, "nc", a->nc, false);
	add_param(line, cap, "cnonce", a->cnonce, true);
	strncat(line, "\r\n", cap - strlen(line) - 1);
}

#define REGISTER_HEAD                                          \
	"REGISTER sip:example.com SIP/2.0\r\n"                 \
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1\r\n" \
	"Max-Forwards: 70\r\n"                                 \
	"To: <sip:alice@example.com>\r\n"                      \
	"From: <sip:alice@example.com>;tag=f1\r\n"             \
	"Call-ID: reg1@192.0.2.1\r\n"                          \
	"CSeq: 1 REGISTER\r\n"

FIXTURE(live)
{
	struct auth *a;
	struct sip_msg *msg;
	char text[4096];
	char nonce[128];
	char challenge[1024];
};

static const char *const users = "# the test users\n"
				 "alice wonder land # spaces in a password\r\n"
				 "\n"
				 "bob md5:%s sha256:%s\n"
				 "carol md5:%s\n";

/* bob and carol come as HA1 hex, computed here from their passwords */
static struct credentials *live_users(char *err, size_t errlen)
{
	char bob_md5[33], bob_sha[65], carol_md5[33], text[512];

	hash_hex(false, "bob:" REALM ":builder", bob_md5);
	hash_hex(true, "bob:" REALM ":builder", bob_sha);
	hash_hex(false, "carol:" REALM ":singer", carol_md5);
	snprintf(text, sizeof(text), users, bob_md5, bob_sha, carol_md5);
	return load_text(text, REALM, err, errlen);
}

FIXTURE_SETUP(live)
{
	char err[256];
	struct credentials *c;

	self->a = auth_new(REALM, LIFETIME_S, 1000);
	ASSERT_NE(NULL, self->a);
	c = live_users(err, sizeof(err));
	ASSERT_NE(NULL, c) TH_LOG("%s", err);
	ASSERT_EQ(3u, credentials_count(c));
	auth_set_credentials(self->a, c);
	self->msg = calloc(1, sizeof(*self->msg));
	ASSERT_NE(NULL, self->msg);
}

FIXTURE_TEARDOWN(live)
{
	auth_free(self->a);
	free(self->msg);
}

/* a fresh challenge at now_ms, its nonce into self->nonce */
static int challenge(FIXTURE_DATA(live) * self, bool proxy, uint64_t now_ms)
{
	const char *n;
	int len;

	len = auth_challenge(self->a, proxy, false, now_ms, self->challenge,
			     sizeof(self->challenge));
	if (len <= 0)
		return -1;
	n = strstr(self->challenge, "nonce=\"");
	if (!n)
		return -1;
	n += 7;
	len = (int)strcspn(n, "\"");
	snprintf(self->nonce, sizeof(self->nonce), "%.*s", len, n);
	return 0;
}

/* the REGISTER with these header lines, parsed into self->msg */
static int request_with(FIXTURE_DATA(live) * self, const char *lines)
{
	struct sip_error err;

	snprintf(self->text, sizeof(self->text),
		 REGISTER_HEAD "%sContent-Length: 0\r\n\r\n", lines);
	return sip_msg_parse(self->msg, self->text, strlen(self->text), &err);
}

/*
 * Send answer a and return the verdict, as an int: the harness compares
 * it with enumerators, which C types as int.
 */
static int try_answer(FIXTURE_DATA(live) * self, const struct answer *a,
		      bool proxy, uint64_t now_ms, struct sip_str *user)
{
	char line[1024];

	answer_line(a, "REGISTER", line, sizeof(line));
	if (request_with(self, line))
		abort(); /* the test's own request must parse */
	return (int)auth_check(self->a, self->msg, proxy, now_ms, user);
}

/* alice answering the current challenge with qop=auth */
static struct answer alice(FIXTURE_DATA(live) * self, const char *algorithm,
			   const char *nc)
{
	return (struct answer){ .username = "alice",
				.realm = REALM,
				.nonce = self->nonce,
				.uri = "sip:example.com",
				.algorithm = algorithm,
				.qop = "auth",
				.nc = nc,
				.cnonce = "0a4f113b",
				.password = "wonder land" };
}

struct round_trip {
	const char *user, *password, *algorithm;
	bool qop, proxy;
	enum auth_verdict want;
};

static const struct round_trip round_trips[] = {
	{ "alice", "wonder land", "SHA-256", true, false, AUTH_OK },
	{ "alice", "wonder land", "MD5", true, false, AUTH_OK },
	{ "alice", "wonder land", NULL, true, false, AUTH_OK },
	{ "alice", "wonder land", "MD5", false, false, AUTH_OK },
	{ "alice", "wonder land", "SHA-256", false, true, AUTH_OK },
	{ "alice", "wonder land", "md5", true, true, AUTH_OK },
	/* HA1 hex forms */
	{ "bob", "builder", "SHA-256", true, false, AUTH_OK },
	{ "bob", "builder", "MD5", true, true, AUTH_OK },
	{ "carol", "singer", "MD5", true, false, AUTH_OK },
	/* carol has no SHA-256 HA1 on file */
	{ "carol", "singer", "SHA-256", true, false, AUTH_FORBIDDEN },
	{ "alice", "wonderland", "SHA-256", true, false, AUTH_FORBIDDEN },
	{ "alice", "wonder land ", "MD5", true, false, AUTH_FORBIDDEN },
	{ "bob", "wonder land", "MD5", false, false, AUTH_FORBIDDEN },
	{ "mallory", "x", "SHA-256", true, false, AUTH_FORBIDDEN },
	{ "Alice", "wonder land", "SHA-256", true, false, AUTH_FORBIDDEN },
};

TEST_F(live, round_trips)
{
	uint64_t ok = 0, forbidden = 0;
	size_t i;

	for (i = 0; i < sizeof(round_trips) / sizeof(round_trips[0]); i++) {
		const struct round_trip *t = &round_trips[i];
		struct answer a = { .username = t->user,
				    .realm = REALM,
				    .uri = "sip:example.com",
				    .algorithm = t->algorithm,
				    .password = t->password };
		struct sip_str user = S("junk");

		if (t->qop) {
			a.qop = "auth";
			a.nc = "00000001";
			a.cnonce = "c1";
		}
		if (t->proxy)
			a.header = "Proxy-Authorization";
		ASSERT_EQ(0, challenge(self, t->proxy, NOW_MS));
		a.nonce = self->nonce;
		ASSERT_EQ((int)t->want,
			  try_answer(self, &a, t->proxy, NOW_MS + 500, &user))
		TH_LOG("case %zu: %s/%s", i, t->user,
		       t->algorithm ? t->algorithm : "-");
		if (t->want == AUTH_OK) {
			ok++;
			EXPECT_STREQ(t->user, C(user));
			/* the name points into the request */
			EXPECT_TRUE(user.p > self->text &&
				    user.p < self->text + strlen(self->text));
		} else {
			forbidden++;
			EXPECT_EQ(NULL, user.p);
		}
	}
	EXPECT_EQ(ok, auth_stats(self->a)->ok);
	EXPECT_EQ(forbidden, auth_stats(self->a)->forbidden);
}

TEST_F(live, replayed_nc_is_stale)
{
	struct answer a;

	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	a = alice(self, "SHA-256", "00000001");
	ASSERT_EQ(AUTH_OK, try_answer(self, &a, false, NOW_MS, NULL));
	ASSERT_EQ(AUTH_STALE, try_answer(self, &a, false, NOW_MS, NULL));
	EXPECT_EQ(1u, auth_stats(self->a)->replayed);
	a.nc = "00000003";
	ASSERT_EQ(AUTH_OK, try_answer(self, &a, false, NOW_MS, NULL));
	/* lower than the highest seen, though never used */
	a.nc = "00000002";
	ASSERT_EQ(AUTH_STALE, try_answer(self, &a, false, NOW_MS, NULL));
	/* the nonce-count is per nonce: MD5 with the same nonce shares it */
	a = alice(self, "MD5", "00000003");
	ASSERT_EQ(AUTH_STALE, try_answer(self, &a, false, NOW_MS, NULL));
	a.nc = "0000000A";
	ASSERT_EQ(AUTH_OK, try_answer(self, &a, false, NOW_MS, NULL));
	EXPECT_EQ(3u, auth_stats(self->a)->replayed);
	EXPECT_EQ(3u, auth_stats(self->a)->stale);
	EXPECT_EQ(3u, auth_stats(self->a)->ok);
	/* a wrong password with a fresh nc does not advance it */
	a.password = "guess";
	a.nc = "0000000b";
	ASSERT_EQ(AUTH_FORBIDDEN, try_answer(self, &a, false, NOW_MS, NULL));
	a.password = "wonder land";
	ASSERT_EQ(AUTH_OK, try_answer(self, &a, false, NOW_MS, NULL));
}

TEST_F(live, qopless_nonce_serves_once)
{
	struct answer a;

	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	a = alice(self, "MD5", NULL);
	a.qop = a.cnonce = NULL;
	ASSERT_EQ(AUTH_OK, try_answer(self, &a, false, NOW_MS, NULL));
	ASSERT_EQ(AUTH_STALE, try_answer(self, &a, false, NOW_MS, NULL));
	/* nor can qop take over the used nonce */
	a = alice(self, "MD5", "00000001");
	ASSERT_EQ(AUTH_STALE, try_answer(self, &a, false, NOW_MS, NULL));
	EXPECT_EQ(2u, auth_stats(self->a)->replayed);
}

TEST(nonce_max_uses)
{
	FIXTURE_DATA(live) f = { 0 }, *self = &f;
	char err[256], nc[9];
	struct answer a;
	unsigned int i;

	self->a = auth_new(REALM, LIFETIME_S, 3);
	ASSERT_NE(NULL, self->a);
	auth_set_credentials(self->a, live_users(err, sizeof(err)));
	self->msg = calloc(1, sizeof(*self->msg));
	ASSERT_NE(NULL, self->msg);
	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	a = alice(self, "SHA-256", NULL);
	a.nc = nc;
	for (i = 1; i <= 4; i++) {
		snprintf(nc, sizeof(nc), "%08x", i);
		ASSERT_EQ(i <= 3 ? AUTH_OK : AUTH_STALE,
			  try_answer(self, &a, false, NOW_MS, NULL));
	}
	EXPECT_EQ(0u, auth_stats(self->a)->replayed);
	EXPECT_EQ(1u, auth_stats(self->a)->stale);
	auth_free(self->a);
	free(self->msg);
}

TEST_F(live, expired_nonce)
{
	const uint64_t later = NOW_MS + (LIFETIME_S + 1) * 1000ull;
	struct answer a;

	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	a = alice(self, "SHA-256", "00000001");
	/* the last second of its life still counts */
	ASSERT_EQ(AUTH_OK, try_answer(self, &a, false,
				      NOW_MS + LIFETIME_S * 1000ull, NULL));
	a.nc = "00000002";
	ASSERT_EQ(AUTH_STALE, try_answer(self, &a, false, later, NULL));
	/* a stale nonce tells only a client with the right password */
	a.password = "guess";
	ASSERT_EQ(AUTH_FORBIDDEN, try_answer(self, &a, false, later, NULL));
	/* an expired nonce never used before is just as stale */
	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	a = alice(self, "MD5", "00000001");
	ASSERT_EQ(AUTH_STALE, try_answer(self, &a, false, later, NULL));
	EXPECT_EQ(2u, auth_stats(self->a)->stale);
	EXPECT_EQ(0u, auth_stats(self->a)->replayed);
}

/* a nonce with one hex digit changed at pos */
static void tamper(char *nonce, size_t pos)
{
	nonce[pos] = nonce[pos] == '0' ? '1' : '0';
}

/* a well-made nonce of another auth instance, with its own secret */
static int foreign_nonce(char *out, size_t cap)
{
	struct auth *other = auth_new(REALM, LIFETIME_S, 10);
	char buf[1024];
	const char *n;
	int ret = -1;

	if (!other)
		return -1;
	if (auth_challenge(other, false, false, NOW_MS, buf, sizeof(buf)) < 0)
		goto out;
	n = strstr(buf, "nonce=\"");
	if (!n)
		goto out;
	snprintf(out, cap, "%.64s", n + 7);
	ret = 0;
out:
	auth_free(other);
	return ret;
}

TEST_F(live, forged_nonce)
{
	static const size_t positions[] = { 0, 15, 16, 31, 32, 63 };
	char good[128];
	struct answer a;
	size_t i;

	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	ASSERT_EQ(64u, strlen(self->nonce));
	strcpy(good, self->nonce);
	/* time, salt and MAC: changing any digit breaks the MAC */
	for (i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
		strcpy(self->nonce, good);
		tamper(self->nonce, positions[i]);
		a = alice(self, "SHA-256", "00000001");
		ASSERT_EQ(AUTH_CHALLENGE,
			  try_answer(self, &a, false, NOW_MS, NULL))
		TH_LOG("digit %zu", positions[i]);
	}
	/* someone else's nonce, too short, not hex */
	strcpy(self->nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
	a = alice(self, "MD5", "00000001");
	ASSERT_EQ(AUTH_CHALLENGE, try_answer(self, &a, false, NOW_MS, NULL));
	strcpy(self->nonce, good);
	self->nonce[63] = 'g';
	ASSERT_EQ(AUTH_CHALLENGE, try_answer(self, &a, false, NOW_MS, NULL));
	/* a nonce from another instance (another secret) */
	ASSERT_EQ(0, foreign_nonce(self->nonce, sizeof(self->nonce)));
	ASSERT_EQ(AUTH_CHALLENGE, try_answer(self, &a, false, NOW_MS, NULL));
	/* and the untouched one still works */
	strcpy(self->nonce, good);
	ASSERT_EQ(AUTH_OK, try_answer(self, &a, false, NOW_MS, NULL));
	EXPECT_EQ(9u, auth_stats(self->a)->challenged);
}

TEST_F(live, realm_choice)
{
	struct answer mine, theirs;
	char line[1024], other[1024], both[2048];

	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	mine = alice(self, "SHA-256", "00000001");
	theirs = mine;
	theirs.realm = "other.example.net";
	answer_line(&theirs, "REGISTER", other, sizeof(other));
	answer_line(&mine, "REGISTER", line, sizeof(line));
	/* no credentials at all */
	ASSERT_EQ(0, request_with(self, ""));
	EXPECT_EQ(AUTH_CHALLENGE,
		  (int)auth_check(self->a, self->msg, false, NOW_MS, NULL));
	/* only another realm's */
	ASSERT_EQ(0, request_with(self, other));
	EXPECT_EQ(AUTH_CHALLENGE,
		  (int)auth_check(self->a, self->msg, false, NOW_MS, NULL));
	/* another realm's first, then ours */
	snprintf(both, sizeof(both), "%s%s", other, line);
	ASSERT_EQ(0, request_with(self, both));
	EXPECT_EQ(AUTH_OK,
		  (int)auth_check(self->a, self->msg, false, NOW_MS, NULL));
	/* realms compare case-sensitively */
	mine.realm = "EXAMPLE.COM";
	mine.nc = "00000002";
	EXPECT_EQ(AUTH_CHALLENGE, try_answer(self, &mine, false, NOW_MS, NULL));
	/* another scheme for our realm is not ours to judge */
	ASSERT_EQ(0, request_with(self, "Authorization: Basic realm=\"" REALM
					"\", x=1\r\n"));
	EXPECT_EQ(AUTH_CHALLENGE,
		  (int)auth_check(self->a, self->msg, false, NOW_MS, NULL));
}

TEST_F(live, proxy_authorization)
{
	struct answer a;

	ASSERT_EQ(0, challenge(self, true, NOW_MS));
	ASSERT_EQ(0,
		  strncmp("Proxy-Authenticate: Digest ", self->challenge, 27));
	a = alice(self, "SHA-256", "00000001");
	a.header = "Proxy-Authorization";
	/* a registrar (401) does not read Proxy-Authorization */
	ASSERT_EQ(AUTH_CHALLENGE, try_answer(self, &a, false, NOW_MS, NULL));
	ASSERT_EQ(AUTH_OK, try_answer(self, &a, true, NOW_MS, NULL));
	/* nor a proxy (407) Authorization */
	a.header = "Authorization";
	a.nc = "00000002";
	ASSERT_EQ(AUTH_CHALLENGE, try_answer(self, &a, true, NOW_MS, NULL));
	ASSERT_EQ(AUTH_OK, try_answer(self, &a, false, NOW_MS, NULL));
}

/* quoted-pairs in the quoted values are resolved before hashing */
TEST_F(live, escaped_username)
{
	struct sip_str user;
	struct answer a;

	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	a = alice(self, "SHA-256", "00000001");
	a.username = "al\\ice";
	a.hash_user = "alice";
	a.cnonce = "a\\\"b";
	a.response = NULL;
	{
		/* the client hashes the unescaped cnonce a"b */
		struct answer h = a;
		char resp[65];

		h.cnonce = "a\"b";
		client_response(&h, "REGISTER", resp);
		a.response = resp;
		ASSERT_EQ(AUTH_OK, try_answer(self, &a, false, NOW_MS, &user));
	}
	/* not in the request as sent: the stored name */
	EXPECT_STREQ("alice", C(user));
	EXPECT_FALSE(user.p >= self->text &&
		     user.p < self->text + sizeof(self->text));
}

struct malformed {
	const char *name;
	const char *line;
	enum auth_verdict want;
};

#define DIGEST_START "Authorization: Digest "
#define GOOD_PARAMS                                                       \
	"realm=\"" REALM "\", uri=\"sip:example.com\", response=\"00\", " \
	"nonce=\"abc\""

static const struct malformed malformed[] = {
	{ "no username", DIGEST_START GOOD_PARAMS "\r\n", AUTH_BAD },
	{ "no nonce",
	  DIGEST_START "username=\"alice\", realm=\"" REALM
		       "\", uri=\"sip:example.com\", response=\"00\"\r\n",
	  AUTH_BAD },
	{ "no uri",
	  DIGEST_START "username=\"alice\", realm=\"" REALM
		       "\", nonce=\"abc\", response=\"00\"\r\n",
	  AUTH_BAD },
	{ "no response",
	  DIGEST_START "username=\"alice\", realm=\"" REALM
		       "\", nonce=\"abc\", uri=\"sip:example.com\"\r\n",
	  AUTH_BAD },
	{ "empty username", DIGEST_START "username=\"\", " GOOD_PARAMS "\r\n",
	  AUTH_BAD },
	{ "qop without cnonce",
	  DIGEST_START "username=\"alice\", " GOOD_PARAMS
		       ", qop=auth, nc=00000001\r\n",
	  AUTH_BAD },
	{ "qop without nc",
	  DIGEST_START "username=\"alice\", " GOOD_PARAMS
		       ", qop=auth, cnonce=\"x\"\r\n",
	  AUTH_BAD },
	{ "nc too short",
	  DIGEST_START "username=\"alice\", " GOOD_PARAMS
		       ", qop=auth, nc=1, cnonce=\"x\"\r\n",
	  AUTH_BAD },
	{ "nc not hex",
	  DIGEST_START "username=\"alice\", " GOOD_PARAMS
		       ", qop=auth, nc=0000000g, cnonce=\"x\"\r\n",
	  AUTH_BAD },
	{ "nc zero",
	  DIGEST_START "username=\"alice\", " GOOD_PARAMS
		       ", qop=auth, nc=00000000, cnonce=\"x\"\r\n",
	  AUTH_BAD },
	{ "no params", "Authorization: Digest\r\n", AUTH_BAD },
	{ "param without value", DIGEST_START "username, " GOOD_PARAMS "\r\n",
	  AUTH_BAD },
	{ "unterminated quote",
	  DIGEST_START "username=\"alice, " GOOD_PARAMS "\r\n", AUTH_BAD },
	{ "username past the user bound",
	  DIGEST_START
	  "username=\"\\a"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xx\", " GOOD_PARAMS "\r\n",
	  AUTH_BAD },
	/* well formed, but not what we offered: challenged afresh */
	{ "unknown algorithm",
	  DIGEST_START "username=\"alice\", " GOOD_PARAMS
		       ", algorithm=SHA-512-256\r\n",
	  AUTH_CHALLENGE },
	{ "session algorithm",
	  DIGEST_START "username=\"alice\", " GOOD_PARAMS
		       ", algorithm=MD5-sess\r\n",
	  AUTH_CHALLENGE },
	{ "auth-int",
	  DIGEST_START "username=\"alice\", " GOOD_PARAMS
		       ", qop=auth-int, nc=00000001, cnonce=\"x\"\r\n",
	  AUTH_CHALLENGE },
	{ "nonce not ours",
	  DIGEST_START "username=\"alice\", " GOOD_PARAMS "\r\n",
	  AUTH_CHALLENGE },
};

TEST_F(live, malformed)
{
	size_t i;

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		const struct malformed *m = &malformed[i];
		struct sip_str user = S("junk");

		ASSERT_EQ(0, request_with(self, m->line)) TH_LOG("%s", m->name);
		EXPECT_EQ(m->want,
			  auth_check(self->a, self->msg, false, NOW_MS, &user))
		TH_LOG("%s", m->name);
		EXPECT_EQ(NULL, user.p);
	}
	EXPECT_EQ(14u, auth_stats(self->a)->bad);
	EXPECT_EQ(4u, auth_stats(self->a)->challenged);
}

/* the challenge lines, read back with the SIP parser */
TEST_F(live, challenge_format)
{
	static const char *const heads[] = { "WWW-Authenticate: ",
					     "Proxy-Authenticate: " };
	char *second, *nonce1, *nonce2, want[1024];
	int p, stale, len;

	for (p = 0; p < 2; p++) {
		for (stale = 0; stale < 2; stale++) {
			struct sip_auth h1, h2;
			struct sip_error err;
			size_t hl = strlen(heads[p]);

			len = auth_challenge(self->a, p, stale, NOW_MS,
					     self->challenge,
					     sizeof(self->challenge));
			ASSERT_EQ((int)strlen(self->challenge), len);
			ASSERT_EQ(0, strncmp(heads[p], self->challenge, hl));
			second = strstr(self->challenge, "\r\n");
			ASSERT_NE(NULL, second);
			second += 2;
			ASSERT_EQ(0, strncmp(heads[p], second, hl));
			ASSERT_EQ(0, strcmp("\r\n", self->challenge + len - 2));
			ASSERT_EQ(0,
				  sip_auth_parse(
					  sip_str_of(self->challenge + hl,
						     second - 2 -
							     self->challenge -
							     hl),
					  &h1, &err));
			ASSERT_EQ(0,
				  sip_auth_parse(
					  sip_str_of(second + hl,
						     self->challenge + len - 2 -
							     second - hl),
					  &h2, &err));
			EXPECT_STREQ("Digest", C(h1.scheme));
			EXPECT_STREQ(REALM, C(h1.realm));
			EXPECT_STREQ("SHA-256", C(h1.algorithm));
			EXPECT_STREQ("MD5", C(h2.algorithm));
			EXPECT_STREQ("auth", C(h1.qop));
			EXPECT_STREQ("auth", C(h2.qop));
			EXPECT_STREQ(stale ? "true" : "", C(h1.stale));
			EXPECT_STREQ(stale ? "true" : "", C(h2.stale));
			EXPECT_EQ(64u, h1.nonce.len);
			EXPECT_STREQ(C(h1.nonce), C(h2.nonce));
		}
	}
	/* the exact text of one */
	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	nonce1 = strdup(self->nonce);
	ASSERT_NE(NULL, nonce1);
	snprintf(want, sizeof(want),
		 "WWW-Authenticate: Digest realm=\"" REALM
		 "\", nonce=\"%s\", algorithm=SHA-256, qop=\"auth\"\r\n"
		 "WWW-Authenticate: Digest realm=\"" REALM
		 "\", nonce=\"%s\", algorithm=MD5, qop=\"auth\"\r\n",
		 nonce1, nonce1);
	EXPECT_STREQ(want, self->challenge);
	/* every challenge its own nonce */
	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	nonce2 = self->nonce;
	EXPECT_STRNE(nonce1, nonce2);
	free(nonce1);
	/* too small a buffer: refused, whatever the cut */
	for (len = 0; len < 250; len += 7)
		EXPECT_EQ(-1, auth_challenge(self->a, false, false, NOW_MS,
					     self->challenge, len));
}

/* a realm needing escapes goes out escaped, and round trips */
TEST(realm_escaped)
{
	FIXTURE_DATA(live) f = { 0 }, *self = &f;
	char err[256], ha1[33], ha2[33], text[2048], resp[33];
	struct answer a;

	EXPECT_EQ(NULL, auth_new("", 60, 10));
	EXPECT_EQ(NULL, auth_new("a\r\nX-Evil: 1", 60, 10));
	EXPECT_EQ(NULL, auth_new(NULL, 60, 10));
	self->a = auth_new("say \"hi\"", LIFETIME_S, 10);
	ASSERT_NE(NULL, self->a);
	auth_set_credentials(self->a, load_text("u p\n", "say \"hi\"", err,
						sizeof(err)));
	self->msg = calloc(1, sizeof(*self->msg));
	ASSERT_NE(NULL, self->msg);
	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	EXPECT_NE(NULL, strstr(self->challenge, "realm=\"say \\\"hi\\\"\", "));
	/* the client hashes the realm unescaped */
	hash_hex(false, "u:say \"hi\":p", ha1);
	hash_hex(false, "REGISTER:sip:x", ha2);
	snprintf(text, sizeof(text), "%s:%s:00000001:c:auth:%s", ha1,
		 self->nonce, ha2);
	hash_hex(false, text, resp);
	a = (struct answer){ .username = "u",
			     .realm = "say \\\"hi\\\"",
			     .nonce = self->nonce,
			     .uri = "sip:x",
			     .qop = "auth",
			     .nc = "00000001",
			     .cnonce = "c",
			     .response = resp };
	EXPECT_EQ(AUTH_OK, try_answer(self, &a, false, NOW_MS, NULL));
	auth_free(self->a);
	free(self->msg);
}

/* no credentials loaded: everyone is unknown */
TEST(no_credentials)
{
	FIXTURE_DATA(live) f = { 0 }, *self = &f;
	struct answer a;

	self->a = auth_new(REALM, LIFETIME_S, 10);
	ASSERT_NE(NULL, self->a);
	self->msg = calloc(1, sizeof(*self->msg));
	ASSERT_NE(NULL, self->msg);
	ASSERT_EQ(0, challenge(self, false, NOW_MS));
	a = alice(self, "MD5", "00000001");
	EXPECT_EQ(AUTH_FORBIDDEN, try_answer(self, &a, false, NOW_MS, NULL));
	auth_free(self->a);
	free(self->msg);
}

/* one successful use of a fresh nonce; its nonce left in self->nonce */
static int use_fresh_nonce(FIXTURE_DATA(live) * self, uint64_t now_ms)
{
	struct answer a;

	if (challenge(self, false, now_ms))
		return -1;
	a = alice(self, "MD5", "00000001");
	return try_answer(self, &a, false, now_ms, NULL) == AUTH_OK ? 0 : -1;
}

#define TABLE_SLOTS 4096
#define EVICTED 300

/* is this nonce's nc 1 known (a replay: AUTH_STALE) or new (AUTH_OK)? */
static int nc1_verdict(FIXTURE_DATA(live) * self, const char *nonce)
{
	struct answer a;

	snprintf(self->nonce, sizeof(self->nonce), "%s", nonce);
	a = alice(self, "MD5", "00000001");
	return try_answer(self, &a, false, NOW_MS, NULL);
}

/*
 * 4096 nonces remembered; each one more drops the oldest, and counts it.
 * Every survivor must still be found after the drops reshuffle the index.
 */
TEST_F(live, nonce_table_full)
{
	const int total = TABLE_SLOTS + EVICTED;
	char(*nonces)[65] = calloc(total, sizeof(*nonces));
	int i;

	ASSERT_NE(NULL, nonces);
	for (i = 0; i < total; i++) {
		ASSERT_EQ(0, use_fresh_nonce(self, NOW_MS));
		ASSERT_EQ(64u, strlen(self->nonce));
		memcpy(nonces[i], self->nonce, 65);
		if (i == TABLE_SLOTS - 1) {
			EXPECT_EQ(0u, auth_stats(self->a)->nonce_table_full);
		}
	}
	EXPECT_EQ((uint64_t)EVICTED, auth_stats(self->a)->nonce_table_full);
	/* the survivors are known: their nc 1 is a replay */
	for (i = EVICTED; i < total; i++)
		ASSERT_EQ(AUTH_STALE, nc1_verdict(self, nonces[i]))
	TH_LOG("nonce %d lost", i);
	EXPECT_EQ((uint64_t)TABLE_SLOTS, auth_stats(self->a)->replayed);
	/* the oldest was forgotten: its nc starts over */
	EXPECT_EQ(AUTH_OK, nc1_verdict(self, nonces[0]));
	EXPECT_EQ(EVICTED + 1u, auth_stats(self->a)->nonce_table_full);
	free(nonces);
}

/* expired nonces make room without counting as a full table */
TEST_F(live, expired_entries_make_room)
{
	const uint64_t later = NOW_MS + (LIFETIME_S + 1) * 1000ull;
	int i;

	for (i = 0; i < TABLE_SLOTS; i++)
		ASSERT_EQ(0, use_fresh_nonce(self, NOW_MS));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, use_fresh_nonce(self, later));
	EXPECT_EQ(0u, auth_stats(self->a)->nonce_table_full);
	EXPECT_EQ(4106u, auth_stats(self->a)->ok);
}

/* ---- the credentials file ---- */

struct bad_file {
	const char *text;
	const char *err; /* after "path:" */
};

static const struct bad_file bad_files[] = {
	{ "alice\n", "1: no password" },
	{ "# c\n\nalice   # no password either\n", "3: no password" },
	{ "a x\n\nb y\na z\n", "4: duplicate user \"a\" (first on line 1)" },
	{ "x md5:abc\n", "1: md5 HA1 must be 32 hex digits" },
	{ "x md5:0123456789abcdef0123456789abcdeg\n",
	  "1: md5 HA1 must be 32 hex digits" },
	{ "x sha256:0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcde\n",
	  "1: sha256 HA1 must be 64 hex digits" },
	{ "y p\nx md5:0123456789abcdef0123456789abcdef foo\n",
	  "2: expected md5:HEX or sha256:HEX, not \"foo\"" },
	{ "x md5:0123456789abcdef0123456789abcdef "
	  "md5:0123456789abcdef0123456789abcdef\n",
	  "1: md5 HA1 given twice" },
	{ "x\"y p\n", "1: bad character in user name" },
	{ "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
	  "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu p\n",
	  "1: user name longer than 127 bytes" },
};

TEST(credentials_errors)
{
	char err[256], want[256];
	size_t i;

	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct credentials *c;
		const char *colon;

		c = load_text(bad_files[i].text, REALM, err, sizeof(err));
		EXPECT_EQ(NULL, c) TH_LOG("%s", bad_files[i].text);
		credentials_free(c);
		ASSERT_EQ(0, strncmp("/tmp/test_auth.", err, 15))
		TH_LOG("%s", err);
		colon = strchr(err, ':');
		ASSERT_NE(NULL, colon);
		snprintf(want, sizeof(want), "%s", bad_files[i].err);
		EXPECT_STREQ(want, colon + 1);
	}
	/* a file that is not there names itself */
	EXPECT_EQ(NULL, credentials_load("/nonexistent/creds", REALM, err,
					 sizeof(err)));
	EXPECT_STREQ("/nonexistent/creds: No such file or directory", err);
}

TEST(credentials_line_too_long)
{
	char text[1200], err[256];

	memset(text, 'p', sizeof(text) - 2);
	memcpy(text, "alice ", 6);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	EXPECT_EQ(NULL, load_text(text, REALM, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, ":1: line longer than 1024 bytes"))
	TH_LOG("%s", err);
}

TEST(credentials_parse)
{
	const struct credential *cred;
	struct credentials *c;
	char err[256], hex[65];

	c = load_text("# users\n"
		      "\n"
		      "   \t\n"
		      "alice secret # the comment is not the password\n"
		      "\tbob  pass#word\r\n"
		      "carol sha256:00112233445566778899AABBCCDDEEFF"
		      "00112233445566778899aabbccddeeff\n"
		      "dave  open sesame",
		      REALM, err, sizeof(err));
	ASSERT_NE(NULL, c) TH_LOG("%s", err);
	EXPECT_EQ(4u, credentials_count(c));
	cred = credentials_find(c, "alice", 5);
	ASSERT_NE(NULL, cred);
	hash_hex(false, "alice:" REALM ":secret", hex);
	{
		char got[33];

		to_hex(cred->ha1_md5, 16, got);
		EXPECT_STREQ(hex, got);
	}
	cred = credentials_find(c, "bob", 3);
	ASSERT_NE(NULL, cred);
	hash_hex(true, "bob:" REALM ":pass#word", hex);
	{
		char got[65];

		to_hex(cred->ha1_sha256, 32, got);
		EXPECT_STREQ(hex, got);
	}
	cred = credentials_find(c, "carol", 5);
	ASSERT_NE(NULL, cred);
	EXPECT_FALSE(cred->has_md5);
	EXPECT_TRUE(cred->has_sha256);
	EXPECT_EQ(0xaa, cred->ha1_sha256[10]);
	cred = credentials_find(c, "dave", 4);
	ASSERT_NE(NULL, cred);
	hash_hex(false, "dave:" REALM ":open sesame", hex);
	{
		char got[33];

		to_hex(cred->ha1_md5, 16, got);
		EXPECT_STREQ(hex, got);
	}
	/* exact names only */
	EXPECT_EQ(NULL, credentials_find(c, "Alice", 5));
	EXPECT_EQ(NULL, credentials_find(c, "alic", 4));
	EXPECT_EQ(NULL, credentials_find(c, "alicex", 6));
	EXPECT_EQ(NULL, credentials_find(c, "alice", 0));
	EXPECT_NE(NULL, credentials_find(c, "alicex", 5));
	credentials_free(c);
	EXPECT_EQ(NULL, credentials_find(NULL, "alice", 5));
	EXPECT_EQ(0u, credentials_count(NULL));
	/* an empty file is an empty set */
	c = load_text("# nobody yet\n", REALM, err, sizeof(err));
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0u, credentials_count(c));
	EXPECT_EQ(NULL, credentials_find(c, "alice", 5));
	credentials_free(c);
}

/* the "user md5:HEX" line for user n, into line */
static int hex_user_line(char *line, size_t cap, unsigned int n)
{
	return snprintf(line, cap, "u%u md5:0123456789abcdef0123456789abcdef\n",
			n);
}

static char *many_users(unsigned int n)
{
	size_t cap = (size_t)n * 48 + 1, len = 0;
	char *text = malloc(cap);
	unsigned int i;

	if (!text)
		return NULL;
	for (i = 1; i <= n; i++)
		len += hex_user_line(text + len, cap - len, i);
	return text;
}

TEST(credentials_bound)
{
	struct credentials *c;
	char err[256], *text;

	text = many_users(100000);
	ASSERT_NE(NULL, text);
	c = load_text(text, REALM, err, sizeof(err));
	free(text);
	ASSERT_NE(NULL, c) TH_LOG("%s", err);
	EXPECT_EQ(100000u, credentials_count(c));
	EXPECT_NE(NULL, credentials_find(c, "u1", 2));
	EXPECT_NE(NULL, credentials_find(c, "u100000", 7));
	EXPECT_EQ(NULL, credentials_find(c, "u100001", 7));
	credentials_free(c);

	text = many_users(100001);
	ASSERT_NE(NULL, text);
	c = load_text(text, REALM, err, sizeof(err));
	free(text);
	EXPECT_EQ(NULL, c);
	EXPECT_NE(NULL, strstr(err, ":100001: more than 100000 users"))
	TH_LOG("%s", err);
}

TEST_HARNESS_MAIN
