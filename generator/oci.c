/* OCI JSON for a bundled tool: configs, manifests, and the labels that
 * describe the eBPF programs (bpfman's io.ebpf.programs and io.ebpf.maps,
 * bumble's io.bumble.model). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "enum_names.h"
#include "json_writer.h"
#include "oci.h"

long long oci_epoch(void)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (!env || !*env)
		return 0;
	v = strtoll(env, &end, 10);
	return !*end && v >= 0 ? v : 0;
}

void oci_created(char out[32])
{
	time_t t = (time_t)oci_epoch();
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* bpfman's program type names, from libbpf's type and the section. */
static const char *program_kind(const struct gen_program *p)
{
	const char *s = p->section;

	switch (p->type) {
	case BPF_PROG_TYPE_XDP:
		return "xdp";
	case BPF_PROG_TYPE_SCHED_CLS:
		return strncmp(s, "tcx", 3) ? "tc" : "tcx";
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		return "tracepoint";
	case BPF_PROG_TYPE_KPROBE:
		if (!strncmp(s, "uprobe", 6) || !strncmp(s, "uretprobe", 9) ||
		    !strncmp(s, "usdt", 4))
			return "uprobe";
		return "kprobe";
	case BPF_PROG_TYPE_TRACING:
		if (!strncmp(s, "fexit", 5))
			return "fexit";
		if (!strncmp(s, "tp_btf", 6))
			return "tracepoint";
		return "fentry";
	default:
		return libbpf_bpf_prog_type_str(p->type)
			   ? libbpf_bpf_prog_type_str(p->type)
			   : "unknown";
	}
}

char *oci_programs_label(const struct gen_model *m)
{
	struct json_writer j;

	jw_init(&j);
	jw_object(&j);
	for (unsigned int i = 0; i < m->program_count; i++)
		jw_kv_string(&j, m->programs[i].name,
			     program_kind(&m->programs[i]));
	jw_end(&j, '}');
	return jw_finish(&j, NULL);
}

static const char *map_type_name(int type)
{
	const char *name = libbpf_bpf_map_type_str(type);

	return name ? name : "unknown";
}

char *oci_maps_label(const struct gen_model *m)
{
	struct json_writer j;

	jw_init(&j);
	jw_object(&j);
	for (unsigned int i = 0; i < m->map_count; i++)
		if (!m->maps[i].global_section) /* a global, not a map */
			jw_kv_string(&j, m->maps[i].name,
				     map_type_name(m->maps[i].type));
	jw_end(&j, '}');
	return jw_finish(&j, NULL);
}

static void put_event(struct json_writer *j, const struct gen_event *ev)
{
	jw_object(j);
	jw_kv_string(j, "name", ev->type_name);
	jw_kv_int(j, "size", ev->size);
	jw_key(j, "fields");
	jw_array(j);
	for (unsigned int i = 0; i < ev->field_count; i++) {
		const struct gen_field *f = &ev->fields[i];

		jw_object(j);
		jw_kv_string(j, "name", f->name);
		jw_kv_int(j, "offset", f->offset);
		jw_kv_int(j, "size", f->size);
		if (f->count > 1)
			jw_kv_int(j, "count", f->count);
		if (f->bit_size) {
			jw_kv_int(j, "bit_shift", f->bit_shift);
			jw_kv_int(j, "bit_size", f->bit_size);
		}
		jw_kv_string(j, "kind", kind_name(f->kind));
		if (f->format != BUMBLE_FORMAT_PLAIN)
			jw_kv_string(j, "format", format_name(f->format));
		jw_end(j, '}');
	}
	jw_end(j, ']');
	jw_end(j, '}');
}

/* Everything bumble knows of the program, for tools that read the image
 * without running it. */
char *oci_model_label(const struct gen_model *m)
{
	struct json_writer j;

	jw_init(&j);
	jw_object(&j);
	jw_kv_string(&j, "name", m->name);
	jw_kv_string(&j, "version", m->version);
	jw_key(&j, "programs");
	jw_array(&j);
	for (unsigned int i = 0; i < m->program_count; i++) {
		jw_object(&j);
		jw_kv_string(&j, "name", m->programs[i].name);
		jw_kv_string(&j, "section", m->programs[i].section);
		jw_kv_string(&j, "type", program_kind(&m->programs[i]));
		jw_end(&j, '}');
	}
	jw_end(&j, ']');
	jw_key(&j, "maps");
	jw_array(&j);
	for (unsigned int i = 0; i < m->map_count; i++) {
		const struct gen_map *gm = &m->maps[i];

		jw_object(&j);
		jw_kv_string(&j, "name", gm->name);
		jw_kv_string(&j, "type", map_type_name(gm->type));
		jw_kv_string(&j, "role", role_name(gm->role));
		if (gm->event)
			jw_kv_string(&j, "event", gm->event->type_name);
		if (gm->key)
			jw_kv_string(&j, "key", gm->key->type_name);
		jw_end(&j, '}');
	}
	jw_end(&j, ']');
	jw_key(&j, "events");
	jw_array(&j);
	for (unsigned int i = 0; i < m->event_count; i++)
		put_event(&j, m->events[i]);
	jw_end(&j, ']');
	jw_key(&j, "params");
	jw_array(&j);
	for (unsigned int i = 0; i < m->param_count; i++) {
		const struct gen_param *p = &m->params[i];

		jw_object(&j);
		jw_kv_string(&j, "name", p->name);
		jw_kv_string(&j, "kind", kind_name(p->kind));
		jw_kv_int(&j, "size", p->size * p->count);
		jw_kv_string(&j, "default", p->default_text);
		jw_kv_string(&j, "help", p->help);
		jw_end(&j, '}');
	}
	jw_end(&j, ']');
	jw_end(&j, '}');
	return jw_finish(&j, NULL);
}

