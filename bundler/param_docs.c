/* Help text of a program's parameters, read from its source: the comment
 * before or after a `const volatile` declaration, or BUMBLE_HELP(name,
 * "text") from bumble.h, leaving out lines of commented-out code; and of
 * its maps, the comment before their declaration. The BPF object itself
 * carries no comments. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"

static int is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Copies s[0..n) with comment markers and runs of blanks squeezed out. */
static char *clean_comment(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	int space = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '/' || c == '*' || c == '<' || c == '!')
			if (o == out || space ||
			    isspace((unsigned char)s[i + 1]) || i + 1 == n)
				continue;
		if (isspace((unsigned char)c)) {
			space = 1;
			continue;
		}
		if (space && o != out)
			*o++ = ' ';
		space = 0;
		*o++ = c;
	}
	*o = '\0';
	return out;
}

/* Is this comment line (markers and blanks around it cut off) code that
 * was commented out rather than prose? C code ends a line with ';', '{'
 * or '}', or is a preprocessor line; prose hardly ever does. */
static int is_code_line(const char *s, size_t n)
{
	while (n && (isspace((unsigned char)*s) || *s == '/' || *s == '*' ||
		     *s == '!' || *s == '<')) {
		s++;
		n--;
	}
	while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '/' ||
		     s[n - 1] == '*'))
		n--;
	if (!n)
		return 0;
	if (s[n - 1] == ';' || s[n - 1] == '{' || s[n - 1] == '}')
		return 1;
	return *s == '#' &&
	       (!strncmp(s + 1, "include", 7) || !strncmp(s + 1, "define", 6) ||
		!strncmp(s + 1, "if", 2));
}

/* The comment s[0..n) cleaned, without its lines of code. */
static char *comment_text(const char *s, size_t n)
{
	char *prose = malloc(n + 1), *out;
	size_t len = 0;

	if (!prose)
		return NULL;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t line = nl ? (size_t)(nl - (s + i)) + 1 : n - i;

		if (!is_code_line(s + i, line)) {
			memcpy(prose + len, s + i, line);
			len += line;
		} else {
			prose[len++] = '\n';
		}
		i += line;
	}
	out = clean_comment(prose, len);
	free(prose);
	return out;
}

/* Is p inside a comment of text? */
static int in_comment(const char *text, const char *p)
{
	const char *q = text;

	while (q < p) {
		if (q[0] == '/' && q[1] == '/') {
			const char *nl = strchr(q, '\n');

			if (!nl || nl > p)
				return 1;
			q = nl + 1;
		} else if (q[0] == '/' && q[1] == '*') {
			const char *end = strstr(q + 2, "*/");

			if (!end || end + 2 > p)
				return 1;
			q = end + 2;
		} else if (*q == '"' || *q == '\'') {
			char quote = *q++;

			while (q < p && *q && *q != quote && *q != '\n')
				q += q[0] == '\\' && q[1] ? 2 : 1;
			q++;
		} else {
			q++;
		}
	}
	return 0;
}

static const char *line_begin(const char *text, const char *p)
{
	while (p > text && p[-1] != '\n')
		p--;
	return p;
}

/* Is text[0..n) a line of commented-out code: // code, or a one-line
 * block comment of code? */
static int is_commented_code(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n < 2 || s[0] != '/' || (s[1] != '/' && s[1] != '*'))
		return 0;
	if (s[1] == '*' && (n < 4 || s[n - 2] != '*' || s[n - 1] != '/'))
		return 0;
	return is_code_line(s, n);
}

/* The comment that ends on the line just before `line`, or NULL; lines
 * of commented-out code right above the declaration are passed over. */
static char *comment_before(const char *text, const char *line)
{
	const char *end, *start;

	while (line > text) {
		const char *prev = line_begin(text, line - 1);

		if (!is_commented_code(prev, (size_t)(line - prev)))
			break;
		line = prev;
	}
	end = line;

	while (end > text && isspace((unsigned char)end[-1]))
		end--;
	if (end - text >= 2 && end[-1] == '/' && end[-2] == '*') {
		for (start = end - 2; start > text; start--)
			if (start[0] == '/' && start[1] == '*')
				return comment_text(
				    start + 2, (size_t)(end - 2 - start - 2));
		return NULL;
	}
	/* // lines, possibly several */
	start = line;
	for (;;) {
		const char *prev_end = start, *prev, *q;

		if (prev_end == text)
			break;
		prev = line_begin(text, prev_end - 1);
		q = prev;
		while (q < prev_end && isspace((unsigned char)*q))
			q++;
		if (prev_end - q < 2 || q[0] != '/' || q[1] != '/')
			break;
		start = prev;
	}
	if (start == line)
		return NULL;
	return comment_text(start, (size_t)(line - start));
}

