/* What the program's calls tell about its maps, read in clang's text AST
 * dump: the struct each event map is filled with, and the maps that are
 * its internal state (such as pid -> start time): deleted from, or
 * written whole by an update that may replace a value and not added to
 * in place; and the globals it only adds to (counts). */
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

/* What a value copies: a tracepoint member of known meaning or a
 * helper's result of one (format), a local variable (var), a parameter
 * of the function (parm), or a member of the program's own struct
 * (strct, member). */
struct value {
	enum bumble_format format;
	char var[128];
	char parm[128];
	char strct[128], member[128];
};

struct call {
	char func[128];	  /* the calling function */
	char callee[128]; /* the called function or helper */
	char result[128]; /* the variable its result is stored in */
	unsigned int argc;
	struct arg_sum args[MAX_ARGS + 1]; /* + the result's cast */
	struct value values[MAX_ARGS];	   /* what each argument copies */
};

struct func {
	char name[128];
	char params[MAX_ARGS][128];
	unsigned int count;
	char section[128]; /* SEC("..."), "" if none */
};

/* A function's argument that ends up as a map's data or size. */
struct sink {
	char func[128];
	unsigned int slot;
	char map[128];
};

/* An element of a global array, `counts[vec_nr]`, in func: the array
 * and what its index copies. */
struct subscript {
	char func[128];
	char array[128];
	struct value index;
};

/* An assignment, or a variable's initialiser, in func: to a variable
 * or to a struct's member. A conditional on a parameter (param) has
 * the value when it is zero in v[0], when nonzero in v[1]; one made
 * only when a parameter is nonzero (gated: `if (per_thread) key =
 * tid;`) has its value in v[1]. */
struct assign {
	char func[128];
	char var[128];
	char strct[128], member[128];
	char param[128];
	int gated;
	struct value v[2];
};

/* A format found for a value: format (PLAIN: none known), holding
 * only while param is nonzero (nonzero) or zero when param is set. */
struct found_format {
	enum bumble_format format;
	char param[128];
	int nonzero;
};

/* What a function does to a variable: adds to it (or to a member or
 * element of what it is or points to) in place, writes it otherwise,
 * or declares it (a local). */
enum touch_kind {
	TOUCH_ADD,
	TOUCH_SET,
	TOUCH_LOCAL
};

struct touch {
	char func[128];
	char var[128];
	enum touch_kind kind;
};

struct scan {
	struct touch *touches;
	unsigned int touch_count;
	struct assign *assigns;
	unsigned int assign_count;
	struct call *calls;
	unsigned int call_count;
	struct func *funcs;
	unsigned int func_count;
	struct sink *sinks;
	unsigned int sink_count;
	struct subscript *subscripts;
	unsigned int subscript_count;
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

static int param_index(const struct scan *s, const char *func, const char *p);

/* Tracepoint members whose values have a meaning: their context struct
 * (the program's argument) and member. */
static const struct {
	const char *strct, *member;
	enum bumble_format format;
} known_members[] = {
    {"trace_event_raw_sys_enter", "id", BUMBLE_FORMAT_SYSCALL},
    {"trace_event_raw_sys_exit", "id", BUMBLE_FORMAT_SYSCALL},
    {"trace_event_raw_signal_generate", "sig", BUMBLE_FORMAT_SIGNAL},
    {"trace_event_raw_signal_deliver", "sig", BUMBLE_FORMAT_SIGNAL},
    {"trace_event_raw_inet_sock_set_state", "oldstate",
     BUMBLE_FORMAT_TCP_STATE},
    {"trace_event_raw_inet_sock_set_state", "newstate",
     BUMBLE_FORMAT_TCP_STATE},
    {"trace_event_raw_softirq", "vec", BUMBLE_FORMAT_SOFTIRQ},
};

/* The k-th child of node i, or n. */
static unsigned int child(const struct ast_line *l, unsigned int n,
			  unsigned int i, unsigned int k)
{
	for (unsigned int j = i + 1; j < n && l[j].depth > l[i].depth; j++)
		if (l[j].depth == l[i].depth + 1 && !k--)
			return j;
	return n;
}

/* The declaration of kind (" Var 0x", " ParmVar 0x") a DeclRefExpr line
 * names, into name: 1, else 0. */
static int decl_ref(const char *text, const char *kind, char *name, size_t len)
{
	const char *ref;
	size_t rn;

	if (!is_kind(text, "DeclRefExpr") || !(ref = strstr(text, kind)) ||
	    !(ref = quoted(ref, 0, &rn)))
		return 0;
	copy_word(name, len, ref, rn);
	return 1;
}

/* The variable (not a parameter) a DeclRefExpr line names. */
static int var_ref(const char *text, char *name, size_t len)
{
	return decl_ref(text, " Var 0x", name, len);
}

/* The node whose child node i is, or n. */
static unsigned int parent(const struct ast_line *l, unsigned int n,
			   unsigned int i)
{
	for (unsigned int j = i; j-- > 0;)
		if (l[j].depth < l[i].depth)
			return j;
	return n;
}

/* Down casts and parentheses from node i. */
static unsigned int unwrap(const struct ast_line *l, unsigned int n,
			   unsigned int i)
{
	while (i < n && (is_kind(l[i].text, "ImplicitCastExpr") ||
			 is_kind(l[i].text, "CStyleCastExpr") ||
			 is_kind(l[i].text, "ParenExpr")))
		i = child(l, n, i, 0);
	return i;
}

/* A MemberExpr's member ("->id 0x..." or ".sig 0x...") and the struct
 * its base is or points to. 0 if either is not found. */
static int member_of(const struct ast_line *l, unsigned int n, unsigned int i,
		     char *strct, size_t slen, char *member, size_t mlen)
{
	const char *t = l[i].text, *end = strstr(t, " 0x"), *ty, *m;
	unsigned int base = child(l, n, i, 0);
	size_t tn;

	/* the member's address is the last " 0x" of the line */
	while (end && strstr(end + 1, " 0x"))
		end = strstr(end + 1, " 0x");
	if (!end || base >= n)
		return 0;
	for (m = end; m > t && m[-1] != ' '; m--)
		;
	if (!strncmp(m, "->", 2))
		m += 2;
	else if (*m == '.')
		m++;
	else
		return 0;
	if (m >= end)
		return 0;
	copy_word(member, mlen, m, (size_t)(end - m));
	ty = expr_type(l[base].text, &tn);
	return ty && (struct_name(ty, tn, 1, strct, slen) ||
		      struct_name(ty, tn, 0, strct, slen));
}

/* What the expression at node i copies, if anything known. */
static void value_of(const struct ast_line *l, unsigned int n, unsigned int i,
		     struct value *v)
{
	char strct[128], member[128];

