/* SPDX-License-Identifier: MIT */
/* Private directories that a root process can trust: opened by descriptor, component by
 * component from "/", never through a symbolic link, and only when no other user can
 * replace anything on the way (lbc's compile cache; anything root loads from disk). */
#ifndef ST_UTIL_SAFEDIR_H
#define ST_UTIL_SAFEDIR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "util/err.h"

/* Opens directory PATH (relative paths start at the current directory's real path) with
 * O_DIRECTORY|O_NOFOLLOW at every step, creating missing components when create is set
 * (0755, the last one 0700). Every directory on the way must be owned by root or the
 * effective user and not writable by group or others, unless it is sticky (then others
 * cannot rename what they do not own, and the next component is checked in its turn); the
 * directory itself must be owned by the effective user and not group/other writable.
 * Returns the descriptor, or -errno with one line in why (naming the offending directory). */
int st_safedir_open(const char *path, bool create, char *why, size_t whylen);

/* A file root may trust (a bundle it runs): every directory from "/" to it checked like
 * the ancestors above (a sticky /tmp is fine), the file opened O_NOFOLLOW and then checked
 * on its descriptor: a regular file owned by root or the effective user, not writable by
 * group or others. Returns the read-only descriptor, or -errno with one line in why. */
int st_safefile_open(const char *path, char *why, size_t whylen);

/* The same for NAME inside the already trusted directory dirfd (created 0700). */
int st_safedir_openat(int dirfd, const char *name, bool create, char *why, size_t whylen);

/* A new private directory NAME-<random> inside dirfd (0700); its name in out. Returns the
 * descriptor or -errno. */
int st_safedir_mktemp(int dirfd, const char *prefix, char *out, size_t outlen);

/* st_safedir_publish flags. FSYNC: the file is synced before it takes the name (it
 * survives a crash). SHARED: created 0666 less the umask, as fopen would, for files others
 * read (a hive, a bundle); default 0600. */
#define ST_PUBLISH_FSYNC 1u
#define ST_PUBLISH_SHARED 2u

/* Where st_safedir_publish failed: the step, and the temporary file's name (removed). */
struct st_publish_err {
	enum { ST_PUBLISH_TEMP = 1, ST_PUBLISH_WRITE, ST_PUBLISH_RENAME } step;
	char tmp[64];
};

/* Publishes a file NAME in dirfd whose contents are hdr then body (either may be empty):
 * written to a new file tmp-<random> (O_EXCL|O_NOFOLLOW, 0600 unless ST_PUBLISH_SHARED),
 * fsynced with ST_PUBLISH_FSYNC, closed, then renamed over NAME, so a reader sees the
 * whole old file or the whole new one. A link at NAME is replaced, never followed. 0, or
 * -errno with the failed step in *err (may be NULL); on failure no temporary file is left
 * behind. */
int st_safedir_publish(int dirfd, const char *name, const void *hdr, size_t hdr_len,
		       const void *body, size_t body_len, unsigned flags,
		       struct st_publish_err *err);
/* The same for PATH, a file in a directory the user named (opened as given, links on the
 * way followed and nothing checked: a hive, a bundle, not a cache root trusts). */
int st_safedir_publish_path(const char *path, const void *hdr, size_t hdr_len,
			    const void *body, size_t body_len, unsigned flags,
			    struct st_publish_err *err);

/* A file others read (a hive's files), built in memory and published whole: text[0..len)
 * written by st_safedir_publish_path (ST_PUBLISH_SHARED) at path, path's directory made
 * first when missing (0755, parents too). 0, or -1 with err ("cannot write PATH: ..."). */
int st_publish_text(const char *path, const void *text, size_t len, struct st_err *err);

/* The same for a text written through a stream: st_memfile_open gives the stream (NULL with
 * err when out of memory), st_memfile_publish closes it and publishes what was written
 * (st_publish_text), st_memfile_drop closes it and publishes nothing (a build that
 * failed). Either frees the memory. */
struct st_memfile {
	FILE *f;
	char *text;
	size_t len;
};
FILE *st_memfile_open(struct st_memfile *m, struct st_err *err);
int st_memfile_publish(struct st_memfile *m, const char *path, struct st_err *err);
void st_memfile_drop(struct st_memfile *m);

/* Where APP caches for the effective user: $ENV when set, /var/cache/APP for root, else
 * $XDG_CACHE_HOME/APP or $HOME/.cache/APP. Open it with st_safedir_open. 0, or -1 (out "")
 * when there is none ($HOME unset) or it does not fit in n. */
int st_cache_path(const char *app, const char *env, char *out, size_t n);

/* Removes dirfd's entry NAME and, when it is a directory, everything in it (no link is
 * followed). */
void st_safedir_remove(int dirfd, const char *name);

#endif
