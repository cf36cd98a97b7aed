/* bumble logout: forgets the credentials bumble login saved for a
 * registry (registry_auth.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

static const char logout_usage[] =
    "Usage: bumble logout HOST[:PORT]\n\n"
    "Removes the credentials 'bumble login' saved for HOST. Docker's and\n"
    "podman's files are left as they are.\n";

int cmd_logout(int argc, char **argv)
{
	char *host;
	int rc;

	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(logout_usage, stdout);
		return EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-') {
		err("give one registry: bumble logout HOST[:PORT]");
		return EXIT_USAGE;
	}
	host = reg_host_parse(argv[1]);
	if (!host)
		return EXIT_USAGE;
	rc = reg_creds_store(host, NULL, NULL);
	if (!rc)
		fprintf(stderr, "bumble: logged out of %s\n", host);
	free(host);
	return rc;
}
