/* What the program's calls tell about its maps, read in clang's text AST
 * dump: the struct each event map is filled with, and the maps that are
 * its internal state (such as pid -> start time): deleted from, or
 * written whole by an update that may replace a value. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"

/*
 * clang -Xclang -ast-dump prints one node a line, its depth given by the
 * width of the tree drawing ("| |-", "  `-") before it, two columns a
 * level. What is read of it:
 *
 *   FunctionDecl ... NAME 'TYPE'        and its ParmVarDecl ... NAME 'TYPE'
 *   CallExpr ...                        callee, then one child per argument
 *   DeclRefExpr ... 'TYPE' lvalue Var 0x... 'NAME' 'TYPE'
 *   UnaryExprOrTypeTraitExpr ... sizeof 'struct X'     (or an operand child)
 *
 * An argument is followed down its casts, parentheses, '&' and '*' to a
 * struct pointer type, a sizeof's struct, or a variable. The text dump is
 * an eighth of the JSON one's size (vmlinux.h makes both large), and
 * every fact needed is on one line of it.
 */

#define MAX_ARGS    6
#define RESULT_SLOT MAX_ARGS /* the cast of a call's result */

struct ast_line {
	unsigned int depth;
	const char *text; /* the node: "CallExpr 0x..." */
};

/* What an argument comes down to. */
struct arg_sum {
	char type[128];	   /* a struct it points to or is sizeof of */
	char ref[128];	   /* a variable it names */
	int ref_is_parm;   /* ... a parameter of the calling function */
	char constant[64]; /* an integer literal or enum constant */
};

struct call {
	char func[128];	  /* the calling function */
	char callee[128]; /* the called function or helper */
	unsigned int argc;
	struct arg_sum args[MAX_ARGS + 1]; /* + the result's cast */
};

struct func {
	char name[128];
	char params[MAX_ARGS][128];
	unsigned int count;
};

/* A function's argument that ends up as a map's data or size. */
struct sink {
	char func[128];
	unsigned int slot;
	char map[128];
};

struct scan {
	struct call *calls;
	unsigned int call_count;
	struct func *funcs;
	unsigned int func_count;
	struct sink *sinks;
	unsigned int sink_count;
};

/* The helpers that fill an event map: its argument, and those that tell
 * the record's type (its data pointer or size, the result's cast). */
static const struct {
	const char *name;
	unsigned int map;
	unsigned int typed[3];
	unsigned int typed_count;
} helpers[] = {
    {"bpf_perf_event_output", 1, {3, 4}, 2},
    {"bpf_ringbuf_output", 0, {1, 2}, 2},
    {"bpf_ringbuf_reserve", 0, {1, RESULT_SLOT}, 2},
};

static void *grow(void *array, unsigned int count, size_t size)
{
	char *grown = realloc(array, (count + 1) * size);

	if (grown)
		memset(grown + count * size, 0, size);
	return grown;
}