	i = unwrap(l, n, i);
	if (i >= n)
		return;
	if (is_kind(l[i].text, "MemberExpr") &&
	    member_of(l, n, i, strct, sizeof(strct), member, sizeof(member))) {
		for (size_t k = 0;
		     k < sizeof(known_members) / sizeof(known_members[0]); k++)
			if (!strcmp(strct, known_members[k].strct) &&
			    !strcmp(member, known_members[k].member))
				v->format = known_members[k].format;
		if (v->format == BUMBLE_FORMAT_PLAIN) {
			memcpy(v->strct, strct, sizeof(v->strct));
			memcpy(v->member, member, sizeof(v->member));
		}
	} else if (is_kind(l[i].text, "CallExpr")) {
		struct arg_sum callee = {0};

		/* a stack id (klockstat's key = li->stack_id) */
		summarize(l, n, child(l, n, i, 0), &callee);
		if (!strcmp(callee.ref, "bpf_get_stackid"))
			v->format = BUMBLE_FORMAT_STACK;
	} else if (!var_ref(l[i].text, v->var, sizeof(v->var))) {
		decl_ref(l[i].text, " ParmVar 0x", v->parm, sizeof(v->parm));
	}
}

/* A `const volatile` global (a parameter of the tool) at node i,
 * through casts, into name: 1, else 0. */
static int param_ref(const struct ast_line *l, unsigned int n, unsigned int i,
		     char *name, size_t len)
{
	i = unwrap(l, n, i);
	return i < n && strstr(l[i].text, "'const volatile ") &&
	       var_ref(l[i].text, name, len);
}

/* The parameter a statement at node i is made under, as the branch of
 * `if (param)` taken when it is nonzero (alone or in a block): 1 with
 * its name, else 0. */
static int gated_by(const struct ast_line *l, unsigned int n, unsigned int i,
		    char *name, size_t len)
{
	unsigned int p = parent(l, n, i);

	if (p < n && is_kind(l[p].text, "CompoundStmt")) {
		i = p;
		p = parent(l, n, p);
	}
	return p < n && is_kind(l[p].text, "IfStmt") &&
	       child(l, n, p, 1) == i &&
	       param_ref(l, n, child(l, n, p, 0), name, len);
}

/* An assignment at node i (a '=' or an initialised VarDecl) in func. */
static int add_assign(struct scan *s, const struct ast_line *l, unsigned int n,
		      unsigned int i, const char *func)
{
	int decl = is_kind(l[i].text, "VarDecl");
	unsigned int lhs = child(l, n, i, 0),
		     rhs = decl ? lhs : child(l, n, i, 1);
	struct assign a = {0};

	if (rhs >= n)
		return 0;
	copy_word(a.func, sizeof(a.func), func, strlen(func));
	if (decl)
		decl_name(l[i].text, a.var, sizeof(a.var));
	else if (!var_ref(l[lhs].text, a.var, sizeof(a.var)) &&
		 (!is_kind(l[lhs].text, "MemberExpr") ||
		  !member_of(l, n, lhs, a.strct, sizeof(a.strct), a.member,
			     sizeof(a.member))))
		return 0;
	rhs = unwrap(l, n, rhs);
	if (!decl && gated_by(l, n, i, a.param, sizeof(a.param))) {
		a.gated = 1;
		value_of(l, n, rhs, &a.v[1]);
	} else if (rhs < n && is_kind(l[rhs].text, "ConditionalOperator")) {
		/* a `const volatile` global: a parameter of the tool */
		if (!param_ref(l, n, child(l, n, rhs, 0), a.param,
			       sizeof(a.param)))
			return 0;
		value_of(l, n, child(l, n, rhs, 1), &a.v[1]);
		value_of(l, n, child(l, n, rhs, 2), &a.v[0]);
	} else {
		value_of(l, n, rhs, &a.v[0]);
	}
	struct assign *grown = grow(s->assigns, s->assign_count, sizeof(a));

	if (!grown)
		return -1;
	s->assigns = grown;
	s->assigns[s->assign_count++] = a;
	return 0;
}

static int same_format(const struct found_format *a,
		       const struct found_format *b)
{
	return a->format == b->format && a->nonzero == b->nonzero &&
	       !strcmp(a->param, b->param);
}

static int resolve_assign(const struct scan *s, const struct assign *a,
			  unsigned int depth, struct found_format *out);
static int resolve_value(const struct scan *s, const char *func,
			 const struct value *v, unsigned int depth,
			 struct found_format *out);

/* Arguments of BTF-typed tracepoints (tp_btf/, raw_tp/) of known
 * meaning: the tracepoint and the argument's place in its TP_PROTO. */
static const struct {
	const char *tracepoint;
	unsigned int arg;
	enum bumble_format format;
} known_args[] = {
    {"softirq_entry", 0, BUMBLE_FORMAT_SOFTIRQ},
    {"softirq_exit", 0, BUMBLE_FORMAT_SOFTIRQ},
    {"softirq_raise", 0, BUMBLE_FORMAT_SOFTIRQ},
    {"signal_generate", 0, BUMBLE_FORMAT_SIGNAL},
    {"signal_deliver", 0, BUMBLE_FORMAT_SIGNAL},
    {"sys_enter", 1, BUMBLE_FORMAT_SYSCALL},
    {"inet_sock_set_state", 1, BUMBLE_FORMAT_TCP_STATE},
    {"inet_sock_set_state", 2, BUMBLE_FORMAT_TCP_STATE},
};

/* The tracepoint argument parameter k of func is, if func is the body
 * of a BPF_PROG(NAME, ...) of a tp_btf/ or raw_tp/ section: libbpf's
 * macro makes it ____NAME(ctx, args...), called by NAME, which carries
 * the section. Its known format: 1, else 0. */
static int tracepoint_arg(const struct scan *s, const char *func,
			  unsigned int k, struct found_format *out)
{
	static const char *const kinds[] = {"tp_btf/", "raw_tp/",
					    "raw_tracepoint/"};
	const char *tp = NULL;

	if (strncmp(func, "____", 4) || !k)
		return 0;
	for (unsigned int i = s->func_count; !tp && i-- > 0;)
		if (!strcmp(s->funcs[i].name, func + 4))
			for (size_t j = 0; !tp && j < 3; j++)
				if (!strncmp(s->funcs[i].section, kinds[j],
					     strlen(kinds[j])))
					tp = s->funcs[i].section +
					     strlen(kinds[j]);
	for (size_t j = 0; tp && j < sizeof(known_args) / sizeof(known_args[0]);
	     j++)
		if (!strcmp(tp, known_args[j].tracepoint) &&
		    known_args[j].arg == k - 1) {
			memset(out, 0, sizeof(*out));
			out->format = known_args[j].format;
			return 1;
		}
	return 0;
}

/* The format of parameter k of func: a tracepoint's argument, or the
 * one its argument has at every call of func. 1, else 0. */
static int resolve_param(const struct scan *s, const char *func, int k,
			 unsigned int depth, struct found_format *out)
{
	struct found_format f;
	int found = 0;

	if (k < 0 || depth > 8)
		return 0;
	if (tracepoint_arg(s, func, (unsigned int)k, out))
		return 1;
	for (unsigned int i = 0; i < s->call_count; i++) {
		const struct call *c = &s->calls[i];

		if (strcmp(c->callee, func))
			continue;
		if ((unsigned int)k >= c->argc ||
		    !resolve_value(s, c->func, &c->values[k], depth + 1, &f) ||
		    (found && !same_format(&f, out)))
			return 0;
		*out = f;
		found = 1;
	}
	return found;
}

/* Is a an assignment to var in func, or else to strct.member? */
static int assigns_to(const struct assign *a, const char *func, const char *var,
		      const char *strct, const char *member)
{
	if (var)
		return !strcmp(a->func, func) && !strcmp(a->var, var);
	return !strcmp(a->strct, strct) && !strcmp(a->member, member);
}

/* The format every assignment to var in func (or, var NULL, to
 * strct.member) gives, if one: 1, else 0. Assignments made only when a
 * parameter is nonzero give the format that holds while it is zero or
 * while it is not, as a conditional does. */
static int resolve_target(const struct scan *s, const char *func,
			  const char *var, const char *strct,
			  const char *member, unsigned int depth,
			  struct found_format *out)
{
	struct found_format f, gated = {0};
	const char *param = NULL;
	int found = 0, gated_known = 1;

