/* Stack ids (bpf_get_stackid) shown as the stacks they stand for: the
 * program's stack trace map read at the id, kernel addresses named from
 * /proc/kallsyms (read once, when the first stack is shown), user ones
 * from the process's mappings (ustacks.c) when the entry names its
 * process (stacks_pid), else in hex; root first and ';'-joined, as flame
 * graph tools fold them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "render.h"
#include "ustacks.h"

#define STACK_DEPTH 127 /* the kernel's perf_event_max_stack default */

struct ksym {
	uint64_t addr;
	char *name;
};

static int stack_fd = -1;
static int stack_pid; /* the process of the entry being shown; 0 */
static struct ksym *ksyms;
static size_t ksym_count;
static int ksyms_read;

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void read_kallsyms(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;

	ksyms_read = 1;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 ||
		    !addr || (type != 't' && type != 'T'))
			continue;
		if (ksym_count == cap) {
			struct ksym *grown;

			cap = cap ? cap * 2 : 4096;
			grown = realloc(ksyms, cap * sizeof(*grown));
			if (!grown)
				break;
			ksyms = grown;
		}
		ksyms[ksym_count].addr = addr;
		ksyms[ksym_count].name = strdup(name);
		if (ksyms[ksym_count].name)
			ksym_count++;
	}
	if (f)
		fclose(f);
	qsort(ksyms, ksym_count, sizeof(*ksyms), by_addr);
}

/* The kernel symbol an address is in, or NULL. */
static const char *ksym_name(uint64_t addr)
{
	size_t lo = 0, hi = ksym_count;

	if (!ksyms_read)
		read_kallsyms();
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? ksyms[lo - 1].name : NULL;
}

static int render_stack(struct outbuf *o, int64_t id, int json)
{
	uint64_t ips[STACK_DEPTH] = {0};
	uint32_t key = (uint32_t)id;
	int n = 0, first = 1;

	if (bpf_map_lookup_elem(stack_fd, &key, ips))
		return 0; /* gone (a full map drops ids): the number */
	while (n < STACK_DEPTH && ips[n])
		n++;
	if (json)
		outbuf_putc(o, '"');
	for (int i = n - 1; i >= 0; i--) {
		const char *name = ips[i] >= 0xffff000000000000ull
				       ? ksym_name(ips[i])
				       : usym_name(stack_pid, ips[i]);

		if (!first)
			outbuf_putc(o, ';');
		first = 0;
		if (name)
			outbuf_puts(o, name);
		else
			render_hex(o, ips[i], 0);
	}
	if (json)
		outbuf_putc(o, '"');
	return 1;
}

void stacks_open(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
	{
		if (bpf_map__type(map) == BPF_MAP_TYPE_STACK_TRACE) {
			stack_fd = bpf_map__fd(map);
			render_stack_hook = render_stack;
			return;
		}
	}
}

void stacks_set_pid(const struct bumble_event_type *t, const void *data,
		    size_t size)
{
	static const char *const names[] = {"tgid", "pid"};

	stack_pid = 0;
	for (size_t k = 0; t && k < 2 && !stack_pid; k++)
		for (unsigned int i = 0; i < t->field_count; i++) {
			const struct bumble_field *f = &t->fields[i];

			if (!strcmp(f->name, names[k]) && f->count == 1 &&
			    (f->kind == BUMBLE_KIND_INT ||
			     f->kind == BUMBLE_KIND_UINT) &&
			    field_present(f, size)) {
				stack_pid = (int)field_raw(
				    f, (const unsigned char *)data + f->offset);
				break;
			}
		}
}

void stacks_close(void)
{
	usyms_free();
	stack_pid = 0;
	render_stack_hook = NULL;
	stack_fd = -1;
	for (size_t i = 0; i < ksym_count; i++)
		free(ksyms[i].name);
	free(ksyms);
	ksyms = NULL;
	ksym_count = 0;
	ksyms_read = 0;
}