static void copy_word(char *dst, size_t dstlen, const char *s, size_t n)
{
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The i-th quoted string of a line ('...'), or NULL; its length in *n. */
static const char *quoted(const char *line, unsigned int i, size_t *n)
{
	const char *p = line, *end;

	for (;;) {
		p = strchr(p, '\'');
		if (!p)
			return NULL;
		end = strchr(p + 1, '\'');
		if (!end)
			return NULL;
		if (!i--) {
			*n = (size_t)(end - p - 1);
			return p + 1;
		}
		p = end + 1;
	}
}

/* The type of an expression line: its desugared type if shown
 * ('event_t *':'struct event *'), else its first quoted string. */
static const char *expr_type(const char *line, size_t *n)
{
	const char *t = quoted(line, 0, n), *after;

	if (!t)
		return NULL;
	after = t + *n + 1;
	if (after[0] == ':' && after[1] == '\'')
		return quoted(after, 0, n);
	return t;
}

/* "struct NAME" (ptr: "struct NAME *") into name; const dropped. */
static int struct_name(const char *t, size_t n, int ptr, char *name, size_t len)
{
	const char *end = t + n, *s;

	while (n >= 6 &&
	       (!strncmp(t, "const ", 6) || !strncmp(t, "volatile ", 9))) {
		size_t skip = t[0] == 'c' ? 6 : 9;

		t += skip;
		n -= skip;
	}
	if (n < 8 || strncmp(t, "struct ", 7))
		return 0;
	t += 7;
	for (s = t; s < end && (isalnum((unsigned char)*s) || *s == '_'); s++)
		;
	if (s == t)
		return 0;
	if (ptr ? (end - s != 2 || strncmp(s, " *", 2)) : s != end)
		return 0;
	copy_word(name, len, t, (size_t)(s - t));
	return 1;
}

static int is_kind(const char *text, const char *kind)
{
	size_t n = strlen(kind);

	return !strncmp(text, kind, n) && text[n] == ' ';
}

/* The name a declaration line gives: the word before its first quote. */
static int decl_name(const char *text, char *name, size_t len)
{
	const char *q = strchr(text, '\''), *s;

	if (!q || q - text < 2 || q[-1] != ' ')
		return 0;
	for (s = q - 1;
	     s > text && (isalnum((unsigned char)s[-1]) || s[-1] == '_'); s--)
		;
	if (s == q - 1)
		return 0;
	copy_word(name, len, s, (size_t)(q - 1 - s));
	return 1;
}

/* Follows an argument at line a down its single-child chain. */
static void summarize(const struct ast_line *l, unsigned int n, unsigned int a,
		      struct arg_sum *sum)
{
	for (unsigned int i = a; i < n; i++) {
		const char *t = l[i].text, *ty;
		size_t tn;

		if (i > a && l[i].depth != l[i - 1].depth + 1)
			return;
		ty = expr_type(t, &tn);
		if (!sum->type[0] && ty)
			struct_name(ty, tn, 1, sum->type, sizeof(sum->type));
		if (is_kind(t, "UnaryExprOrTypeTraitExpr")) {
			const char *op = strstr(t, "' sizeof");

			if (!op)
				return;
			ty = quoted(op + 1, 0, &tn);
			if (ty)
				struct_name(ty, tn, 0, sum->type,
					    sizeof(sum->type));
			else if (i + 1 < n &&
				 l[i + 1].depth == l[i].depth + 1 &&
				 (ty = expr_type(l[i + 1].text, &tn)))
				struct_name(ty, tn, 0, sum->type,
					    sizeof(sum->type));
			return;
		}
		if (is_kind(t, "IntegerLiteral")) {
			const char *v = strrchr(t, ' ');

			copy_word(sum->constant, sizeof(sum->constant), v + 1,
				  strlen(v + 1));
			return;
		}
		if (is_kind(t, "DeclRefExpr")) {
			const char *v = strstr(t, " ParmVar 0x");
			size_t vn;

			if ((v = strstr(t, " EnumConstant 0x")) &&
			    (v = quoted(v, 0, &vn))) {
				copy_word(sum->constant, sizeof(sum->constant),
					  v, vn);
				return;
			}
			v = strstr(t, " ParmVar 0x");
			sum->ref_is_parm = v != NULL;
			if (!v)
				v = strstr(t, " Var 0x");
			if (!v)
				v = strstr(t, " Function 0x");
			if (v && (v = quoted(v, 0, &vn)))
				copy_word(sum->ref, sizeof(sum->ref), v, vn);
			return;
		}
		if (!is_kind(t, "ImplicitCastExpr") &&
		    !is_kind(t, "CStyleCastExpr") && !is_kind(t, "ParenExpr") &&
		    !is_kind(t, "UnaryOperator"))
			return;
	}
}

static int add_call(struct scan *s, const struct ast_line *l, unsigned int n,
		    unsigned int at, const char *func)
{
	struct call *c;
	unsigned int d = l[at].depth, child = 0;

	c = grow(s->calls, s->call_count, sizeof(*c));
	if (!c)
		return -1;
	s->calls = c;
	c = &s->calls[s->call_count++];
	copy_word(c->func, sizeof(c->func), func, strlen(func));
	/* its result cast to a struct pointer: the line just above */
	if (at && l[at - 1].depth + 1 == d &&
	    (is_kind(l[at - 1].text, "ImplicitCastExpr") ||
	     is_kind(l[at - 1].text, "CStyleCastExpr"))) {
		size_t tn;
		const char *ty = expr_type(l[at - 1].text, &tn);

		if (ty)
			struct_name(ty, tn, 1, c->args[RESULT_SLOT].type,
				    sizeof(c->args[RESULT_SLOT].type));
	}
	for (unsigned int i = at + 1; i < n && l[i].depth > d; i++) {
		struct arg_sum callee = {0};

		if (l[i].depth != d + 1)
			continue;
		if (child == 0) {
			summarize(l, n, i, &callee);
			memcpy(c->callee, callee.ref, sizeof(c->callee));
		} else if (child <= MAX_ARGS) {
			summarize(l, n, i, &c->args[child - 1]);
			c->argc = child;
		}
		child++;
	}
	return 0;
}

static int add_func(struct scan *s, const struct ast_line *l, unsigned int n,
		    unsigned int at)
{
	struct func *f;

	f = grow(s->funcs, s->func_count, sizeof(*f));
	if (!f)
		return -1;
	s->funcs = f;
	f = &s->funcs[s->func_count++];
	decl_name(l[at].text, f->name, sizeof(f->name));
	for (unsigned int i = at + 1; i < n && l[i].depth > l[at].depth; i++)
		if (l[i].depth == l[at].depth + 1 &&
		    is_kind(l[i].text, "ParmVarDecl") && f->count < MAX_ARGS)
			decl_name(l[i].text, f->params[f->count++],
				  sizeof(f->params[0]));
	return 0;
}

static int param_index(const struct scan *s, const char *func, const char *p)
{
	for (unsigned int i = s->func_count; i-- > 0;) {
		if (strcmp(s->funcs[i].name, func))
			continue;
		for (unsigned int j = 0; j < s->funcs[i].count; j++)
			if (!strcmp(s->funcs[i].params[j], p))
				return (int)j;
		return -1;
	}
	return -1;
}

static int add_sink(struct scan *s, const char *func, int slot, const char *map)
{
	struct sink *k;

	if (slot < 0)
		return 0;
	for (unsigned int i = 0; i < s->sink_count; i++)
		if (!strcmp(s->sinks[i].func, func) &&
		    s->sinks[i].slot == (unsigned int)slot &&
		    !strcmp(s->sinks[i].map, map))
			return 0;
	k = grow(s->sinks, s->sink_count, sizeof(*k));
	if (!k)
		return -1;
	s->sinks = k;
	k = &s->sinks[s->sink_count++];
	copy_word(k->func, sizeof(k->func), func, strlen(func));
	k->slot = (unsigned int)slot;
	copy_word(k->map, sizeof(k->map), map, strlen(map));
	return 1;
}

/* map -> type, or the map marked ambiguous (type "") on a second type. */
static int add_found(struct map_usage *out, const char *map, const char *type)
{
	struct gen_event_override *e;

	for (size_t i = 0; i < out->count; i++) {
		e = &out->events[i];
		if (strcmp(e->map, map))
			continue;
		if (*e->type && strcmp(e->type, type)) {
			free((char *)e->type);
			e->type = strdup("");
		}
		return e->type ? 0 : -1;
	}
	e = realloc(out->events, (out->count + 1) * sizeof(*e));
	if (!e)
		return -1;
	out->events = e;
	e = &out->events[out->count];
	e->map = strdup(map);
	e->type = strdup(type);
	if (!e->map || !e->type) {
		free((char *)e->map);
		free((char *)e->type);
		return -1;
	}
	out->count++;
	return 0;
}

/* A typed argument of a call that fills map: its struct, or a new sink
 * when it is a parameter of the calling function. 1 if a sink was new. */
static int use_arg(struct scan *s, const struct call *c, unsigned int slot,
		   const char *map, struct map_usage *out)
{
	const struct arg_sum *a = &c->args[slot];

	if (a->type[0])
		return add_found(out, map, a->type) ? -1 : 0;
	if (a->ref_is_parm)
		return add_sink(s, c->func, param_index(s, c->func, a->ref),
				map);
	return 0;
}

/* An update that only creates (BPF_NOEXIST): a count set up before it
 * is added to in place. Any other may replace a value: state. */
static int creates_only(const struct arg_sum *flags)
{
	return !strcmp(flags->constant, "BPF_NOEXIST") ||
	       !strcmp(flags->constant, "1");
}

/* A map name, once in a list. 0 or -1. */
static int add_name(char ***list, size_t *count, const char *map)
{
	char **grown;

	for (size_t i = 0; i < *count; i++)
		if (!strcmp((*list)[i], map))
			return 0;
	grown = realloc(*list, (*count + 1) * sizeof(**list));
	if (!grown)
		return -1;
	*list = grown;
	grown[*count] = strdup(map);
	return grown[(*count)++] ? 0 : -1;
}

/* The maps the program adds entries to: bpf_map_update_elem's map,
 * directly or through its own functions' parameters (libbpf-tools'
 * bpf_map_lookup_or_try_init). */
static int find_updated(struct scan *s, struct map_usage *out)
{
	struct sink *updaters = NULL, *grown;
	unsigned int n = 0;
	int rc = 0, changed = 1;

	for (unsigned int round = 0; changed && !rc && round < 16; round++) {
		changed = 0;
		for (unsigned int i = 0; i < s->call_count && !rc; i++) {
			const struct call *c = &s->calls[i];
			int slot = -1;

			if (!strcmp(c->callee, "bpf_map_update_elem"))
				slot = 0;
			for (unsigned int k = 0; slot < 0 && k < n; k++)
				if (!strcmp(c->callee, updaters[k].func))
					slot = (int)updaters[k].slot;
			if (slot < 0 || (unsigned int)slot >= c->argc ||
			    !*c->args[slot].ref)
				continue;
			if (!c->args[slot].ref_is_parm) {
				rc =
				    add_name(&out->updated, &out->updated_count,
					     c->args[slot].ref);
				continue;
			}
			slot = param_index(s, c->func, c->args[slot].ref);
			for (unsigned int k = 0; slot >= 0 && k < n; k++)
				if (!strcmp(updaters[k].func, c->func) &&
				    updaters[k].slot == (unsigned int)slot)
					slot = -1;
			if (slot < 0)
				continue;
			grown = grow(updaters, n, sizeof(*grown));
			if (!grown) {
				rc = -1;
				break;
			}
			updaters = grown;
			copy_word(updaters[n].func, sizeof(updaters[n].func),
				  c->func, strlen(c->func));
			updaters[n++].slot = (unsigned int)slot;
			changed = 1;
		}
	}
	free(updaters);
	return rc;
}

static int resolve(struct scan *s, struct map_usage *out)
{
	int changed = 1, rc = 0;

	for (unsigned int i = 0; i < s->call_count; i++) {
		const struct call *c = &s->calls[i];

		if (c->argc && *c->args[0].ref && !c->args[0].ref_is_parm &&
		    (!strcmp(c->callee, "bpf_map_delete_elem") ||
		     (!strcmp(c->callee, "bpf_map_update_elem") &&
		      c->argc == 4 && !creates_only(&c->args[3]))) &&
		    add_name(&out->deleted, &out->deleted_count,
			     c->args[0].ref))
			return -1;

		for (size_t h = 0; h < sizeof(helpers) / sizeof(helpers[0]);
		     h++) {
			const char *map = c->args[helpers[h].map].ref;

			if (strcmp(c->callee, helpers[h].name) || !*map ||
			    c->args[helpers[h].map].ref_is_parm)
				continue;
			for (unsigned int k = 0; k < helpers[h].typed_count;
			     k++)
				if ((rc = use_arg(s, c, helpers[h].typed[k],
						  map, out)) < 0)
					return rc;
		}
	}
	if (find_updated(s, out))
		return -1;
	/* through the program's own functions, to a fixed point */
	for (unsigned int round = 0; changed && round < 16; round++) {
		changed = 0;
		for (unsigned int i = 0; i < s->call_count; i++)
			for (unsigned int k = 0; k < s->sink_count; k++) {
				const struct call *c = &s->calls[i];
				char map[128];

				if (strcmp(c->callee, s->sinks[k].func) ||
				    s->sinks[k].slot >= c->argc)
					continue;
				memcpy(map, s->sinks[k].map, sizeof(map));
				rc = use_arg(s, c, s->sinks[k].slot, map, out);
				if (rc < 0)
					return rc;
				changed |= rc;
			}
	}
	return 0;
}

/* Splits text into lines with their depth; lines point into text. */
static struct ast_line *split_lines(char *text, unsigned int *count)
{
	struct ast_line *l = NULL;
	unsigned int n = 0, cap = 0;

	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n'), *q = p;

		if (nl)
			*nl = '\0';
		while (*q == ' ' || *q == '|' || *q == '-' || *q == '`')
			q++;
		if (n == cap) {
			struct ast_line *grown;

			cap = cap ? cap * 2 : 4096;
			grown = realloc(l, cap * sizeof(*l));
			if (!grown) {
				free(l);
				return NULL;
			}
			l = grown;
		}
		l[n].depth = (unsigned int)(q - p) / 2;
		l[n].text = q;
		n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	*count = n;
	return l;
}

int map_usage_scan(char *ast, struct map_usage *out)
{
	struct scan s = {0};
	struct ast_line *l;
	unsigned int n = 0, func_depth = 0;
	char func[128] = "";
	int rc = 0;

	l = split_lines(ast, &n);
	if (!l && *ast)
		return -1;
	for (unsigned int i = 0; i < n && !rc; i++) {
		if (*func && l[i].depth <= func_depth)
			func[0] = '\0';
		if (is_kind(l[i].text, "FunctionDecl")) {
			rc = add_func(&s, l, n, i);
			if (!rc && s.funcs[s.func_count - 1].name[0]) {
				memcpy(func, s.funcs[s.func_count - 1].name,
				       sizeof(func));
				func_depth = l[i].depth;
			}
		} else if (*func && is_kind(l[i].text, "CallExpr")) {
			rc = add_call(&s, l, n, i, func);
		}
	}
	if (!rc)
		rc = resolve(&s, out);
	out->read = !rc;
	free(s.calls);
	free(s.funcs);
	free(s.sinks);
	free(l);
	return rc;
}

void map_usage_free(struct map_usage *e)
{
	for (size_t i = 0; i < e->count; i++) {
		free((char *)e->events[i].map);
		free((char *)e->events[i].type);
	}
	free(e->events);
	e->events = NULL;
	e->count = 0;
	for (size_t i = 0; i < e->deleted_count; i++)
		free(e->deleted[i]);
	free(e->deleted);
	e->deleted = NULL;
	e->deleted_count = 0;
	for (size_t i = 0; i < e->updated_count; i++)
		free(e->updated[i]);
	free(e->updated);
	e->updated = NULL;
	e->updated_count = 0;
	e->read = 0;
}