	if (depth > 8)
		return 0;
	for (unsigned int i = 0; i < s->assign_count; i++) {
		const struct assign *a = &s->assigns[i];

		if (!assigns_to(a, func, var, strct, member))
			continue;
		if (a->gated) {
			int known = resolve_value(s, a->func, &a->v[1],
						  depth + 1, &f) &&
				    !*f.param;

			if (param && (strcmp(param, a->param) ||
				      (known != gated_known) ||
				      (known && !same_format(&f, &gated))))
				return 0;
			param = a->param;
			gated_known = known;
			if (known)
				gated = f;
			continue;
		}
		if (!resolve_assign(s, a, depth + 1, &f) ||
		    (found && !same_format(&f, out)))
			return 0;
		*out = f;
		found = 1;
	}
	if (!found || !param)
		return found;
	if (*out->param)
		return 0;
	if (gated_known)
		return same_format(out, &gated);
	/* the format holds while the parameter is zero */
	copy_word(out->param, sizeof(out->param), param, strlen(param));
	out->nonzero = 0;
	return 1;
}

static int resolve_value(const struct scan *s, const char *func,
			 const struct value *v, unsigned int depth,
			 struct found_format *out)
{
	memset(out, 0, sizeof(*out));
	if (v->format != BUMBLE_FORMAT_PLAIN) {
		out->format = v->format;
		return 1;
	}
	if (*v->parm)
		return resolve_param(s, func, param_index(s, func, v->parm),
				     depth, out) &&
		       out->format != BUMBLE_FORMAT_PLAIN;
	if (*v->member)
		return resolve_target(s, NULL, NULL, v->strct, v->member, depth,
				      out) &&
		       out->format != BUMBLE_FORMAT_PLAIN;
	return *v->var &&
	       resolve_target(s, func, v->var, NULL, NULL, depth, out) &&
	       out->format != BUMBLE_FORMAT_PLAIN;
}

static int resolve_assign(const struct scan *s, const struct assign *a,
			  unsigned int depth, struct found_format *out)
{
	struct found_format when[2];
	int known[2];

	if (!*a->param)
		return resolve_value(s, a->func, &a->v[0], depth, out);
	for (int k = 0; k < 2; k++)
		known[k] =
		    resolve_value(s, a->func, &a->v[k], depth, &when[k]) &&
		    !*when[k].param;
	if (known[0] && known[1] && when[0].format == when[1].format) {
		*out = when[0];
		return 1;
	}
	if (known[0] == known[1])
		return 0;
	*out = when[known[1]];
	copy_word(out->param, sizeof(out->param), a->param, strlen(a->param));
	out->nonzero = known[1];
	return 1;
}

static int add_format(struct map_usage *out, const char *map, const char *strct,
		      const char *field, const struct found_format *f)
{
	struct gen_format_hint *h =
	    grow(out->formats, (unsigned int)out->format_count, sizeof(*h));

	if (!h)
		return -1;
	out->formats = h;
	h = &h[out->format_count++];
	h->map = map ? strdup(map) : NULL;
	h->strct = strct ? strdup(strct) : NULL;
	h->field = strdup(field);
	h->format = f->format;
	h->param = *f->param ? strdup(f->param) : NULL;
	h->param_nonzero = f->nonzero;
	return h->field && (!map || h->map) && (!strct || h->strct) &&
		       (!*f->param || h->param)
		   ? 0
		   : -1;
}

/* Members of structs given a value of known meaning wherever they are
 * assigned. */
static int member_formats(const struct scan *s, struct map_usage *out)
{
	for (unsigned int i = 0; i < s->assign_count; i++) {
		const struct assign *a = &s->assigns[i];
		struct found_format f, g;
		int ok = 1, first = 1;

		if (!*a->member)
			continue;
		for (unsigned int j = 0; j < s->assign_count && ok; j++) {
			const struct assign *b = &s->assigns[j];

			if (strcmp(a->strct, b->strct) ||
			    strcmp(a->member, b->member))
				continue;
			if (j < i)
				first = 0; /* said at its first assignment */
			ok = resolve_assign(s, b, 0, &g) &&
			     (j == i || !resolve_assign(s, a, 0, &f) ||
			      same_format(&f, &g));
		}
		if (ok && first && resolve_assign(s, a, 0, &f) &&
		    add_format(out, NULL, a->strct, a->member, &f))
			return -1;
	}
	return 0;
}

/* A function of the program that passes its map and key arguments on
 * to a map helper (libbpf-tools' bpf_map_lookup_or_try_init). */
struct key_wrapper {
	char func[128];
	unsigned int map, key;
};

/* The map and key arguments of c, a call to a map helper or wrapper:
 * 1, or 0 for any other call. */
static int key_use(const struct call *c, const struct key_wrapper *w,
		   unsigned int nw, unsigned int *ms, unsigned int *ks)
{
	static const char *const helpers_k[] = {"bpf_map_lookup_elem",
						"bpf_map_update_elem",
						"bpf_map_delete_elem"};

	*ms = *ks = MAX_ARGS;
	for (size_t h = 0; h < 3; h++)
		if (!strcmp(c->callee, helpers_k[h]))
			*ms = 0, *ks = 1;
	for (unsigned int i = 0; *ms == MAX_ARGS && i < nw; i++)
		if (!strcmp(c->callee, w[i].func))
			*ms = w[i].map, *ks = w[i].key;
	return *ms < c->argc && *ks < c->argc;
}

/* Scalar keys of one known meaning at every use of their map, through
 * the helpers and the program's functions that pass a map and key on. */
static int key_formats(const struct scan *s, struct map_usage *out)
{
	struct key_wrapper *wrap = NULL, *grown;
	unsigned int nw = 0, ms, ks;
	int rc = 0, changed = 1;

	for (unsigned int round = 0; changed && !rc && round < 8; round++) {
		changed = 0;
		for (unsigned int i = 0; i < s->call_count && !rc; i++) {
			const struct call *c = &s->calls[i];
			int pm, pk, known = 0;

			if (!key_use(c, wrap, nw, &ms, &ks) ||
			    !c->args[ms].ref_is_parm ||
			    !c->args[ks].ref_is_parm)
				continue;
			pm = param_index(s, c->func, c->args[ms].ref);
			pk = param_index(s, c->func, c->args[ks].ref);
			for (unsigned int w = 0; w < nw; w++)
				known |= !strcmp(wrap[w].func, c->func);
			if (pm < 0 || pk < 0 || known)
				continue;
			grown = grow(wrap, nw, sizeof(*wrap));
			if (!grown) {
				rc = -1;
				break;
			}
			wrap = grown;
			copy_word(wrap[nw].func, sizeof(wrap[nw].func), c->func,
				  strlen(c->func));
			wrap[nw].map = (unsigned int)pm;
			wrap[nw++].key = (unsigned int)pk;
			changed = 1;
		}
	}
	/* each map, at its first use: the format of its key at every use */
	for (unsigned int i = 0; i < s->call_count && !rc; i++) {
		const struct call *c = &s->calls[i];
		struct found_format f = {0}, g;
		const char *map;
		int ok = 1, seen = 0;

		if (!key_use(c, wrap, nw, &ms, &ks) ||
		    c->args[ms].ref_is_parm || !*c->args[ms].ref)
			continue;
		map = c->args[ms].ref;
		for (unsigned int j = 0; j < s->call_count && ok; j++) {
			const struct call *d = &s->calls[j];
			unsigned int dm, dk;

			if (!key_use(d, wrap, nw, &dm, &dk) ||
			    d->args[dm].ref_is_parm ||
			    strcmp(d->args[dm].ref, map))
				continue;
			ok = j >= i && !d->args[dk].ref_is_parm &&
			     *d->args[dk].ref &&
			     resolve_target(s, d->func, d->args[dk].ref, NULL,
					    NULL, 0, &g) &&
			     (!seen || same_format(&f, &g));
			f = g;
			seen = 1;
		}
		if (ok && seen && add_format(out, map, NULL, "key", &f))
			rc = -1;
	}
	free(wrap);
	return rc;
}

/* The variable (not a parameter) an expression at node i comes down
 * to, through casts, parentheses, '&', '*', and the bases of members
 * and subscripts: 1 with its name, else 0. */
static int root_var(const struct ast_line *l, unsigned int n, unsigned int i,
		    char *name, size_t len)
{
	while (i < n) {
		const char *t = l[i].text;

		if (is_kind(t, "DeclRefExpr"))
			return var_ref(t, name, len);
		if (!is_kind(t, "ImplicitCastExpr") &&
		    !is_kind(t, "CStyleCastExpr") && !is_kind(t, "ParenExpr") &&
		    !is_kind(t, "UnaryOperator") && !is_kind(t, "MemberExpr") &&
		    !is_kind(t, "ArraySubscriptExpr"))
			return 0;
		i = child(l, n, i, 0);
	}
	return 0;
}

/* The variable a call's result is stored in (`p = call()`, or a
 * declaration's initialiser), through casts, into name; "" if none. */
static void result_var(const struct ast_line *l, unsigned int n,
		       unsigned int at, char *name, size_t len)
{
	unsigned int p = parent(l, n, at);

	while (p < n && (is_kind(l[p].text, "ImplicitCastExpr") ||
			 is_kind(l[p].text, "CStyleCastExpr") ||
			 is_kind(l[p].text, "ParenExpr"))) {
		at = p;
		p = parent(l, n, p);
	}
	name[0] = '\0';
	if (p >= n)
		return;
	if (is_kind(l[p].text, "VarDecl")) {
		decl_name(l[p].text, name, len);
	} else if (is_kind(l[p].text, "BinaryOperator") &&
		   strstr(l[p].text, "' '='") && child(l, n, p, 1) == at) {
		unsigned int lhs = unwrap(l, n, child(l, n, p, 0));

		if (lhs < n)
			var_ref(l[lhs].text, name, len);
	}
}

static int add_touch(struct scan *s, const char *func, const char *var,
		     enum touch_kind kind)
{
	struct touch *t = grow(s->touches, s->touch_count, sizeof(*t));