/* A comment after the declaration's ';' on the same line, or NULL. */
static char *comment_after(const char *semi)
{
	const char *p = semi + 1, *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '/' && p[1] == '/') {
		end = strchr(p, '\n');
		return comment_text(p, end ? (size_t)(end - p) : strlen(p));
	}
	if (p[0] == '/' && p[1] == '*') {
		end = strstr(p + 2, "*/");
		return end ? comment_text(p + 2, (size_t)(end - p - 2)) : NULL;
	}
	return NULL;
}

static int add_help(struct param_docs *d, const char *name, size_t len,
		    char *help)
{
	struct gen_param_help *grown;

	if (!help || !*help) {
		free(help);
		return 0;
	}
	grown = realloc(d->helps, (d->count + 1) * sizeof(*d->helps));
	if (!grown) {
		free(help);
		return -1;
	}
	d->helps = grown;
	d->helps[d->count].name = strndup(name, len);
	d->helps[d->count].help = help;
	d->count++;
	return 0;
}

/* The text of a C string literal's body s[0..n): \" \\ \n unescaped. */
static char *unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			*o++ = s[i] == 'n' ? ' ' : s[i];
			continue;
		}
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/* BUMBLE_HELP(name, "text") */
static void scan_macros(const char *text, struct param_docs *d)
{
	const char *p = text;

	while ((p = strstr(p, "BUMBLE_HELP("))) {
		const char *name, *q, *end;

		p += 12;
		if (p - 13 >= text && is_ident(p[-13]))
			continue;
		while (isspace((unsigned char)*p))
			p++;
		name = p;
		while (is_ident(*p))
			p++;
		q = p;
		while (isspace((unsigned char)*q) || *q == ',')
			q++;
		if (*q != '"' || p == name)
			continue;
		for (end = q + 1; *end && *end != '"'; end++)
			if (*end == '\\' && end[1])
				end++;
		if (*end == '"')
			add_help(d, name, (size_t)(p - name),
				 unescape(q + 1, (size_t)(end - q - 1)));
	}
}

/* Maps: the comment before the `struct {` of
 * `struct { ... } NAME SEC(".maps")`. */
static int scan_maps(const char *text, struct param_docs *d)
{
	const char *p = text;

	while ((p = strstr(p, "SEC(\".maps"))) {
		const char *name_end = p, *name, *open;
		int depth = 0;

		p += 10;
		while (name_end > text && isspace((unsigned char)name_end[-1]))
			name_end--;
		name = name_end;
		while (name > text && is_ident(name[-1]))
			name--;
		open = name;
		while (open > text && isspace((unsigned char)open[-1]))
			open--;
		if (name == name_end || open == text || open[-1] != '}')
			continue;
		for (open--; open > text; open--) {
			if (*open == '}')
				depth++;
			else if (*open == '{' && --depth == 0)
				break;
		}
		if (*open != '{' || depth)
			continue;
		if (add_help(d, name, (size_t)(name_end - name),
			     comment_before(text, line_begin(text, open))))
			return -1;
	}
	return 0;
}

int param_docs_scan(const char *text, struct param_docs *d)
{
	const char *p = text;

	scan_macros(text, d);
	if (scan_maps(text, d))
		return -1;
	while ((p = strstr(p, "volatile"))) {
		const char *decl = p, *end, *name_end, *name;
		char *help;

		p += 8;
		if ((decl > text && is_ident(decl[-1])) || is_ident(*p) ||
		    in_comment(text, decl))
			continue;
		end = p + strcspn(p, "=;[{(");
		if (*end != '=' && *end != ';' && *end != '[')
			continue;
		name_end = end;
		while (name_end > p && isspace((unsigned char)name_end[-1]))
			name_end--;
		name = name_end;
		while (name > p && is_ident(name[-1]))
			name--;
		if (name == name_end)
			continue;
		help = NULL;
		if (strchr(end, ';'))
			help = comment_after(strchr(end, ';'));
		if (!help)
			help = comment_before(text, line_begin(text, decl));
		if (add_help(d, name, (size_t)(name_end - name), help))
			return -1;
	}
	return 0;
}

void param_docs_free(struct param_docs *d)
{
	for (size_t i = 0; i < d->count; i++) {
		free((char *)d->helps[i].name);
		free((char *)d->helps[i].help);
	}
	free(d->helps);
	d->helps = NULL;
	d->count = 0;
}