char *oci_image_config(const struct oci_info *info, const char *diff_id,
		       const char *entrypoint, const char *created_by,
		       size_t *len)
{
	struct json_writer j;

	jw_init(&j);
	jw_object(&j);
	jw_kv_string(&j, "created", info->created);
	jw_kv_string(&j, "architecture", info->architecture);
	jw_kv_string(&j, "os", "linux");
	jw_key(&j, "config");
	jw_object(&j);
	if (entrypoint) {
		jw_key(&j, "Entrypoint");
		jw_array(&j);
		jw_string(&j, entrypoint);
		jw_end(&j, ']');
	}
	jw_key(&j, "Labels");
	jw_object(&j);
	jw_kv_string(&j, "io.ebpf.programs", info->programs_label);
	jw_kv_string(&j, "io.ebpf.maps", info->maps_label);
	jw_kv_string(&j, "io.bumble.model", info->model_label);
	jw_kv_string(&j, "org.opencontainers.image.title", info->name);
	jw_kv_string(&j, "org.opencontainers.image.version", info->version);
	jw_end(&j, '}');
	jw_end(&j, '}');
	jw_key(&j, "rootfs");
	jw_object(&j);
	jw_kv_string(&j, "type", "layers");
	jw_key(&j, "diff_ids");
	jw_array(&j);
	jw_string(&j, diff_id);
	jw_end(&j, ']');
	jw_end(&j, '}');
	jw_key(&j, "history");
	jw_array(&j);
	jw_object(&j);
	jw_kv_string(&j, "created", info->created);
	jw_kv_string(&j, "created_by", created_by);
	jw_end(&j, '}');
	jw_end(&j, ']');
	jw_end(&j, '}');
	return jw_finish(&j, len);
}

/* A descriptor's members, in the object the caller opened. */
static void put_desc_members(struct json_writer *j, const struct oci_desc *d)
{
	jw_kv_string(j, "mediaType", d->media_type);
	jw_kv_string(j, "digest", d->digest);
	jw_kv_int(j, "size", (long long)d->size);
}

static void put_desc(struct json_writer *j, const struct oci_desc *d)
{
	jw_object(j);
	put_desc_members(j, d);
	jw_end(j, '}');
}

/* The head of a manifest or an index: schemaVersion 2, its media type. */
static void begin_schema2(struct json_writer *j, const char *media_type)
{
	jw_init(j);
	jw_object(j);
	jw_kv_int(j, "schemaVersion", 2);
	jw_kv_string(j, "mediaType", media_type);
}

char *oci_index(const struct oci_platform_desc *manifests, unsigned int count,
		size_t *len)
{
	struct json_writer j;

	begin_schema2(&j, OCI_INDEX_TYPE);
	jw_key(&j, "manifests");
	jw_array(&j);
	for (unsigned int i = 0; i < count; i++) {
		jw_object(&j);
		put_desc_members(&j, &manifests[i].desc);
		jw_key(&j, "platform");
		jw_object(&j);
		jw_kv_string(&j, "architecture", manifests[i].architecture);
		jw_kv_string(&j, "os", "linux");
		jw_end(&j, '}');
		jw_end(&j, '}');
	}
	jw_end(&j, ']');
	jw_end(&j, '}');
	return jw_finish(&j, len);
}

char *oci_manifest(const struct oci_info *info, const struct oci_desc *config,
		   const struct oci_desc *layers, unsigned int layer_count,
		   size_t *len)
{
	struct json_writer j;

	begin_schema2(&j, OCI_MANIFEST_TYPE);
	jw_key(&j, "config");
	put_desc(&j, config);
	jw_key(&j, "layers");
	jw_array(&j);
	for (unsigned int i = 0; i < layer_count; i++)
		put_desc(&j, &layers[i]);
	jw_end(&j, ']');
	jw_key(&j, "annotations");
	jw_object(&j);
	jw_kv_string(&j, "org.opencontainers.image.created", info->created);
	jw_kv_string(&j, "org.opencontainers.image.description",
		     info->description);
	jw_kv_string(&j, "org.opencontainers.image.source", info->source);
	jw_kv_string(&j, "org.opencontainers.image.title", info->name);
	jw_kv_string(&j, "org.opencontainers.image.version", info->version);
	jw_end(&j, '}');
	jw_end(&j, '}');
	return jw_finish(&j, len);
}