	if (!t)
		return -1;
	s->touches = t;
	t = &t[s->touch_count++];
	copy_word(t->func, sizeof(t->func), func, strlen(func));
	copy_word(t->var, sizeof(t->var), var, strlen(var));
	t->kind = kind;
	return 0;
}

/* The atomic builtins that add (__sync_fetch_and_add_8, ...). */
static int adds_atomically(const char *callee)
{
	static const char *const adds[] = {
	    "__sync_fetch_and_add", "__sync_add_and_fetch",
	    "__sync_fetch_and_sub", "__sync_sub_and_fetch"};

	for (size_t i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		if (!strncmp(callee, adds[i], strlen(adds[i])))
			return 1;
	return 0;
}

/* What node i, in func, does to a variable: `v += n`, `v->x++`,
 * __sync_fetch_and_add(&v[i], n) add to it in place; `v = x`, any
 * other compound assignment or atomic builtin write it; a VarDecl
 * declares a local. 0 or -1. */
static int find_touch(struct scan *s, const struct ast_line *l, unsigned int n,
		      unsigned int i, const char *func)
{
	const char *t = l[i].text;
	enum touch_kind kind = TOUCH_SET;
	unsigned int target = n;
	char var[128];

	if (is_kind(t, "VarDecl")) {
		return decl_name(t, var, sizeof(var))
			   ? add_touch(s, func, var, TOUCH_LOCAL)
			   : 0;
	} else if (is_kind(t, "CompoundAssignOperator")) {
		target = child(l, n, i, 0);
		if (strstr(t, "'+='") || strstr(t, "'-='"))
			kind = TOUCH_ADD;
	} else if (is_kind(t, "UnaryOperator") &&
		   (strstr(t, "'++'") || strstr(t, "'--'"))) {
		target = child(l, n, i, 0);
		kind = TOUCH_ADD;
	} else if (is_kind(t, "BinaryOperator") && strstr(t, "' '='")) {
		target = child(l, n, i, 0);
	} else if (is_kind(t, "AtomicExpr")) {
		target = child(l, n, i, 0); /* its operation is not shown */
	} else if (is_kind(t, "CallExpr")) {
		struct arg_sum callee = {0};

		summarize(l, n, child(l, n, i, 0), &callee);
		if (strncmp(callee.ref, "__sync_", 7) &&
		    strncmp(callee.ref, "__atomic_", 9))
			return 0;
		target = child(l, n, i, 1);
		if (adds_atomically(callee.ref))
			kind = TOUCH_ADD;
	}
	if (target >= n || !root_var(l, n, target, var, sizeof(var)))
		return 0;
	return add_touch(s, func, var, kind);
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
	result_var(l, n, at, c->result, sizeof(c->result));
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
			value_of(l, n, i, &c->values[child - 1]);
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
	for (unsigned int i = at + 1; i < n && l[i].depth > l[at].depth; i++) {
		const char *sec, *end;

		if (l[i].depth != l[at].depth + 1)
			continue;
		if (is_kind(l[i].text, "ParmVarDecl") && f->count < MAX_ARGS)
			decl_name(l[i].text, f->params[f->count++],
				  sizeof(f->params[0]));
		/* SectionAttr 0x... <...> [Inherited ]section "tp_btf/x" */
		if (is_kind(l[i].text, "SectionAttr") &&
		    (sec = strstr(l[i].text, " section \"")) &&
		    (end = strchr(sec + 10, '"')))
			copy_word(f->section, sizeof(f->section), sec + 10,
				  (size_t)(end - sec - 10));
	}
	return 0;
}

/* An element of an array variable at node i (an ArraySubscriptExpr) in
 * func, with what its index copies. 0 or -1. */
static int add_subscript(struct scan *s, const struct ast_line *l,
			 unsigned int n, unsigned int i, const char *func)
{
	unsigned int base = unwrap(l, n, child(l, n, i, 0));
	struct subscript sub = {0}, *grown;
	const char *ty;
	size_t tn;

	/* an array ('__u64[10]'), not a pointer that is indexed */
	if (base >= n || !(ty = expr_type(l[base].text, &tn)) ||
	    !memchr(ty, '[', tn) ||
	    !var_ref(l[base].text, sub.array, sizeof(sub.array)))
		return 0;
	copy_word(sub.func, sizeof(sub.func), func, strlen(func));
	value_of(l, n, child(l, n, i, 1), &sub.index);
	grown = grow(s->subscripts, s->subscript_count, sizeof(sub));
	if (!grown)
		return -1;
	s->subscripts = grown;
	s->subscripts[s->subscript_count++] = sub;
	return 0;
}

static int touched(const struct scan *s, const char *func, const char *var,
		   enum touch_kind kind);

/* Global arrays indexed by a value of one known meaning wherever they
 * are indexed (softirqs' counts[vec_nr]): their index is shown so. */
static int subscript_formats(const struct scan *s, struct map_usage *out)
{
	for (unsigned int i = 0; i < s->subscript_count; i++) {
		const struct subscript *a = &s->subscripts[i];
		struct found_format f = {0}, g;
		int ok = 1;

		for (unsigned int j = 0; j < s->subscript_count && ok; j++) {
			const struct subscript *b = &s->subscripts[j];

			if (strcmp(a->array, b->array))
				continue;
			/* said at its first element; a local is no map */
			ok = j >= i &&
			     !touched(s, b->func, b->array, TOUCH_LOCAL) &&
			     resolve_value(s, b->func, &b->index, 0, &g) &&
			     (j == i || same_format(&f, &g));
			f = g;
		}
		if (ok && add_format(out, a->array, NULL, "index", &f))
			return -1;
	}
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

/* The functions that pass a map argument on to helper's argument slot,
 * directly or through others (libbpf-tools' bpf_map_lookup_or_try_init
 * to bpf_map_update_elem and bpf_map_lookup_elem), helper first: each
 * a function and the slot of its map. 0 or -1. */
static int map_passers(const struct scan *s, const char *helper,
		       unsigned int helper_slot, struct sink **out,
		       unsigned int *count)
{
	struct sink *w = calloc(1, sizeof(*w)), *grown;
	unsigned int n = 1;
	int changed = 1;

	if (!w)
		return -1;
	copy_word(w->func, sizeof(w->func), helper, strlen(helper));
	w->slot = helper_slot;
	for (unsigned int round = 0; changed && round < 16; round++) {
		changed = 0;
		for (unsigned int i = 0; i < s->call_count; i++) {
			const struct call *c = &s->calls[i];
			int slot = -1;

			for (unsigned int k = 0; slot < 0 && k < n; k++)
				if (!strcmp(c->callee, w[k].func))
					slot = (int)w[k].slot;
			if (slot < 0 || (unsigned int)slot >= c->argc ||
			    !c->args[slot].ref_is_parm)
				continue;
			slot = param_index(s, c->func, c->args[slot].ref);
			for (unsigned int k = 0; slot >= 0 && k < n; k++)
				if (!strcmp(w[k].func, c->func) &&
				    w[k].slot == (unsigned int)slot)
					slot = -1;
			if (slot < 0)
				continue;
			grown = grow(w, n, sizeof(*grown));
			if (!grown) {
				free(w);
				return -1;
			}
			w = grown;
			copy_word(w[n].func, sizeof(w[n].func), c->func,
				  strlen(c->func));
			w[n++].slot = (unsigned int)slot;
			changed = 1;
		}
	}
	*out = w;
	*count = n;
	return 0;
}

/* The map c passes to one of the passers, or NULL. */
static const char *map_passed(const struct call *c, const struct sink *w,
			      unsigned int n)
{
	for (unsigned int k = 0; k < n; k++)
		if (!strcmp(c->callee, w[k].func))
			return w[k].slot < c->argc && *c->args[w[k].slot].ref &&
				       !c->args[w[k].slot].ref_is_parm
				   ? c->args[w[k].slot].ref
				   : NULL;
	return NULL;
}

/* The maps the program adds entries to: bpf_map_update_elem's map,
 * directly or through its own functions' parameters (libbpf-tools'
 * bpf_map_lookup_or_try_init). */
static int find_updated(struct scan *s, struct map_usage *out)
{
	struct sink *w;
	unsigned int n;
	int rc = 0;

	if (map_passers(s, "bpf_map_update_elem", 0, &w, &n))
		return -1;
	for (unsigned int i = 0; i < s->call_count && !rc; i++) {
		const char *map = map_passed(&s->calls[i], w, n);

		if (map)
			rc = add_name(&out->updated, &out->updated_count, map);
	}
	free(w);
	return rc;
}

static int touched(const struct scan *s, const char *func, const char *var,
		   enum touch_kind kind)
{
	for (unsigned int i = 0; i < s->touch_count; i++)
		if (s->touches[i].kind == kind &&
		    !strcmp(s->touches[i].var, var) &&
		    (!func || !strcmp(s->touches[i].func, func)))
			return 1;
	return 0;
}

/* The maps whose looked-up values the program adds to in place
 * (`p = bpf_map_lookup_elem(&m, &k); ... p->count++`), into *added;
 * and the globals it only ever adds to (`__sync_fetch_and_add(&total,
 * 1)`, never `total = x`), into out->counted. 0 or -1. */
static int find_added(struct scan *s, struct map_usage *out, char ***added,
		      size_t *added_count)
{
	struct sink *w;
	unsigned int n;
	int rc = 0;

	if (map_passers(s, "bpf_map_lookup_elem", 0, &w, &n))
		return -1;
	for (unsigned int i = 0; i < s->touch_count && !rc; i++) {
		const struct touch *t = &s->touches[i];

		if (t->kind != TOUCH_ADD)
			continue;
		if (!touched(s, t->func, t->var, TOUCH_LOCAL)) {
			int set = 0;

			/* a global: no function writes it otherwise */
			for (unsigned int j = 0; j < s->touch_count && !set;
			     j++)
				set = s->touches[j].kind == TOUCH_SET &&
				      !strcmp(s->touches[j].var, t->var) &&
				      !touched(s, s->touches[j].func, t->var,
					       TOUCH_LOCAL);
			if (!set)
				rc = add_name(&out->counted,
					      &out->counted_count, t->var);
			continue;
		}
		for (unsigned int j = 0; j < s->call_count && !rc; j++) {
			const struct call *c = &s->calls[j];
			const char *map = map_passed(c, w, n);

			if (map && !strcmp(c->func, t->func) &&
			    !strcmp(c->result, t->var))
				rc = add_name(added, added_count, map);
		}
	}
	free(w);
	return rc;
}

/* The maps that are state: deleted from, or written whole by an
 * update that may replace a value, unless what it writes is a count
 * the program adds to in place (a zero set up with BPF_ANY, then
 * `p->reads++`). 0 or -1. */
static int find_state(struct scan *s, struct map_usage *out)
{
	char **added = NULL;
	size_t added_count = 0;
	int rc = find_added(s, out, &added, &added_count);

	for (unsigned int i = 0; i < s->call_count && !rc; i++) {
		const struct call *c = &s->calls[i];
		const char *map = c->args[0].ref;
		int replaces = !strcmp(c->callee, "bpf_map_update_elem") &&
			       c->argc == 4 && !creates_only(&c->args[3]);

		if (!c->argc || !*map || c->args[0].ref_is_parm)
			continue;
		if (replaces)
			for (size_t k = 0; k < added_count && replaces; k++)
				replaces = strcmp(added[k], map) != 0;
		if (replaces || !strcmp(c->callee, "bpf_map_delete_elem"))
			rc = add_name(&out->deleted, &out->deleted_count, map);
	}
	for (size_t k = 0; k < added_count; k++)
		free(added[k]);
	free(added);
	return rc;
}

static int resolve(struct scan *s, struct map_usage *out)
{
	int changed = 1, rc = 0;

	if (find_state(s, out))
		return -1;
	for (unsigned int i = 0; i < s->call_count; i++) {
		const struct call *c = &s->calls[i];

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
	if (find_updated(s, out) || member_formats(s, out) ||
	    key_formats(s, out) || subscript_formats(s, out))
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
		if (*func)
			rc = find_touch(&s, l, n, i, func);
		if (rc)
			break;
		if (is_kind(l[i].text, "FunctionDecl")) {
			rc = add_func(&s, l, n, i);
			if (!rc && s.funcs[s.func_count - 1].name[0]) {
				memcpy(func, s.funcs[s.func_count - 1].name,
				       sizeof(func));
				func_depth = l[i].depth;
			}
		} else if (*func && is_kind(l[i].text, "CallExpr")) {
			rc = add_call(&s, l, n, i, func);
		} else if (*func && is_kind(l[i].text, "ArraySubscriptExpr")) {
			rc = add_subscript(&s, l, n, i, func);
		} else if (*func && ((is_kind(l[i].text, "BinaryOperator") &&
				      strstr(l[i].text, "' '='")) ||
				     (is_kind(l[i].text, "VarDecl") &&
				      strstr(l[i].text, "' cinit")))) {
			rc = add_assign(&s, l, n, i, func);
		}
	}
	if (!rc)
		rc = resolve(&s, out);
	out->read = !rc;
	free(s.touches);
	free(s.assigns);
	free(s.calls);
	free(s.funcs);
	free(s.sinks);
	free(s.subscripts);
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
	for (size_t i = 0; i < e->counted_count; i++)
		free(e->counted[i]);
	free(e->counted);
	e->counted = NULL;
	e->counted_count = 0;
	for (size_t i = 0; i < e->format_count; i++) {
		free((char *)e->formats[i].map);
		free((char *)e->formats[i].strct);
		free((char *)e->formats[i].field);
		free((char *)e->formats[i].param);
	}
	free(e->formats);
	e->formats = NULL;
	e->format_count = 0;
	e->read = 0;
}
