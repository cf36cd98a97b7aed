/* Tool names, versions and image references as the OCI distribution
 * spec allows them: checked with the rule in the error, and a valid
 * name made from an input's file name. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"

/* A tool's name is one path component of an image name, and NAME.bpf.o
 * must fit a tar header's 100 bytes; a version is a tag, and so must
 * VERSION-ebpf be (the artifact's tag). */
#define NAME_MAX_LEN	64
#define TAG_MAX_LEN	128
#define VERSION_MAX_LEN (TAG_MAX_LEN - 5)

static const char name_rule[] =
    "lowercase letters and digits, in groups joined by one '.', one or two "
    "'_', or '-'s (the OCI name grammar "
    "[a-z0-9]+((.|_|__|-+)[a-z0-9]+)*)";
static const char tag_rule[] =
    "letters, digits, '_', '.' and '-', not starting with '.' or '-' "
    "(the OCI tag grammar [A-Za-z0-9_][A-Za-z0-9._-]*)";

static int is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The length of the name component at s ([a-z0-9]+ joined by
 * separators), or 0 if s does not start with one. */
static size_t component_len(const char *s)
{
	size_t i = 0;

	for (;;) {
		size_t sep = 0, run = 0;

		while (is_alnum_lower(s[i + run]))
			run++;
		if (!run)
			return 0;
		i += run;
		if (s[i] == '.')
			sep = 1;
		else if (s[i] == '_')
			sep = s[i + 1] == '_' ? 2 : 1;
		else
			while (s[i + sep] == '-')
				sep++;
		if (!sep || !is_alnum_lower(s[i + sep]))
			return i;
		i += sep;
	}
}

int image_name_valid(const char *name)
{
	size_t n = component_len(name);

	return n && !name[n] && n <= NAME_MAX_LEN;
}

int image_tag_valid(const char *tag, size_t max)
{
	size_t n = strlen(tag);

	if (!n || n > max || tag[0] == '.' || tag[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)tag[i]) && !strchr("_.-", tag[i]))
			return 0;
	return 1;
}

int check_tool_name(const char *name, const char *what)
{
	if (image_name_valid(name))
		return 0;
	err("%s '%s' is not a valid tool name: use %s, at most %d "
	    "characters",
	    what, name, name_rule, NAME_MAX_LEN);
	return -1;
}

int check_tool_version(const char *version, const char *what)
{
	if (image_tag_valid(version, VERSION_MAX_LEN))
		return 0;
	err("%s '%s' is not a valid version: it becomes the image's tag, so "
	    "use %s, at most %d characters",
	    what, version, tag_rule, VERSION_MAX_LEN);
	return -1;
}

/* A registry host: labels of letters, digits and '-' joined by '.',
 * each starting and ending with a letter or digit, maybe with :PORT. */
static int is_domain(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		size_t start = i;

		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-'))
			i++;
		if (i == start || s[start] == '-' || s[i - 1] == '-')
			return 0;
		if (i < n && s[i] == '.') {
			i++;
			continue;
		}
		break;
	}
	if (i < n && s[i] == ':') {
		if (++i == n)
			return 0;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	}
	return i == n;
}

int check_image_ref(const char *ref)
{
	const char *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');
	size_t name_len = colon ? (size_t)(colon - ref) : strlen(ref);
	const char *p = ref;
	int first = 1;

	if (colon && !image_tag_valid(colon + 1, VERSION_MAX_LEN)) {
		err("--tag '%s': the tag '%s' is not valid: use %s, at most %d "
		    "characters",
		    ref, colon + 1, tag_rule, VERSION_MAX_LEN);
		return -1;
	}
	while (p < ref + name_len) {
		const char *end = memchr(p, '/', (size_t)(ref + name_len - p));
		size_t n =
		    end ? (size_t)(end - p) : (size_t)(ref + name_len - p);
		int host = first && end &&
			   (memchr(p, '.', n) || memchr(p, ':', n) ||
			    (n == 9 && !memcmp(p, "localhost", 9)));

		if (!n || (host ? !is_domain(p, n) : component_len(p) != n))
			break;
		first = 0;
		p += n + (end ? 1 : 0);
		if (end && p == ref + name_len)
			break; /* a trailing '/' */
	}
	if (p != ref + name_len || !name_len || name_len > 255 ||
	    ref[name_len - 1] == '/') {
		err("--tag '%s' is not a valid image name: give NAME or "
		    "NAME:TAG, NAME being [HOST[:PORT]/]PATH, each part of "
		    "PATH "
		    "%s",
		    ref, name_rule);
		return -1;
	}
	return 0;
}

char *tool_name_from_path(const char *path)
{
	char *stem = name_from_path(path), *name;
	size_t n = 0;

	if (!stem)
		return NULL;
	name = malloc(strlen(stem) + 1);
	if (!name) {
		free(stem);
		return NULL;
	}
	/* lowercase; a run of other characters stays if it joins groups
	 * as the grammar allows, else becomes one '-' */
	for (const char *s = stem; *s;) {
		size_t run = 0;

		if (is_alnum_lower((char)tolower((unsigned char)*s))) {
			name[n++] = (char)tolower((unsigned char)*s++);
			continue;
		}
		while (s[run] &&
		       !is_alnum_lower((char)tolower((unsigned char)s[run])))
			run++;
		if (n && s[run]) {
			int keep = (run == 1 && (*s == '.' || *s == '_')) ||
				   (run == 2 && !strncmp(s, "__", 2)) ||
				   strspn(s, "-") == run;

			if (keep) {
				memcpy(name + n, s, run);
				n += run;
			} else {
				name[n++] = '-';
			}
		}
		s += run;
	}
	while (n > NAME_MAX_LEN || (n && !is_alnum_lower(name[n - 1])))
		n--;
	name[n] = '\0';
	if (!image_name_valid(name)) {
		err("cannot make a tool name from '%s'; give one with --name "
		    "(%s)",
		    path, name_rule);
		free(name);
		name = NULL;
	}
	free(stem);
	return name;
}
