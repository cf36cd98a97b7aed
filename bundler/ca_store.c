/* The CA certificates a registry's TLS is checked against when --ca-file
 * is not given: SSL_CERT_FILE, SSL_CERT_DIR or CURL_CA_BUNDLE when set,
 * else the first system store found at the paths distributions use. */
#include <stdlib.h>
#include <sys/stat.h>
#include <dirent.h>

#include "registry_int.h"

/* where distributions keep their bundle, most common first */
static const char *const ca_files[] = {
    "/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu, Alpine, Arch */
    "/etc/pki/tls/certs/ca-bundle.crt",	  /* Fedora, RHEL */
    "/etc/ssl/ca-bundle.pem",		  /* SUSE */
    "/etc/pki/tls/cacert.pem",
    "/etc/ssl/cert.pem",
};
/* a directory of hashed certificates (c_rehash), when no bundle is */
static const char ca_dir[] = "/etc/ssl/certs";

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* a directory with something in it */
static int is_full_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int full = 0;

	if (!d)
		return 0;
	while (!full && (e = readdir(d)))
		full = e->d_name[0] != '.';
	closedir(d);
	return full;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int ca_store_find(const char *host, struct ca_store *s)
{
	const char *file = env("CURL_CA_BUNDLE"), *fname = "CURL_CA_BUNDLE";
	const char *dir = env("SSL_CERT_DIR");

	s->file = s->dir = NULL;
	if (!file) {
		file = env("SSL_CERT_FILE");
		fname = "SSL_CERT_FILE";
	}
	if (file && !is_file(file)) {
		if (host)
			err("%s: %s=%s is not a file of CA certificates; point "
			    "it at one, or give --ca-file FILE",
			    host, fname, file);
		return -1;
	}
	if (dir && !is_full_dir(dir)) {
		if (host)
			err("%s: SSL_CERT_DIR=%s is not a directory of CA "
			    "certificates; point it at one, or give --ca-file "
			    "FILE",
			    host, dir);
		return -1;
	}
	if (file || dir) {
		s->file = file;
		s->dir = dir;
		return 0;
	}
	for (size_t i = 0; i < sizeof(ca_files) / sizeof(*ca_files); i++) {
		if (is_file(ca_files[i])) {
			s->file = ca_files[i];
			return 0;
		}
	}
	if (is_full_dir(ca_dir)) {
		s->dir = ca_dir;
		return 0;
	}
	if (host)
		err("%s: no CA certificates found to check the registry's "
		    "certificate by (none of %s, %s, %s, %s, %s or %s/, and "
		    "no SSL_CERT_FILE or SSL_CERT_DIR): install your "
		    "distribution's ca-certificates package, or give "
		    "--ca-file FILE",
		    host, ca_files[0], ca_files[1], ca_files[2], ca_files[3],
		    ca_files[4], ca_dir);
	return -1;
}
